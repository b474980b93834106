"""The desk and the case list show every clock that matters and find cases quickly: every
overdue clock of a case, "due within 24 h / 3 days" filters, and search by employee name,
ID number (whole or last 4+) and case number."""

from collections.abc import Iterator

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from tests.conftest import (
    LI_ID,
    NOW,
    World,
    bearer,
    complete_materials,
    fire,
    log_in,
    open_injury,
    page_csrf,
)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _rows(page: str) -> list[str]:
    return [row for row in page.split("<tr")[2:] if "/cases/" in row]


def test_a_case_with_two_overdue_clocks_shows_both(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    late = open_injury(session, world, anna, "2026-10-01T09:00")  # filing and application late
    log_in(client, anna)
    row = next(r for r in _rows(client.get("/").text) if f"/cases/{late.id}" in r)
    assert "工伤快报" in row
    assert "工伤认定申请" in row
    assert row.count("已逾期") == 2


def test_the_list_filters_by_due_within_and_searches(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    soon = open_injury(session, world, anna, "2026-11-24T10:00")  # report due in 22 hours
    later = open_injury(session, world, anna, "2026-11-23T10:00")
    fire(session, later, "file_report", anna, filed_at="2026-11-23T12:00")  # next: 5 working days
    log_in(client, anna)

    def listed(**params: str) -> set[int]:
        page = client.get("/cases", params=params).text
        return {case.id for case in (soon, later) if f'href="/cases/{case.id}"' in page}

    assert listed(due="24h") == {soon.id}
    assert listed(due="3d") == {soon.id}
    assert listed() == {soon.id, later.id}
    assert listed(q="李秀") == {soon.id, later.id}
    assert listed(q=LI_ID[-4:]) == {soon.id, later.id}
    assert listed(q=LI_ID.lower()) == {soon.id, later.id}
    assert listed(q=f"#{later.id}") == {later.id}
    assert listed(q="王建国") == set()
    assert client.get("/cases", params={"due": "next-year"}).status_code == 422


def test_a_row_shows_the_next_clock_when_none_is_overdue_and_the_api_every_running_one(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    """The lists fetch and word only the clocks a row shows; the API list still carries each
    running clock."""
    case = open_injury(session, world, anna, "2026-11-20T09:00")
    fire(session, case, "file_report", anna, filed_at="2026-11-20T12:00")
    log_in(client, anna)
    for page in (client.get("/").text, client.get("/cases").text):
        row = next(r for r in _rows(page) if f"/cases/{case.id}" in r)
        assert "书面报告" in row  # due in a few working days
        assert "工伤认定申请" not in row  # due in December: not the next
    listed = client.get("/api/v1/cases", headers=bearer(session, anna)).json()["items"]
    clocks = next(item["clocks"] for item in listed if item["id"] == case.id)
    assert {c["kind"] for c in clocks} == {"written_report", "recognition_application"}


def test_a_case_waiting_for_the_bureau_says_so_and_recording_the_answer_is_secondary(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T09:00")
    fire(session, case, "file_report", anna, filed_at="2026-11-20T12:00")
    complete_materials(session, case, anna)
    fire(session, case, "submit_application", anna, submitted_on="2026-11-21")
    log_in(client, anna)
    row = next(r for r in _rows(client.get("/").text) if f"/cases/{case.id}" in r)
    assert "等待社保局受理…" in row
    assert "受理审核" in row  # its clock
    assert 'class="button"' not in row  # no "next step" of our own
    assert f'href="/cases/{case.id}#next"' in row
    page = client.get(f"/cases/{case.id}").text
    waiting = page.split('id="next"')[1].split("</section>")[0]
    assert "等待社保局受理…" in waiting
    assert 'class="primary"' not in waiting
    assert "登记受理" in waiting  # still there, under the secondary summary


def test_a_search_counts_its_matches_and_a_page_past_the_end_shows_the_last(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    for day in range(1, 4):
        open_injury(session, world, anna, f"2026-11-{day:02d}T10:00")
    log_in(client, anna)
    assert "共 3 条" in client.get("/cases", params={"q": "李秀"}).text
    assert "共 0 条" in client.get("/cases", params={"q": "王建国"}).text
    past = client.get("/cases", params={"q": "李秀", "page": 9})
    assert past.status_code == 200
    assert "共 3 条" in past.text
    assert len(_rows(past.text)) == 3


def test_the_filter_menus_list_every_client_region_and_active_specialist(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    """The menus come from one query of plain rows and are drawn in Python: each still in
    its order (regions 本市 first, specialists by login), names escaped, the chosen one
    selected, a deactivated specialist gone."""
    from casetracker.auth.models import Role
    from casetracker.people.models import Client, Region
    from tests.conftest import make_user

    session.add_all(
        [
            Region(name="阿坝州", is_local=False, cutoff_day=20),
            Client(
                name="<b>甲</b>公司",
                credit_code="91310000MA1FL4XY0A",
                default_region_id=world.local.id,
                created_at=world.client.created_at,
            ),
        ]
    )
    gone = make_user(session, "aaron", Role.SPECIALIST, "阿伦")
    gone.is_active = False
    make_user(session, "zoe", Role.SPECIALIST, "佐伊")
    session.commit()
    log_in(client, anna)
    page = client.get("/cases", params={"region": world.remote.id, "owner": anna.id}).text

    def menu(name: str) -> str:
        return str(page.split(f'<select name="{name}"')[1].split("</select>")[0])

    regions = menu("region")
    assert regions.index("上海市") < regions.index("杭州市")
    assert regions.index("上海市") < regions.index("阿坝州")
    assert f'<option value="{world.remote.id}" selected>杭州市</option>' in regions
    assert regions.count(" selected") == 1
    owners = menu("owner")
    assert f'<option value="{anna.id}" selected>安娜</option>' in owners
    assert owners.index("安娜") < owners.index("佐伊")
    assert "阿伦" not in owners
    clients = menu("client")
    assert "&lt;b&gt;甲&lt;/b&gt;公司" in clients
    assert world.client.name in clients
    assert " selected" not in clients


def test_a_renamed_employee_is_found_by_the_new_name_only(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    """A search by name reads the name each case carries; renaming the person in their record
    renames it on every case of theirs in the same unit of work."""
    first = open_injury(session, world, anna, "2026-11-20T09:00")
    second = open_injury(session, world, anna, "2026-11-21T09:00")
    log_in(client, anna)
    form = {
        "name": "李秀兰",
        "id_number": "",
        "client_id": str(world.client.id),
        "hire_on": "2024-03-01",
        "contribution_base": "8500",
        "csrf_token": page_csrf(client),
    }
    renamed = client.post(f"/insured/{world.li.id}/edit", data=form)
    assert renamed.status_code == 303, renamed.text

    def listed(q: str) -> set[int]:
        page = client.get("/cases", params={"q": q}).text
        return {case.id for case in (first, second) if f'href="/cases/{case.id}"' in page}

    assert listed("秀兰") == {first.id, second.id}
    assert listed("李秀英") == set()
    assert listed(LI_ID[-4:]) == {first.id, second.id}
