"""Reads do not queue behind a writer. On SQLite every unit of work used to begin with the
write lock (BEGIN IMMEDIATE), so four people opening pages took turns, and SQLite's busy wait
sleeps up to 100 ms a turn: p95s of a second at four users. A GET now reads from its snapshot
and takes the lock only if it writes (then it runs again as a writer, losing nothing). Real
server, committed data, a second connection holding a write transaction open."""

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth import service as auth_service
from casetracker.auth.models import Role
from casetracker.core import migrations
from casetracker.core.db import make_engine, make_sessionmaker, session_scope
from casetracker.core.settings import Settings
from casetracker.people.models import InsuredPerson
from tests.databases import throwaway_database
from tests.live import seed_client, serve


@dataclass
class Site:
    url: str
    database_url: str
    token: str
    admin_token: str
    person_id: int


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with throwaway_database(tmp_path, "reads") as url:
        migrations.upgrade(url)
        engine = make_engine(url)
        with session_scope(make_sessionmaker(engine)) as session:
            client = seed_client(session)
            anna = auth_service.add_user(
                session=session, username="anna", role=Role.SPECIALIST, password="p" * 12
            )
            root = auth_service.add_user(
                session=session, username="root", role=Role.ADMIN, password="p" * 12
            )
            person = InsuredPerson(
                name="张三",
                id_number="110105194912310029",
                client_id=client.id,
                region_id=client.default_region_id,
                hire_on=date(2024, 1, 2),
                created_at=datetime(2024, 1, 2, tzinfo=UTC),
            )
            session.add(person)
            session.flush()
            token = auth_service.create_token(session=session, user=anna)
            admin_token = auth_service.create_token(session=session, user=root)
            person_id = person.id
        engine.dispose()
        settings = Settings(database_url=url, data_dir=tmp_path, secret_key="w" * 40)
        with serve(settings) as base_url:
            yield Site(base_url, url, token, admin_token, person_id)


class Writer:
    """Another unit of work that has written and not yet committed (SQLite: it holds the
    write lock), on a driver connection of its own."""

    def __init__(self, database_url: str) -> None:
        self.engine = make_engine(database_url)
        self.raw = self.engine.raw_connection()
        self.cursor = self.raw.cursor()
        if self.engine.dialect.name == "sqlite":  # the driver leaves transactions to us
            self.cursor.execute("BEGIN IMMEDIATE")
        self.cursor.execute("UPDATE regions SET cutoff_day = cutoff_day")

    def write(self, sql: str) -> None:
        self.cursor.execute(sql)

    def end(self, *, commit: bool) -> None:
        if self.engine.dialect.name == "sqlite":
            self.cursor.execute("COMMIT" if commit else "ROLLBACK")
        elif commit:
            self.raw.commit()
        else:
            self.raw.rollback()
        self.raw.close()
        self.engine.dispose()


def test_pages_and_api_reads_answer_while_a_writer_holds_its_transaction(site: Site) -> None:
    answers: list[int] = []
    done = threading.Event()
    # the token's first use is written (then at most once a minute): before the writer starts
    assert httpx.get(f"{site.url}/api/v1/cases", headers=_bearer(site.token)).status_code == 200

    def read() -> None:
        with httpx.Client(base_url=site.url, timeout=60) as http:
            for path in ("/api/v1/cases", "/api/v1/insured?q=张", "/healthz"):
                answers.append(http.get(path, headers=_bearer(site.token)).status_code)
        done.set()

    writer = Writer(site.database_url)
    try:
        reader = threading.Thread(target=read)
        reader.start()
        # With the lock taken at every BEGIN these waited for the writer (up to 30 s).
        assert done.wait(timeout=10), "a read waited for another unit of work's write lock"
        assert answers == [200, 200, 200]
    finally:
        writer.end(commit=False)
    reader.join()


def test_a_read_that_writes_runs_again_as_a_writer_and_loses_nothing(site: Site) -> None:
    """An admin's view of a whole ID number is audited: the GET writes. With a writer
    holding the lock and then committing, the read's snapshot is stale; it runs again."""
    result: list[httpx.Response] = []

    def view() -> None:
        with httpx.Client(base_url=site.url, timeout=60) as http:
            result.append(
                http.get(
                    f"/api/v1/insured/{site.person_id}",
                    headers=_bearer(site.admin_token),
                )
            )

    writer = Writer(site.database_url)
    writer.write("UPDATE insured_people SET phone = '13800000000'")  # and commits it below
    viewer = threading.Thread(target=view)
    viewer.start()
    time.sleep(0.5)  # the view has read and is waiting to write its audit row
    writer.end(commit=True)
    viewer.join(timeout=30)
    assert result, "the view did not answer"
    assert result[0].status_code == 200, result[0].text
    assert result[0].json()["id_number"] == "110105194912310029"
    engine = make_engine(site.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        audited = _views(session)
    engine.dispose()
    assert audited == 1  # once: the attempt that could not write left nothing behind


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _views(session: Session) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "insured.id_number_viewed")
        )
        or 0
    )
