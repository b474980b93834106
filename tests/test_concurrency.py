"""Two people fire a transition on the same case at the same moment: exactly one wins, the
other gets 409 and overwrites nothing. Real server, real connections, committed data."""

import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from casetracker.auth import service as auth_service
from casetracker.auth.models import Role
from casetracker.cases import service as case_service
from casetracker.cases.models import Case, CaseTransition
from casetracker.core import clock, migrations
from casetracker.core.clock import CHINA_TZ
from casetracker.core.db import make_engine, make_sessionmaker, session_scope
from casetracker.core.settings import Settings
from tests.databases import throwaway_database
from tests.live import seed_client, serve

ROUNDS = 5


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[str, str, list[int]]]:
    with throwaway_database(tmp_path, "race") as url:
        migrations.upgrade(url)
        engine = make_engine(url)
        with session_scope(make_sessionmaker(engine)) as session:
            client = seed_client(session)
            boss = auth_service.add_user(
                session=session, username="boss", role=Role.SUPERVISOR, password="password-boss"
            )
            session.flush()
            token = auth_service.create_token(session=session, user=boss)
            cases = [
                case_service.open_case(
                    session=session,
                    case_type="injury",
                    client_id=client.id,
                    region_id=client.default_region_id,
                    owner=boss,
                    now=clock.now(),
                    event_at=datetime(2026, 11, 20, 9, 0, tzinfo=CHINA_TZ),
                ).id
                for _ in range(ROUNDS)
            ]
        engine.dispose()
        settings = Settings(database_url=url, data_dir=tmp_path, secret_key="r" * 40)
        with serve(settings) as base_url:
            yield base_url, token, cases
        engine = make_engine(url)
        with session_scope(make_sessionmaker(engine)) as session:
            for case_id in cases:
                case = session.get(Case, case_id)
                assert case is not None
                assert case.version == 2
                fired = (
                    session.query(CaseTransition)
                    .filter_by(case_id=case_id, name="file_report")
                    .count()
                )
                assert fired == 1
        engine.dispose()


def test_exactly_one_of_two_simultaneous_transitions_wins(
    setup: tuple[str, str, list[int]],
) -> None:
    base_url, token, cases = setup
    headers = {"Authorization": f"Bearer {token}"}
    for case_id in cases:
        barrier = threading.Barrier(2)
        results: list[int] = []

        def attempt(
            filed_at: str,
            case_id: int = case_id,
            barrier: threading.Barrier = barrier,
            results: list[int] = results,
        ) -> None:
            with httpx.Client(base_url=base_url, headers=headers, timeout=30) as http:
                barrier.wait()
                response = http.post(
                    f"/api/v1/cases/{case_id}/transitions",
                    json={"transition": "file_report", "version": 1, "filed_at": filed_at},
                )
                results.append(response.status_code)

        threads = [threading.Thread(target=attempt, args=(f"2026-11-20T1{n}:00",)) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [200, 409]
