"""Garbage posted to every route, signed in or not, never yields a 500."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from tests.conftest import World, bearer, log_in, page_csrf
from tests.routes import app_routes

HUGE = "字" * 100_000
PATH_VALUES = ["1", "-1", "99999999999999999999", "abc", "%00"]
FORM_BODIES: list[dict[str, str]] = [
    {},
    {
        "name": HUGE,
        "credit_code": HUGE,
        "id_number": HUGE,
        "default_region_id": HUGE,
        "client_id": HUGE,
        "hire_on": HUGE,
        "contribution_base": HUGE,
        "username": HUGE,
        "password": HUGE,
        "next": HUGE,
    },
    {
        "name": "\x00",
        "credit_code": "\x00",
        "id_number": "\x00",
        "client_id": "1\x00",
        "default_region_id": "1",
        "hire_on": "2026-02-30",
        "contribution_base": "1e400",
    },
    {
        "client_id": "99999999999999999999",
        "default_region_id": "-5",
        "region_id": "abc",
        "contribution_base": "-1",
        "hire_on": "0000-00-00",
        "leave_on": "yesterday",
        "sales_rep_id": "2147483648",
        "owner_id": "1.5",
        "name": "x",
        "credit_code": "91310000MA1FL4XX2C",
        "id_number": "11010519491231002X",
    },
    {  # digits str.isdigit() accepts and int() refuses or misreads; dates that overflow UTC
        "version": "²",
        "year": "²",
        "client_id": "١",
        "filed_at": "0001-01-01T00:00:00+08:00",
        "submitted_on": "9999-12-31",
        "accident_at": "9999-12-31T23:59:59-01:00",
        "contacted_at": "0001-01-01T00:00:00+08:00",
        "follow_up_on": "0001-01-01",
        "hire_on": "0001-01-01",
        "holidays": "0001-01-01 元旦",
    },
    {
        "contribution_base": "12345678901234567890.123",
        "name": "x",
        "client_id": "1",
        "hire_on": "2026-01-01",
        "id_number": "11010519491231002X",
    },
]
RAW_BODIES = [b"{not json", b"\xff\xfe\x00garbage", b"a=%ZZ&b=%00", b"--x\r\nbroken"]
QUERY_VALUES = [
    {"q": "字" * 5000},
    {"page": "-1"},
    {"page": "abc"},
    {"client": "x"},
    {"region": "99999999999999999999"},
    {"status": "nope"},
    {"q": "%_\\\x00"},
    {"offset": "-1", "limit": "0"},
    {"next": "http://evil"},
    {"owner": "²", "client": "١", "due_before": "0001-01-01", "page": "²"},
    {"due_before": "9999-12-31T23:59:59-01:00", "year": "٢٠٢٧"},
]


def _concrete(path: str) -> list[str]:
    if "{" not in path:
        return [path]
    head, _, rest = path.partition("{")
    _, _, tail = rest.partition("}")
    return [head + value + tail for value in PATH_VALUES]


@pytest.fixture
def signed_in(client: TestClient, ada: User, world: World) -> TestClient:
    return log_in(client, ada)


def test_every_route_survives_garbage(
    signed_in: TestClient, app: FastAPI, session: Session, ada: User
) -> None:
    api_headers = bearer(session, ada)
    csrf = page_csrf(signed_in)
    failures = []
    # /logout last: it ends the session the other attempts need.
    for method, template in sorted(app_routes(app), key=lambda r: r[1] == "/logout"):
        for path in _concrete(template):
            headers = api_headers if path.startswith("/api/") else {}
            attempts: list[dict[str, object]] = [{"params": q} for q in QUERY_VALUES]
            if method != "GET":
                attempts += [{"data": {**body, "csrf_token": csrf}} for body in FORM_BODIES]
                attempts += [
                    {"content": raw, "headers": {"content-type": ctype, "X-CSRF-Token": csrf}}
                    for raw in RAW_BODIES
                    for ctype in (
                        "application/json",
                        "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x",
                    )
                ]
                attempts += [{"json": {"name": 5, "items": [None], "x": HUGE}}]
            for attempt in attempts:
                extra_headers = {**headers, **attempt.pop("headers", {})}  # type: ignore[dict-item]
                response = signed_in.request(method, path, headers=extra_headers, **attempt)  # type: ignore[arg-type]
                if response.status_code >= 500:
                    failures.append((method, path, str(attempt)[:120], response.status_code))
    assert failures == []


def test_garbage_while_signed_out_never_500s(client: TestClient, app: FastAPI) -> None:
    for method, template in app_routes(app):
        for path in _concrete(template):
            response = client.request(method, path, data={"x": HUGE})
            assert response.status_code < 500, (method, path)


def test_a_malformed_cookie_header_is_not_a_500(client: TestClient) -> None:
    garbage = 'lang="unterminated; ;;=; casetracker_session=garbage'
    response = client.get("/login", headers={"cookie": garbage})
    assert response.status_code == 200
