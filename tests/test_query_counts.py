"""Lists cost a fixed number of SQL queries, however many cases they show: the desk, the
supervisor's desk, /cases and the API list issue as many queries for 50 cases as for 5."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from casetracker.auth.models import Role, User
from tests.conftest import NOW, World, bearer, fire, log_in, make_user, open_injury


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _add_cases(session: Session, world: World, owner: User, how_many: int) -> None:
    for n in range(how_many):
        case = open_injury(session, world, owner, f"2026-11-{1 + n % 20:02d}T{n % 24:02d}:00")
        if n % 3 == 1:
            fire(session, case, "file_report", owner, filed_at=f"2026-11-{1 + n % 20:02d}T23:30")


def test_lists_cost_the_same_queries_for_5_and_50_cases(
    client: TestClient, engine: Engine, session: Session, world: World, anna: User, sam: User
) -> None:
    api = bearer(session, anna)
    bob = make_user(session, "bob", Role.SPECIALIST, "鲍勃")

    def measure() -> dict[str, int]:
        found: dict[str, int] = {}
        views: dict[str, tuple[User, Callable[[], Any]]] = {
            "desk": (anna, lambda: client.get("/")),
            "supervisor desk": (sam, lambda: client.get("/")),
            "/cases": (sam, lambda: client.get("/cases")),
            "/cases filtered": (sam, lambda: client.get("/cases", params={"overdue": "true"})),
            "/cases search": (sam, lambda: client.get("/cases", params={"q": "李"})),
            "API list": (
                anna,
                lambda: client.get("/api/v1/cases", params={"limit": 50}, headers=api),
            ),
        }
        for name, (user, call) in views.items():
            client.cookies.clear()
            log_in(client, user)
            call()  # warm: the first request loads the calendar and the catalogue
            with counted(engine) as statements:
                assert call().status_code == 200
            found[name] = len(statements)
        return found

    _add_cases(session, world, anna, 4)
    _add_cases(session, world, bob, 1)
    few = measure()
    _add_cases(session, world, anna, 40)
    _add_cases(session, world, bob, 5)
    many = measure()
    assert many == few
    # each page's budget: the signed-in user with the header's unread count (pages) or the
    # token (API); the count (a search counts with its page); the page of cases; their
    # clocks; then the desk's head counts and clients, or the list's filter menus
    assert few == {
        "desk": 6,
        "supervisor desk": 6,
        "/cases": 7,
        "/cases filtered": 7,
        "/cases search": 6,
        "API list": 6,
    }


def test_a_token_s_last_use_is_written_at_most_once_a_minute(
    client: TestClient, session: Session, world: World, anna: User
) -> None:
    """Parallel requests with one token do not queue behind a write to the token row: most
    requests write nothing, and one that writes takes the row only if no other holds it."""
    from casetracker.auth.models import ApiToken

    headers = bearer(session, anna)
    token = session.query(ApiToken).one()
    assert token.last_used_at is None
    with counted(session.get_bind().engine) as statements:
        assert client.get("/api/v1/clients", headers=headers).status_code == 200
    assert any("UPDATE api_tokens" in s for s in statements)
    session.expire_all()
    first = session.get(ApiToken, token.id)
    assert first is not None
    assert first.last_used_at == NOW
    with counted(session.get_bind().engine) as statements:
        assert client.get("/api/v1/clients", headers=headers).status_code == 200
    assert not any("api_tokens" in s and ("UPDATE" in s or "FOR UPDATE" in s) for s in statements)
    with time_machine.travel(NOW.replace(minute=2), tick=False):
        assert client.get("/api/v1/clients", headers=headers).status_code == 200
    session.expire_all()
    later = session.get(ApiToken, token.id)
    assert later is not None
    assert later.last_used_at == NOW.replace(minute=2)


def test_the_desk_counts_each_client_s_insured_people_from_one_pass(
    client: TestClient, session: Session, world: World, anna: User
) -> None:
    world.client.owner_id = anna.id
    session.commit()
    log_in(client, anna)
    page = client.get("/").text
    mine = page.split("我负责的客户")[1]
    assert world.client.name in mine
    assert '<td class="num">2</td>' in mine  # 李秀英 and 王建国, both insured today
    assert "在保参保人 2 人，客户 1 家" in page
