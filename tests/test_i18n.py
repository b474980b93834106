"""Chinese first; English through the Babel catalogue, complete and up to date."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.core.paths import LOCALE, ROOT
from tests.conftest import LI_ID, World, bearer, page_csrf


def _ids(path: Path) -> set[str]:
    with path.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}  # type: ignore[misc]


def test_the_catalogue_covers_every_message_in_code_and_templates(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with (LOCALE / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        english = {m.id: m.string for m in read_po(fh) if m.id}
    missing = _ids(fresh) - {k for k, v in english.items() if v}
    assert missing == set(), "run the catalogue update in README (Translations)"


def test_pages_are_chinese_by_default_even_for_an_english_browser(as_anna: TestClient) -> None:
    page = as_anna.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).text
    assert "我的工作台" in page
    assert 'lang="zh-CN"' in page


def test_the_language_switch_turns_pages_and_messages_english(
    as_anna: TestClient, world: World
) -> None:
    switched = as_anna.get("/lang/en", params={"next": "/insured"})
    assert switched.status_code == 303
    assert switched.headers["location"] == "/insured"
    page = as_anna.get("/insured").text
    assert "Insured people" in page
    assert "Resident ID number" in page
    form = {
        "name": "x",
        "id_number": "110105194912310021",
        "client_id": str(world.client.id),
        "hire_on": "2026-01-05",
        "contribution_base": "8500",
        "csrf_token": page_csrf(as_anna),
    }
    refused = as_anna.post("/insured/new", data=form).text
    assert "Resident ID number: wrong check digit" in refused
    as_anna.get("/lang/zh_CN")
    assert "参保人" in as_anna.get("/insured").text


def _english() -> dict[str, str]:
    with (LOCALE / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id and m.string}  # type: ignore[misc]


def test_every_stored_label_has_its_english() -> None:
    """What rows keep in Chinese — a clock's basis and start event, the reasons a day is not
    worked, the follow-up's label — is shown through the catalogue or the workflow's own
    Labels, so each must have its English there."""
    from casetracker.calendar.days import HOLIDAY_NAMES, WEEKDAY_NAMES
    from casetracker.cases import registry
    from casetracker.cases.deadlines import FOLLOW_UP_BASIS, FOLLOW_UP_LABEL
    from casetracker.contacts.service import CONTACT_EVENT
    from casetracker.workflows.engine import Label

    english = _english()
    stored = [FOLLOW_UP_BASIS, FOLLOW_UP_LABEL, CONTACT_EVENT, *WEEKDAY_NAMES]
    stored += list(HOLIDAY_NAMES.values())
    for workflow in registry.workflows().values():
        stored += [clock.basis for clock in workflow.clocks]
        assert isinstance(workflow.description, Label), workflow.type
        labels = [workflow.label, workflow.description, workflow.opening_event]
        labels += [s.label for s in workflow.states]
        labels += [s.waiting_for for s in workflow.states if s.waiting_for]
        labels += [t.label for t in workflow.transitions]
        labels += [f.label for t in workflow.transitions for f in t.fields]
        labels += [c.label for c in workflow.clocks]
        assert all(label.en.strip() for label in labels), workflow.type
    assert [text for text in stored if text not in english] == []


def test_a_case_reads_in_english_down_to_its_clock_explanations(
    client: TestClient, session: Session, anna: User, world: World
) -> None:
    client.headers.update(bearer(session, anna))
    client.cookies.set("lang", "en")
    body = client.post(
        "/api/v1/injury-cases",
        json={
            "client_id": world.client.id,
            "employee": {"name": "李秀英", "id_number": LI_ID},
            "accident_at": "2026-11-20T22:30:00+08:00",
            "place": "二号车间",
            "description": "搬运货物时扭伤腰部",
        },
    ).json()
    application = next(c for c in body["clocks"] if c["kind"] == "recognition_application")
    assert application["basis"] == "Regulation on Work-Related Injury Insurance, art. 17"
    said = "\n".join(application["explanation"])
    assert "the accident" in said
    assert not [ch for ch in said if "\u4e00" <= ch <= "\u9fff"], said
