"""The out-of-town daily check: a running case per 外地 region whose `daily_check` clock
falls due each working day; recording the day's check (the partner's list against the sales
reps' hires and departures) totals the day, lists the differences, meets the clock and
starts the next one."""

from collections.abc import Iterator
from datetime import date, datetime

import pytest
import time_machine
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases.models import Case, Clock, ClockStatus
from casetracker.core.clock import CHINA_TZ
from casetracker.reconcile.models import DailyCheck
from tests.conftest import World, log_in, page_csrf
from tests.reconcile_files import ROSTER_HEADER, csv_bytes, make_id

TODAY = datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ)  # a Tuesday
A, B, C, D, E = (make_id(800 + n, born="19850505") for n in range(5))


@pytest.fixture(autouse=True)
def tuesday() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


def _open(client: TestClient, region_id: int) -> int:
    response = client.post(
        "/reconcile/daily",
        data={"region_id": str(region_id), "csrf_token": page_csrf(client, "/reconcile")},
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _check(client: TestClient, case_id: int, day: str) -> int:
    partner = [["姓名", "公民身份号码"], ["甲", A], ["乙", B], ["丙", C]]
    changes = [
        ROSTER_HEADER,
        ["甲某", A, "客户", "2024-01-01", "", ""],  # on the list as 甲
        ["乙", B, "客户", "2024-01-01", "2026-11-23", ""],  # left yesterday, still listed
        ["丁", D, "客户", "2026-11-24", "", ""],  # hired today, not listed yet
        ["戊", E, "客户", "2025-01-01", "2026-11-24", ""],  # leaves today
    ]
    response: Response = client.post(
        f"/reconcile/daily/{case_id}/check",
        data={"checked_on": day, "csrf_token": page_csrf(client, f"/cases/{case_id}")},
        files={
            "partner": ("杭州在保名单.csv", csv_bytes(partner, "gbk")),
            "changes": ("业务员增减员.csv", csv_bytes(changes)),
        },
    )
    return response.status_code


def test_a_day_is_checked_totalled_and_its_clock_met_and_restarted(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    log_in(client, anna)
    case_id = _open(client, world.remote.id)
    first = session.scalar(select(Clock).where(Clock.case_id == case_id))
    assert first is not None
    assert first.kind == "daily_check"
    assert first.due_at.astimezone(CHINA_TZ).date() == date(2026, 11, 25)  # Wednesday, 24:00
    assert _check(client, case_id, "2026-11-24") == 303
    check = session.scalar(select(DailyCheck).where(DailyCheck.case_id == case_id))
    assert check is not None
    assert (check.listed, check.hires, check.leavers) == (3, 1, 1)
    assert sorted((d["category"], d["id_number"]) for d in check.differences) == [
        ("hire_not_listed", D),
        ("left_still_listed", B),
        ("name_mismatch", A),
    ]
    session.expire_all()
    clocks = session.scalars(select(Clock).where(Clock.case_id == case_id).order_by(Clock.id))
    assert [c.status for c in clocks] == [ClockStatus.MET, ClockStatus.OPEN]
    page = client.get(f"/cases/{case_id}").text
    assert 'data-total="hires">1<' in page
    assert "离职未停保" in page
    assert _check(client, case_id, "2026-11-24") == 409  # a day is checked once
    case = session.get(Case, case_id)
    assert case is not None
    assert case.state == "checking"


def test_only_an_out_of_town_region_is_checked_daily_and_once(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    log_in(client, anna)
    token = page_csrf(client, "/reconcile")
    local = client.post(
        "/reconcile/daily", data={"region_id": str(world.local.id), "csrf_token": token}
    )
    assert local.status_code == 422
    case_id = _open(client, world.remote.id)
    again = client.post(
        "/reconcile/daily", data={"region_id": str(world.remote.id), "csrf_token": token}
    )
    assert again.status_code == 409
    assert f"#{case_id}" in again.text
    case = session.get(Case, case_id)
    assert case is not None
    unchecked = client.post(
        f"/cases/{case_id}/transitions/record_check",
        data={
            "version": str(case.version),
            "checked_on": "2026-11-24",
            "csrf_token": page_csrf(client, f"/cases/{case_id}"),
        },
    )
    assert unchecked.status_code == 422  # nothing uploaded for the day
    assert "请先上传当天的外地名单" in unchecked.text
