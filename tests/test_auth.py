"""Login, lock-out, logout, CSRF, roles and the session cookie, over HTTP."""

import re
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import User
from tests.conftest import PASSWORD, csrf_from, log_in, page_csrf


def test_it_redirects_pages_to_login_when_signed_out(client: TestClient) -> None:
    response = client.get("/insured?q=李")
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/login"
    assert parse_qs(location.query) == {"next": ["/insured?q=%E6%9D%8E"]}


def test_it_logs_in_and_out_with_a_secure_cookie(
    client: TestClient, anna: User, session: Session
) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "anna", "password": PASSWORD, "csrf_token": token, "next": "/clients"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/clients"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "我的工作台" in client.get("/").text
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "user.login"))
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    assert client.get("/").status_code == 303


def test_it_refuses_a_wrong_password_without_saying_which_part(
    client: TestClient, anna: User
) -> None:
    token = csrf_from(client.get("/login").text)
    wrong = client.post(
        "/login", data={"username": "anna", "password": "nope", "csrf_token": token}
    )
    unknown = client.post(
        "/login", data={"username": "nobody", "password": "nope", "csrf_token": token}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.text
    assert "用户名或密码错误" in unknown.text


def test_it_locks_the_account_after_five_failures(
    client: TestClient, anna: User, session: Session
) -> None:
    token = csrf_from(client.get("/login").text)
    for _ in range(5):
        client.post("/login", data={"username": "anna", "password": "bad", "csrf_token": token})
    response = client.post(
        "/login", data={"username": "anna", "password": PASSWORD, "csrf_token": token}
    )
    unknown = client.post(
        "/login", data={"username": "nobody", "password": "bad", "csrf_token": token}
    )
    assert response.status_code == unknown.status_code == 401
    # A locked account is answered exactly as an unknown one: nothing to learn from it.
    assert _message(response.text) == _message(unknown.text)
    session.expire_all()
    assert session.get(User, anna.id).locked_until is not None  # type: ignore[union-attr]


def _message(page: str) -> str:
    match = re.search(r'role="alert">([^<]+)<', page)
    assert match, page
    return match.group(1).strip()


def test_it_refuses_a_form_posted_without_its_csrf_token(client: TestClient, anna: User) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "anna", "password": PASSWORD})
    assert response.status_code == 403
    assert "页面已过期，请重新提交" in response.text
    assert "CSRF" not in response.text
    log_in(client, anna)
    assert client.post("/clients/new", data={"name": "x"}).status_code == 403
    assert client.post("/logout").status_code == 403


def test_it_refuses_a_csrf_token_from_another_session(client: TestClient, anna: User) -> None:
    foreign = csrf_from(TestClient(client.app).get("/login").text)
    client.get("/login")
    response = client.post(
        "/login", data={"username": "anna", "password": PASSWORD, "csrf_token": foreign}
    )
    assert response.status_code == 403


def test_it_keeps_the_audit_log_from_specialists(as_anna: TestClient) -> None:
    response = as_anna.get("/admin/audit")
    assert response.status_code == 403
    assert "无权" in response.text


def test_it_never_redirects_off_site_after_login(client: TestClient, anna: User) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "username": "anna",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
    )
    assert response.headers["location"] == "/"


def test_failed_logins_are_audited_with_the_address(
    client: TestClient, anna: User, session: Session
) -> None:
    token = csrf_from(client.get("/login").text)
    client.post("/login", data={"username": "anna", "password": "bad", "csrf_token": token})
    client.post("/login", data={"username": "ghost", "password": "bad", "csrf_token": token})
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.login_failed").order_by(AuditEvent.id)
    ).all()
    assert [e.subject_id for e in events] == [str(anna.id), "ghost"]
    assert all(e.ip == "testclient" for e in events)


def test_the_audit_page_masks_id_numbers_and_names_actions(
    as_ada: TestClient, session: Session
) -> None:
    from casetracker.audit import service as audit

    audit.record(
        session=session,
        actor=None,
        action="insured.updated",
        subject_type="insured",
        subject_id=1,
        after={"id_number": "11010519491231002X"},
    )
    session.commit()
    page = as_ada.get("/admin/audit", params={"action": "INSURED"}).text
    assert "1101**********002X" in page
    assert "11010519491231002X" not in page
    assert "修改参保人" in page


def test_an_unknown_page_keeps_the_navigation_for_a_signed_in_user(as_anna: TestClient) -> None:
    response = as_anna.get("/no/such/page")
    assert response.status_code == 404
    assert "未找到" in response.text
    assert "我的工作台" in response.text
    assert "安娜" in response.text
