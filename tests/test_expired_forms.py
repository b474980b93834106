"""A form refused because its page expired (the CSRF check) keeps what was typed: the answer
shows it and posts it again, with a fresh token, in one click (issue 12)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.contacts.models import Contact
from casetracker.people.models import InsuredPerson
from tests.conftest import PASSWORD, World, csrf_from, log_in, open_injury, page_csrf, tiny_pdf

EXPIRED = "页面已过期，请重新提交"
STALE = "a-token-from-a-page-opened-yesterday"


@dataclass
class ShownForm:
    action: str = ""
    enctype: str = ""
    inputs: list[dict[str, str]] = field(default_factory=list)

    @property
    def hidden(self) -> dict[str, str]:
        return {i["name"]: i.get("value", "") for i in self.inputs if i.get("type") == "hidden"}

    def of_type(self, kind: str) -> list[str]:
        return [i["name"] for i in self.inputs if i.get("type") == kind]


class _FormReader(HTMLParser):
    """The page's re-send form (class "resubmit") and its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.form: ShownForm | None = None
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and "resubmit" in values.get("class", "").split():
            self.form = ShownForm(values.get("action", ""), values.get("enctype", ""))
            self._inside = True
        elif tag == "input" and self._inside and self.form is not None:
            self.form.inputs.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def shown_form(html: str) -> ShownForm:
    reader = _FormReader()
    reader.feed(html)
    assert reader.form is not None, "the page shows no form to send again"
    return reader.form


def _contact(note: str, token: str) -> dict[str, str]:
    return {
        "party": "employee",
        "channel": "phone",
        "note": note,
        "follow_up_on": "",
        "csrf_token": token,
    }


def test_an_expired_contact_form_keeps_the_note_and_sends_it_again_in_one_click(
    as_anna: TestClient, world: World, anna: User, session: Session
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    note = '已提醒保留病历 <b>"急"</b>\n明天回电'
    refused = as_anna.post(f"/cases/{case.id}/contacts", data=_contact(note, STALE))
    assert refused.status_code == 403  # refused: nothing was saved
    assert EXPIRED in refused.text
    assert "CSRF" not in refused.text
    assert "登录已失效" not in refused.text  # still signed in: just send it again
    # typed text shown on the page, escaped, and nothing of it lost
    assert "已提醒保留病历 &lt;b&gt;&#34;急&#34;&lt;/b&gt;" in refused.text
    assert "<b>" not in refused.text
    assert STALE not in refused.text
    assert session.scalar(select(Contact).where(Contact.case_id == case.id)) is None

    form = shown_form(refused.text)
    assert form.action == f"/cases/{case.id}/contacts"
    assert form.hidden["note"] == note
    assert form.hidden["party"] == "employee"
    assert form.hidden["follow_up_on"] == ""
    assert form.hidden["csrf_token"] == page_csrf(as_anna, f"/cases/{case.id}")  # a fresh one
    sent = as_anna.post(form.action, data=form.hidden)
    assert sent.status_code == 303, sent.text
    assert "明天回电" in as_anna.get(f"/cases/{case.id}").text
    saved = session.scalar(select(Contact).where(Contact.case_id == case.id))
    assert saved is not None
    assert saved.note == note


def _person(world: World, token: str) -> dict[str, str]:
    return {
        "name": "赵六",
        "id_number": "11010519491231002X",
        "client_id": str(world.client.id),
        "hire_on": "2026-01-05",
        "contribution_base": "8500",
        "csrf_token": token,
    }


def test_a_form_from_before_signing_in_again_is_kept_and_sent_with_the_new_token(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    log_in(client, anna)
    old = page_csrf(client, "/insured/new")
    session.delete(world.li)  # the ID number is free for the new person
    session.commit()
    client.post("/logout", data={"csrf_token": old})  # signed out and in again (another tab):
    log_in(client, anna)  # a new session with a new token
    refused = client.post("/insured/new", data=_person(world, old))
    assert refused.status_code == 403
    assert EXPIRED in refused.text
    assert "CSRF" not in refused.text
    form = shown_form(refused.text)
    assert form.hidden["name"] == "赵六"
    assert "赵六" in refused.text.split("<dl")[1]  # in the visible summary too
    assert client.post(form.action, data=form.hidden).status_code == 303
    assert session.scalar(select(InsuredPerson).where(InsuredPerson.name == "赵六")) is not None


def test_when_the_session_is_gone_it_says_to_sign_in_and_never_loses_the_input(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    log_in(client, anna)
    old = page_csrf(client, "/insured/new")
    session.delete(world.li)
    session.commit()
    client.cookies.clear()  # the session cookie expired in the browser
    refused = client.post("/insured/new", data=_person(world, old))
    assert refused.status_code == 403
    assert EXPIRED in refused.text
    assert "登录已失效，请先重新登录" in refused.text
    assert "赵六" in refused.text
    assert "11010519491231002X" in refused.text
    form = shown_form(refused.text)
    # Without a token, sending it before signing in comes back here, not to the login page.
    assert "csrf_token" not in form.hidden
    again = client.post(form.action, data=form.hidden)
    assert again.status_code == 403
    assert "赵六" in again.text
    # Signed in (in another window), the next click gets a fresh token, the one after saves.
    log_in(client, anna)
    fresh = client.post(form.action, data=shown_form(again.text).hidden)
    assert fresh.status_code == 403
    assert "登录已失效" not in fresh.text
    form = shown_form(fresh.text)
    assert form.hidden["name"] == "赵六"
    assert form.hidden["csrf_token"]
    assert client.post(form.action, data=form.hidden).status_code == 303
    assert session.scalar(select(InsuredPerson).where(InsuredPerson.name == "赵六")) is not None


def test_an_expired_login_never_echoes_the_password_and_asks_for_it_again(
    client: TestClient, anna: User
) -> None:
    client.get("/login")
    refused = client.post(
        "/login",
        data={"username": "anna", "password": PASSWORD, "next": "/cases", "csrf_token": STALE},
    )
    assert refused.status_code == 403
    assert EXPIRED in refused.text
    assert PASSWORD not in refused.text
    assert "登录已失效" not in refused.text  # the login form needs no signed-in user
    form = shown_form(refused.text)
    assert form.hidden == {
        "csrf_token": csrf_from(client.get("/login").text),
        "username": "anna",
        "next": "/cases",
    }
    assert form.of_type("password") == ["password"]
    assert "密码需要重新输入" in refused.text
    signed_in = client.post(form.action, data={**form.hidden, "password": PASSWORD})
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/cases"


def test_an_expired_upload_keeps_the_fields_and_asks_for_the_file_again(
    as_anna: TestClient, world: World, anna: User, session: Session
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    refused = as_anna.post(
        f"/cases/{case.id}/attachments",
        data={"item": "id_card", "csrf_token": STALE},
        files={"file": ("身份证<1>.pdf", tiny_pdf(), "application/pdf")},
    )
    assert refused.status_code == 403
    assert EXPIRED in refused.text
    assert "上传的文件需要重新选择" in refused.text
    assert "身份证&lt;1&gt;.pdf" in refused.text
    form = shown_form(refused.text)
    assert form.enctype == "multipart/form-data"
    assert form.hidden["item"] == "id_card"
    assert form.of_type("file") == ["file"]
    done = as_anna.post(
        form.action,
        data=form.hidden,
        files={"file": ("身份证.pdf", tiny_pdf(), "application/pdf")},
    )
    assert done.status_code == 303, done.text
    assert "身份证.pdf" in as_anna.get(f"/cases/{case.id}").text


def test_a_refusal_that_is_not_a_form_still_says_the_page_expired(as_anna: TestClient) -> None:
    response = as_anna.post("/clients/new", json={"name": "x"})
    assert response.status_code == 403
    assert EXPIRED in response.text
    assert 'class="resubmit"' not in response.text


def test_the_case_filters_put_each_checkbox_inside_its_label(as_anna: TestClient) -> None:
    page = as_anna.get("/cases").text
    for name, text in (("mine", "只看我的"), ("overdue", "只看逾期")):
        box = f'<input type="checkbox" name="{name}" value="true">'
        assert f'<label class="check">{box} {text}</label>' in page
    checked = as_anna.get("/cases", params={"overdue": "true"}).text
    assert 'name="overdue" value="true" checked> 只看逾期</label>' in checked
