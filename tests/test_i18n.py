"""Chinese first; English through the Babel catalogue, complete and up to date."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from casetracker.core.paths import LOCALE, ROOT
from tests.conftest import World, page_csrf


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
