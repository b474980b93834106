"""An admin manages the staff's accounts on /admin/users as the CLI does: adds one (who can then
sign in), resets a password (the old one stops, the user's browsers are signed out), unlocks
an account locked by wrong passwords, deactivates (not themselves) and reactivates; every
change is audited with the admin as its actor; a refused form keeps nothing and says why."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import User
from tests.conftest import PASSWORD, csrf_from, log_in, page_csrf


def _sign_in(client: TestClient, username: str, password: str) -> int:
    token = csrf_from(client.get("/login").text)
    answer = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    return int(answer.status_code)


def _post(client: TestClient, path: str, **form: str) -> int:
    answer = client.post(path, data={**form, "csrf_token": page_csrf(client, "/admin/users")})
    return int(answer.status_code)


def _actions(session: Session, user: User) -> list[tuple[str, int | None]]:
    session.expire_all()
    return [
        (e.action, e.actor_id)
        for e in session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == "user", AuditEvent.subject_id == str(user.id))
            .order_by(AuditEvent.id)
        )
        if e.action not in ("user.login", "user.login_failed", "user.locked")
    ]


def test_an_admin_adds_an_account_that_can_sign_in(
    client: TestClient, session: Session, ada: User
) -> None:
    log_in(client, ada)
    status = _post(
        client,
        "/admin/users",
        username="zhangli",
        display_name="张丽",
        role="specialist",
        email="zhangli@example.com",
        password="zhangli-2026!",
        password2="zhangli-2026!",
    )
    assert status == 303
    page = client.get("/admin/users?added=zhangli").text
    assert "已新增账户 zhangli" in page
    row = page.split('data-testid="account-zhangli"')[1].split("</tr>")[0]
    assert "张丽" in row
    assert "专员" in row
    assert "zhangli@example.com" in row
    added = session.scalars(select(User).where(User.username == "zhangli")).one()
    assert _actions(session, added) == [("user.created", ada.id)]
    client.cookies.clear()
    assert _sign_in(client, "zhangli", "zhangli-2026!") == 303


def test_a_refused_account_keeps_nothing_and_says_why(
    client: TestClient, session: Session, ada: User, anna: User
) -> None:
    log_in(client, ada)
    form = {
        "username": "zhangli",
        "display_name": "张丽",
        "role": "specialist",
        "email": "",
        "password": "zhangli-2026!",
    }
    refused = client.post(
        "/admin/users",
        data={**form, "password2": "other-2026!", "csrf_token": page_csrf(client, "/admin/users")},
    )
    assert refused.status_code == 422
    assert "两次输入的密码不一致" in refused.text
    assert 'value="zhangli"' in refused.text  # what was typed is kept, but no password
    assert "zhangli-2026!" not in refused.text
    for changes, why in [
        ({"username": "anna"}, "用户名已存在"),
        ({"role": "boss"}, "请选择角色"),
        ({"email": "not-an-address"}, "邮箱地址格式不正确"),
        ({"password": "short", "password2": "short"}, "密码至少 8 个字符"),
    ]:
        body = {**form, "password2": form["password"], **changes}
        answer = client.post(
            "/admin/users", data={**body, "csrf_token": page_csrf(client, "/admin/users")}
        )
        assert answer.status_code == 422, changes
        assert why in answer.text, changes
    session.expire_all()
    assert session.scalars(select(User.username).order_by(User.username)).all() == ["ada", "anna"]


def test_an_admin_resets_a_password_and_the_user_s_browsers_are_signed_out(
    client: TestClient, session: Session, ada: User, anna: User
) -> None:
    annas = TestClient(client.app, follow_redirects=False)
    log_in(annas, anna)
    log_in(client, ada)
    assert _post(client, f"/admin/users/{anna.id}/password", password="x", password2="x") == 422
    new = "a-brand-new-pass"
    assert _post(client, f"/admin/users/{anna.id}/password", password=new, password2=new) == 303
    assert annas.get("/", follow_redirects=False).status_code == 303  # signed out
    annas.cookies.clear()
    assert _sign_in(annas, "anna", PASSWORD) == 401
    assert _sign_in(annas, "anna", new) == 303
    assert _actions(session, anna) == [("user.created", None), ("user.password_set", ada.id)]


def test_an_admin_unlocks_deactivates_and_reactivates_but_never_deactivates_themselves(
    client: TestClient, session: Session, ada: User, anna: User
) -> None:
    stranger = TestClient(client.app, follow_redirects=False)
    for _ in range(5):
        _sign_in(stranger, "anna", "wrong-password")
    assert _sign_in(stranger, "anna", PASSWORD) == 401  # locked
    log_in(client, ada)
    row = client.get("/admin/users").text.split('data-testid="account-anna"')[1].split("</tr>")[0]
    assert "已锁定" in row
    assert _post(client, f"/admin/users/{anna.id}/unlock") == 303
    assert _sign_in(stranger, "anna", PASSWORD) == 303
    assert _post(client, f"/admin/users/{anna.id}/deactivate") == 303
    stranger.cookies.clear()
    assert _sign_in(stranger, "anna", PASSWORD) == 401
    row = client.get("/admin/users").text.split('data-testid="account-anna"')[1].split("</tr>")[0]
    assert "已停用" in row
    assert "重新启用" in row
    assert _post(client, f"/admin/users/{anna.id}/reactivate") == 303
    assert _sign_in(stranger, "anna", PASSWORD) == 303
    refused = client.post(
        f"/admin/users/{ada.id}/deactivate",
        data={"csrf_token": page_csrf(client, "/admin/users")},
    )
    assert refused.status_code == 422
    assert "不能停用自己的账户" in refused.text
    assert _post(client, "/admin/users/999999/unlock") == 404
    assert _actions(session, anna) == [
        ("user.created", None),
        ("user.unlocked", ada.id),
        ("user.deactivated", ada.id),
        ("user.reactivated", ada.id),
    ]
    assert _actions(session, ada) == [("user.created", None)]
