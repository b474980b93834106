"""The supervisor's overview: counts by specialist, region, client and type that open the
matching case lists, overdue clocks per day, escalations acknowledged in one click."""

from datetime import date, datetime

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from casetracker.alerts.scan import scan
from casetracker.auth.models import User
from casetracker.core.clock import CHINA_TZ
from casetracker.core.settings import Settings
from casetracker.overview import service
from tests.conftest import World, bearer, log_in, open_injury, page_csrf

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=CHINA_TZ)


def test_counts_by_specialist_and_what_each_opens(
    client: TestClient, session: Session, world: World, anna: User, sam: User
) -> None:
    late = open_injury(session, world, anna, "2026-11-20 09:00")  # filing report overdue
    fresh = open_injury(session, world, anna, "2026-11-24 08:00")  # due tomorrow 08:00
    with time_machine.travel(NOW, tick=False):
        found = client.get("/api/v1/overview", headers=bearer(session, sam)).json()
        total = found["total"]
        assert (total["open"], total["due_today"], total["due_3d"], total["overdue"]) == (
            2,
            1,
            2,
            1,
        )
        (row,) = found["by_specialist"]
        assert (row["label"], row["open"], row["overdue"]) == ("安娜", 2, 1)
        assert [r["label"] for r in found["by_type"]] == ["工伤认定"]
        log_in(client, sam)
        page = client.get("/overview").text
        assert f'href="/cases?overdue=true&owner={anna.id}"' in page
        listed = client.get(f"/cases?overdue=true&owner={anna.id}").text
        assert f"/cases/{late.id}" in listed
        assert f"/cases/{fresh.id}" not in listed
        assert f"/cases/{fresh.id}" in client.get("/cases?due=3d").text


def test_overdue_clocks_per_day_over_ninety_days(
    session: Session, world: World, anna: User
) -> None:
    open_injury(session, world, anna, "2026-11-20 09:00")  # filing report due 11-21 09:00
    days = service.overdue_per_day(session=session, now=NOW)
    assert len(days) == 90
    assert days[-1][0] == date(2026, 11, 24)
    by_day = dict(days)
    assert by_day[date(2026, 11, 20)] == 0
    assert by_day[date(2026, 11, 21)] == 1  # overdue from 09:00 that day
    assert by_day[date(2026, 11, 24)] == 1


def test_a_supervisor_acknowledges_an_escalation_from_the_overview(
    client: TestClient,
    session: Session,
    world: World,
    anna: User,
    sam: User,
    settings: Settings,
) -> None:
    case = open_injury(session, world, anna, "2026-11-20 09:00")
    scan(session=session, settings=settings, now=NOW)
    session.commit()
    with time_machine.travel(NOW, tick=False):
        log_in(client, sam)
        page = client.get("/overview").text
        assert f"/cases/{case.id}" in page
        assert "待主管确认的逾期上报" in page
        alert_id = int(page.split('data-alert="')[1].split('"')[0])
        done = client.post(
            f"/alerts/{alert_id}/acknowledge",
            data={
                "note": "已督办",
                "next": "/overview",
                "csrf_token": page_csrf(client, "/overview"),
            },
        )
        assert done.status_code == 303
        assert done.headers["location"] == "/overview"
        assert "没有待确认的逾期上报" in client.get("/overview").text


def test_specialists_do_not_see_the_overview(
    client: TestClient, session: Session, anna: User
) -> None:
    assert client.get("/api/v1/overview", headers=bearer(session, anna)).status_code == 403
    log_in(client, anna)
    assert client.get("/overview").status_code == 403
