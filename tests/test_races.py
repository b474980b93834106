"""Probes that many simultaneous requests used to win: a burst of wrong passwords must lock
the account, and the same accident recorded ten times at once must make one case. Real
server, real connections, committed data (on PostgreSQL these raced before the fix)."""

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth import service as auth_service
from casetracker.auth.models import Role, User
from casetracker.cases.models import Case
from casetracker.core import migrations
from casetracker.core.db import make_engine, make_sessionmaker, session_scope
from casetracker.core.settings import Settings
from casetracker.people.models import InsuredPerson
from tests.conftest import CSRF_RE
from tests.databases import throwaway_database
from tests.live import seed_client, serve

T = TypeVar("T")
PASSWORD = "the-right-password"
NEW_PERSON_ID = "11010519491231002X"


class Site:
    def __init__(self, url: str, database_url: str, token: str, client_id: int) -> None:
        self.url, self.database_url, self.token, self.client_id = (
            url,
            database_url,
            token,
            client_id,
        )

    def read(self, query: Callable[[Session], T]) -> T:
        engine = make_engine(self.database_url)
        try:
            with session_scope(make_sessionmaker(engine)) as session:
                return query(session)
        finally:
            engine.dispose()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with throwaway_database(tmp_path, "races") as url:
        migrations.upgrade(url)
        engine = make_engine(url)
        with session_scope(make_sessionmaker(engine)) as session:
            client = seed_client(session)
            anna = auth_service.add_user(
                session=session, username="anna", role=Role.SPECIALIST, password=PASSWORD
            )
            session.flush()
            token = auth_service.create_token(session=session, user=anna)
            client_id = client.id
        engine.dispose()
        settings = Settings(database_url=url, data_dir=tmp_path, secret_key="r" * 40)
        with serve(settings) as base_url:
            yield Site(base_url, url, token, client_id)


def _all_at_once(count: int, attempt: Callable[[int], int]) -> list[int]:
    barrier = threading.Barrier(count)
    results: list[int] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        barrier.wait()
        status = attempt(n)
        with lock:
            results.append(status)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _login_form(http: httpx.Client) -> str:
    match = CSRF_RE.search(http.get("/login").text)
    assert match
    return match.group(1)


def test_forty_simultaneous_wrong_passwords_lock_the_account(site: Site) -> None:
    count = 40
    clients = [httpx.Client(base_url=site.url, timeout=120) for _ in range(count)]
    tokens = [_login_form(http) for http in clients]

    def attempt(n: int) -> int:
        response = clients[n].post(
            "/login",
            data={"username": "anna", "password": f"wrong-{n}", "csrf_token": tokens[n]},
        )
        return response.status_code

    try:
        assert _all_at_once(count, attempt) == [401] * count
    finally:
        for http in clients:
            http.close()

    def state(session: Session) -> tuple[datetime | None, int]:
        user = session.scalar(select(User).where(User.username == "anna"))
        assert user is not None
        failures = session.scalar(
            select(func.count()).where(AuditEvent.action == "user.login_failed")
        )
        return user.locked_until, int(failures or 0)

    locked_until, failures = site.read(state)
    assert failures == count
    assert locked_until is not None
    assert locked_until > datetime.now(UTC)
    # Locked: even the right password is refused now.
    with httpx.Client(base_url=site.url, timeout=30) as http:
        right = http.post(
            "/login",
            data={"username": "anna", "password": PASSWORD, "csrf_token": _login_form(http)},
        )
        assert right.status_code == 401


def test_the_same_accident_recorded_ten_times_at_once_makes_one_case(site: Site) -> None:
    count = 10
    body = {
        "client_id": site.client_id,
        "employee": {"name": "李秀英", "id_number": NEW_PERSON_ID},
        "accident_at": "2026-11-20T22:30:00+08:00",
        "place": "二号车间",
        "description": "搬运货物时扭伤腰部",
    }
    headers = {"Authorization": f"Bearer {site.token}"}
    case_ids: list[int] = []

    def attempt(_n: int) -> int:
        with httpx.Client(base_url=site.url, headers=headers, timeout=60) as http:
            response = http.post("/api/v1/injury-cases", json=body)
            if response.status_code in (200, 201):
                case_ids.append(response.json()["id"])
            return response.status_code

    statuses = _all_at_once(count, attempt)
    assert sorted(statuses) == [200] * (count - 1) + [201], statuses
    assert len(set(case_ids)) == 1

    def counts(session: Session) -> tuple[int, int]:
        people = session.scalar(
            select(func.count()).where(InsuredPerson.id_number == NEW_PERSON_ID)
        )
        cases = session.scalar(select(func.count()).select_from(Case))
        return int(people or 0), int(cases or 0)

    assert site.read(counts) == (1, 1)
