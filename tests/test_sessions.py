"""Sessions live on the server: logout, a password change and a deactivation end them at
once, in every process; signing in starts a new one. HTTPS settings reach every cookie."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from casetracker.auth import service as auth_service
from casetracker.auth.models import User
from casetracker.core.settings import Settings
from casetracker.main import create_app
from tests.conftest import PASSWORD, log_in, page_csrf

COOKIE = "casetracker_session"


def _with_cookie(app: FastAPI, value: str) -> TestClient:
    """Another browser (or an attacker) presenting a copied session cookie."""
    other = TestClient(app, follow_redirects=False)
    other.cookies.set(COOKIE, value)
    return other


def test_an_old_cookie_opens_nothing_after_logout(client: TestClient, anna: User) -> None:
    log_in(client, anna)
    copied = client.cookies[COOKIE]
    assert _with_cookie(client.app, copied).get("/cases").status_code == 200  # type: ignore[arg-type]
    assert client.post("/logout", data={"csrf_token": page_csrf(client)}).status_code == 303
    replay = _with_cookie(client.app, copied).get("/cases")  # type: ignore[arg-type]
    assert replay.status_code == 303
    assert replay.headers["location"].startswith("/login")


def test_logging_out_in_one_browser_leaves_the_other_signed_in(app: FastAPI, anna: User) -> None:
    with (
        TestClient(app, follow_redirects=False) as office,
        TestClient(app, follow_redirects=False) as laptop,
    ):
        log_in(office, anna)
        log_in(laptop, anna)
        assert office.cookies[COOKIE] != laptop.cookies[COOKIE]
        office.post("/logout", data={"csrf_token": page_csrf(office)})
        assert office.get("/cases").status_code == 303
        assert laptop.get("/cases").status_code == 200


def test_a_password_change_ends_every_session_of_that_user(
    client: TestClient, anna: User, session: Session
) -> None:
    log_in(client, anna)
    assert client.get("/cases").status_code == 200
    auth_service.set_password(session=session, user=anna, password="a-new-password-1", actor=None)
    session.commit()
    assert client.get("/cases").status_code == 303


def test_deactivation_ends_the_session_and_the_login(
    client: TestClient, anna: User, session: Session
) -> None:
    log_in(client, anna)
    auth_service.deactivate(session=session, user=anna)
    session.commit()
    assert client.get("/cases").status_code == 303
    token = page_csrf(client, "/login")
    refused = client.post(
        "/login", data={"username": "anna", "password": "x" * 10, "csrf_token": token}
    )
    assert refused.status_code == 401


def test_signing_in_starts_a_new_session_and_ends_the_one_before(
    client: TestClient, anna: User
) -> None:
    log_in(client, anna)
    first = client.cookies[COOKIE]
    # Someone signs in again on the same shared browser (the form posts straight to /login).
    again = client.post(
        "/login",
        data={"username": "anna", "password": PASSWORD, "csrf_token": page_csrf(client)},
    )
    assert again.status_code == 303
    assert client.cookies[COOKIE] != first
    assert _with_cookie(client.app, first).get("/cases").status_code == 303  # type: ignore[arg-type]
    assert client.get("/cases").status_code == 200


def test_https_deployments_send_hsts_and_secure_cookies(
    settings: Settings, session_factory: sessionmaker[Session], anna: User
) -> None:
    secure = settings.model_copy(update={"cookie_secure": True})
    app = create_app(secure, session_factory=session_factory, verify_schema=False)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as browser:
        login_page = browser.get("/login")
        assert login_page.headers["strict-transport-security"].startswith("max-age=")
        switched = browser.get("/lang/en")
        assert "secure" in switched.headers["set-cookie"].lower()


def test_plain_http_deployments_send_no_hsts(client: TestClient) -> None:
    response = client.get("/login")
    assert "strict-transport-security" not in response.headers
    assert "secure" not in client.get("/lang/en").headers["set-cookie"].lower()


def test_the_cookie_a_login_sets_already_carries_the_forms_token(
    client: TestClient, anna: User
) -> None:
    """A page after login keeps the token the login made: it does not mint one per page for a
    client that keeps the login's cookie (as a load tool does), nor re-send the cookie."""
    log_in(client, anna)
    copied = client.cookies[COOKIE]
    first = _with_cookie(client.app, copied)  # type: ignore[arg-type]
    second = _with_cookie(client.app, copied)  # type: ignore[arg-type]
    assert page_csrf(first, "/cases") == page_csrf(second, "/cases") == page_csrf(client, "/cases")
