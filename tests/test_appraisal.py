"""The labour-capacity appraisal through the API: opened from a recognised injury case (its
steps may be dated back to the recognition decision, not before), every transition, and its
clocks counted as every clock is — a conclusion due on a holiday, an extension to 90 days
ending on a weekend, the second-appraisal window met and missed, the review reminder that is
never overdue; 409 on a stale version, 422 on a transition not allowed."""

import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases.models import Case, Clock
from casetracker.core.clock import CHINA_TZ
from casetracker.injury.models import InjuryDetails
from tests.conftest import (
    World,
    api_fire,
    api_step,
    bearer,
    complete_materials,
    fire,
    log_in,
    open_injury,
    page_csrf,
)

DECIDED = "2026-07-20"  # the injury's recognition decision


@pytest.fixture
def late_november() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=CHINA_TZ), tick=False) as t:
        yield t


@pytest.fixture
def injury(session: Session, world: World, anna: User) -> Case:
    """李秀英's injury of 2026-07-01, recognised on 2026-07-20."""
    case = open_injury(session, world, anna, "2026-07-01T10:00")
    session.add(
        InjuryDetails(
            case_id=case.id,
            accident_at=datetime(2026, 7, 1, 10, 0, tzinfo=CHINA_TZ),
            place="二号车间",
            description="搬运货物时扭伤腰部",
        )
    )
    fire(session, case, "file_report", anna, filed_at="2026-07-01T12:00:00+08:00")
    complete_materials(session, case, anna)
    fire(session, case, "submit_application", anna, submitted_on="2026-07-03")
    fire(session, case, "accept", anna, accepted_on="2026-07-06")
    fire(session, case, "recognise", anna, decided_on=DECIDED)
    return case


@pytest.fixture
def api(
    client: TestClient, session: Session, anna: User, late_november: time_machine.Traveller
) -> TestClient:
    client.headers.update(bearer(session, anna))
    return client


def _open(api: TestClient, injury: Case) -> dict[str, Any]:
    answer = api.post(f"/api/v1/cases/{injury.id}/appraisals")
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _clock(body: dict[str, Any], kind: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [c for c in body["clocks"] if c["kind"] == kind]
    return found[-1]


def _applied(api: TestClient, session: Session, injury: Case, anna: User) -> dict[str, Any]:
    body = _open(api, injury)
    case = session.get(Case, body["id"])
    assert case is not None
    complete_materials(session, case, anna)
    return api_step(
        api, api.get(f"/api/v1/cases/{body['id']}").json(), "apply", applied_on="2026-07-27"
    )


def test_an_appraisal_opens_from_a_recognised_injury_only(
    api: TestClient, session: Session, world: World, anna: User, injury: Case
) -> None:
    body = _open(api, injury)
    assert body["type"] == "appraisal"
    assert body["state"] == "preparing"
    assert body["parent_id"] == injury.id
    assert body["insured_id"] == world.li.id
    assert body["event_at"].startswith(DECIDED)  # its opening event: the decision
    assert api.get(f"/api/v1/cases/{body['id']}").json()["parent_id"] == injury.id
    unrecognised = open_injury(session, world, anna, "2026-07-02T10:00")
    refused = api.post(f"/api/v1/cases/{unrecognised.id}/appraisals")
    assert refused.status_code == 409
    assert "已认定为工伤" in refused.json()["detail"]
    assert api.post("/api/v1/cases/999999/appraisals").status_code == 404


def test_apply_needs_the_checklist_and_cannot_predate_the_decision(
    api: TestClient, session: Session, anna: User, injury: Case
) -> None:
    body = _open(api, injury)
    lacking = api_fire(api, body, "apply", applied_on="2026-07-27")
    assert lacking.status_code == 422
    assert "工伤认定决定书" in lacking.text
    case = session.get(Case, body["id"])
    assert case is not None
    complete_materials(session, case, anna)
    body = api.get(f"/api/v1/cases/{body['id']}").json()
    early = api_fire(api, body, "apply", applied_on="2026-07-19")  # before the decision
    assert early.status_code == 422
    assert "applied_on" in early.text
    applied = api_step(api, body, "apply", applied_on="2026-07-27")  # months late, dated back
    assert applied["state"] == "applied"
    assert applied["waiting_for"]


def test_the_conclusion_is_due_in_60_days_rolled_past_the_mid_autumn_holiday(
    api: TestClient, session: Session, anna: User, injury: Case
) -> None:
    body = _applied(api, session, injury, anna)
    due = _clock(body, "appraisal_conclusion")
    # 2026-07-27 + 60 days = 09-25, 中秋 (09-25 – 09-27): the first working day after
    assert due["due_at"] == "2026-09-28T23:59:59+08:00"
    assert "第二十五条" in due["basis"]


def test_an_extension_makes_it_90_days_from_the_application_ending_after_a_weekend(
    api: TestClient, session: Session, anna: User, injury: Case
) -> None:
    body = _applied(api, session, injury, anna)
    extended = api_step(api, body, "extend", extended_on="2026-09-01")
    assert extended["state"] == "applied"
    due = _clock(extended, "appraisal_conclusion")
    # 2026-07-27 + 90 days = 10-25, a Sunday: Monday 10-26
    assert due["due_at"] == "2026-10-26T23:59:59+08:00"
    assert due["due_at"] > _clock(body, "appraisal_conclusion")["due_at"]
    assert "延长" in due["basis"]
    assert due["started_at"].startswith("2026-07-27")  # still counted from the application
    assert len([c for c in extended["clocks"] if c["kind"] == "appraisal_conclusion"]) == 1


def test_the_second_appraisal_window_met_and_the_provincial_conclusion_is_final(
    api: TestClient, session: Session, anna: User, injury: Case
) -> None:
    body = _applied(api, session, injury, anna)
    concluded = api_step(
        api, body, "conclude", concluded_on="2026-09-18", received_on="2026-10-16", grade=7
    )
    assert concluded["state"] == "concluded"
    assert _clock(concluded, "appraisal_conclusion")["status"] == "met"
    window = _clock(concluded, "reappraisal_window")
    # received 10-16 + 15 days = 10-31, a Saturday: Monday 11-02
    assert window["due_at"] == "2026-11-02T23:59:59+08:00"
    assert window["started_at"].startswith("2026-10-16")
    asked = api_step(api, concluded, "request_reappraisal", requested_on="2026-10-30")
    assert _clock(asked, "reappraisal_window")["status"] == "met"
    final = api_step(
        api, asked, "conclude_reappraisal", concluded_on="2026-11-20", received_on="2026-11-23",
        grade=6, nursing_level=3,
    )  # fmt: skip
    assert final["state"] == "concluded"
    assert len([c for c in final["clocks"] if c["kind"] == "reappraisal_window"]) == 1  # no new
    review = _clock(final, "review_appraisal")
    assert review["started_at"].startswith("2026-11-20")  # counted from the final conclusion
    again = api_fire(api, final, "request_reappraisal", requested_on="2026-11-25")
    assert again.status_code == 422
    assert "最终结论" in again.text
    closed = api_step(api, final, "close")
    assert closed["state"] == "closed"
    assert _clock(closed, "review_appraisal")["status"] == "reminder"  # the right outlives it


def test_the_window_missed_when_asked_after_it_ended(
    api: TestClient, session: Session, anna: User, injury: Case
) -> None:
    body = _applied(api, session, injury, anna)
    concluded = api_step(
        api, body, "conclude", concluded_on="2026-10-12", received_on="2026-10-16", grade=None
    )
    late = api_step(api, concluded, "request_reappraisal", requested_on="2026-11-05")
    assert _clock(late, "reappraisal_window")["status"] == "missed"


def test_the_review_reminder_is_never_overdue(
    api: TestClient,
    session: Session,
    anna: User,
    injury: Case,
    late_november: time_machine.Traveller,
) -> None:
    body = _applied(api, session, injury, anna)
    concluded = api_step(
        api, body, "conclude", concluded_on="2026-10-12", received_on="2026-10-16", grade=9
    )
    concluded = api_step(api, concluded, "close")  # the window ends with it; the right does not
    review = _clock(concluded, "review_appraisal")
    assert review["status"] == "reminder"
    assert review["due_at"].startswith("2027-10-12")
    assert review["urgency"] == "reminder"
    assert "后可办理" in review["time_left"]
    assert review["label"] == "可申请复查鉴定"
    late_november.move_to(datetime(2028, 1, 10, 10, 0, tzinfo=CHINA_TZ))
    api.headers.update(bearer(session, anna))
    later = api.get(f"/api/v1/cases/{body['id']}").json()
    review = _clock(later, "review_appraisal")
    assert (review["status"], review["urgency"], review["time_left"]) == (
        "reminder",
        "reminder",
        "已可办理",
    )
    listed = api.get("/api/v1/cases", params={"overdue": "true"}).json()
    assert body["id"] not in [c["id"] for c in listed.get("items", listed)]


def test_stale_version_409_and_a_transition_not_allowed_422(
    api: TestClient, session: Session, anna: User, injury: Case
) -> None:
    body = _open(api, injury)
    not_now = api_fire(api, body, "conclude", concluded_on="2026-10-12", received_on="2026-10-16")
    assert not_now.status_code == 422
    withdrawn = api_step(api, body, "withdraw", reason="员工放弃鉴定")
    assert withdrawn["state"] == "withdrawn"
    stale = api_fire(api, body, "withdraw", reason="again")
    assert stale.status_code == 409


def test_received_before_concluded_is_refused_and_grade_bounds_are_checked(
    api: TestClient, session: Session, anna: User, injury: Case
) -> None:
    body = _applied(api, session, injury, anna)
    backwards = api_fire(api, body, "conclude", concluded_on="2026-10-12", received_on="2026-10-10")
    assert backwards.status_code == 422
    eleven = api_fire(
        api, body, "conclude", concluded_on="2026-10-12", received_on="2026-10-16", grade=11
    )
    assert eleven.status_code == 422
    assert "grade" in eleven.text


def test_the_injury_page_offers_the_appraisal_and_lists_it(
    client: TestClient, session: Session, anna: User, injury: Case, late_november: object
) -> None:
    log_in(client, anna)
    page = client.get(f"/cases/{injury.id}").text
    assert f'action="/cases/{injury.id}/appraisals"' in page
    opened = client.post(
        f"/cases/{injury.id}/appraisals",
        data={"csrf_token": page_csrf(client, f"/cases/{injury.id}")},
    )
    assert opened.status_code == 303
    appraisal = opened.headers["location"]
    shown = client.get(appraisal).text
    assert f'href="/cases/{injury.id}" data-parent' in shown
    assert "准备材料" in shown
    listed = client.get(f"/cases/{injury.id}").text
    assert f'data-related="{appraisal.rsplit("/", 1)[1]}"' in listed


# --- the paid leave on the injury case (停工留薪期) -------------------------------------------


def test_the_paid_leave_clock_warns_30_days_before_it_ends_and_extends(
    api: TestClient, session: Session, injury: Case
) -> None:
    body = api.get(f"/api/v1/cases/{injury.id}").json()
    leave = api_step(api, body, "record_paid_leave", leave_start="2026-03-10", leave_months=6)
    assert leave["state"] == "recognised"
    end = _clock(leave, "paid_leave_end")
    assert end["started_at"].startswith("2026-03-10")
    assert end["due_at"] == "2026-09-10T23:59:59+08:00"  # 6 months on, a Thursday
    assert end["basis"] == "《工伤保险条例》第三十三条：停工留薪期 6 个月"
    row = session.get(Clock, end["id"])
    assert row is not None
    assert row.next_alert_at is not None
    assert row.due_at - row.next_alert_at == timedelta(days=30)  # "prepare the application"
    missing_day = api_fire(
        api, leave, "record_paid_leave", leave_start="2026-03-10", leave_months=6,
        extension_months=3,
    )  # fmt: skip
    assert missing_day.status_code == 422
    assert "确认日期" in missing_day.text
    too_long = api_fire(api, leave, "record_paid_leave", leave_start="2026-03-10", leave_months=13)
    assert too_long.status_code == 422
    assert "leave_months" in too_long.text
    extended = api_step(
        api, leave, "record_paid_leave", leave_start="2026-03-10", leave_months=6,
        extension_months=3, extension_approved_on="2026-08-20",
    )  # fmt: skip
    ends = [c for c in extended["clocks"] if c["kind"] == "paid_leave_end"]
    assert [c["status"] for c in ends] == ["cancelled", "open"]
    assert ends[-1]["due_at"] == "2026-12-10T23:59:59+08:00"
    assert "延长 3 个月" in ends[-1]["basis"]


def test_the_application_packet_prints_the_form_and_the_uploads(
    api: TestClient, session: Session, anna: User, injury: Case
) -> None:
    body = _open(api, injury)
    draft = api.post(f"/api/v1/cases/{body['id']}/packets", json={"type": "appraisal_application"})
    assert draft.status_code == 201, draft.text
    assert draft.json()["final"] is False  # nothing uploaded yet
    case = session.get(Case, body["id"])
    assert case is not None
    complete_materials(session, case, anna)
    made = api.post(f"/api/v1/cases/{body['id']}/packets", json={"type": "appraisal_application"})
    assert made.status_code == 201
    packet = made.json()
    assert packet["final"] is True
    assert packet["pages"] == 1 + 4  # the form, then one page per uploaded document
    pdf = api.get(packet["url"])
    text = "".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "劳动能力鉴定申请表" in text
    assert "李秀英" in text
    assert "2026年7月20日认定为工伤" in text
