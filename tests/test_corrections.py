"""Corrections, reopenings and suspensions over the API, on each backend: what was recorded
wrong is put right on the record and every clock is counted again from the corrected facts."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import Role, User
from casetracker.injury.models import InjuryDetails
from tests.conftest import NOW, World, bearer, make_user
from tests.test_injury_api import clock, fire, record, upload_all


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(client: TestClient, session: Session, anna: User, world: World) -> TestClient:
    client.headers.update(bearer(session, anna))
    return client


def correct(api: TestClient, body: dict[str, Any], **payload: Any) -> Any:
    return api.post(
        f"/api/v1/cases/{body['id']}/corrections", json={"version": body["version"], **payload}
    )


def entry(body: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = [e for e in body["timeline"] if e["name"] == name][-1]
    return found


def accepted(
    api: TestClient,
    world: World,
    session: Session,
    *,
    accident: str,
    submitted_on: str,
    accepted_on: str,
    simple: bool = False,
) -> dict[str, Any]:
    body = record(api, world, accident_at=f"{accident}T09:00:00+08:00").json()
    body = fire(api, body, "file_report", filed_at=f"{accident}T12:00:00+08:00")
    upload_all(api, body, session)
    body = fire(api, body, "submit_application", submitted_on=submitted_on)
    return fire(api, body, "accept", accepted_on=accepted_on, simple=simple)


# --- corrections of the opening -------------------------------------------------------------


def test_correcting_the_accident_time_moves_its_clocks_and_says_so(
    api: TestClient, world: World, session: Session
) -> None:
    body = record(api, world, accident_at="2026-11-21T22:30:00+08:00").json()
    assert clock(body, "filing_report")["due_at"] == "2026-11-22T22:30:00+08:00"
    assert clock(body, "recognition_application")["due_at"] == "2026-12-21T23:59:59+08:00"
    response = correct(
        api,
        body,
        field="accident_at",
        value="2026-11-20T22:30:00+08:00",
        reason="报案时误记为次日",
    )
    assert response.status_code == 200, response.text
    fixed = response.json()
    assert fixed["version"] == body["version"] + 1
    assert fixed["event_at"] == "2026-11-20T22:30:00+08:00"
    assert fixed["opened_at"] == body["opened_at"]  # when it was recorded does not move
    filing = clock(fixed, "filing_report")
    assert (filing["started_at"], filing["due_at"]) == (
        "2026-11-20T22:30:00+08:00",
        "2026-11-21T22:30:00+08:00",
    )
    assert filing["id"] == clock(body, "filing_report")["id"]  # the same clock, counted again
    assert clock(fixed, "recognition_application")["due_at"] == "2026-12-21T23:59:59+08:00"
    said = " ".join(filing["explanation"])
    assert "因更正「事故时间」（2026-11-21 22:30 → 2026-11-20 22:30）重新计算" in said
    assert "原到期 2026-11-22 22:30" in said
    correction = entry(fixed, "correction")
    assert correction["label"] == "更正"
    assert correction["note"] == "报案时误记为次日"
    assert correction["actor"] == {"id": correction["actor"]["id"], "login": "anna", "name": "安娜"}
    assert correction["changes"] == [
        {
            "field": "accident_at",
            "label": "事故时间",
            "before": "2026-11-21T22:30:00+08:00",
            "after": "2026-11-20T22:30:00+08:00",
        }
    ]
    assert entry(fixed, "open")["event_at"] == "2026-11-20T22:30:00+08:00"
    assert "2026-11-20" in fixed["title"]
    details = session.get(InjuryDetails, body["id"])
    session.refresh(details)
    assert details is not None
    assert details.accident_at == datetime.fromisoformat("2026-11-20T22:30:00+08:00")
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "case.corrected").order_by(AuditEvent.id)
    ).all()[-1]
    assert event.before == {"accident_at": "2026-11-21T22:30:00+08:00"}
    assert event.after == {"accident_at": "2026-11-20T22:30:00+08:00", "reason": "报案时误记为次日"}


def test_a_text_fact_and_the_region_are_corrected_and_the_region_recounts_the_clocks(
    api: TestClient, world: World, session: Session
) -> None:
    body = record(api, world).json()
    place = correct(api, body, field="place", value="三号车间", reason="地点写错")
    assert place.status_code == 200, place.text
    body = place.json()
    assert entry(body, "correction")["changes"][0]["after"] == "三号车间"
    assert body["clocks"] == record(api, world).json()["clocks"]  # nothing moved
    moved = correct(api, body, field="region", value=world.remote.name, reason="实际在杭州参保")
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["region"] == "杭州市"
    assert clock(body, "filing_report")["due_at"] == "2026-11-23T22:30:00+08:00"  # 72 hours


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"field": "accident_at", "value": "0201-11-20T22:30"}, "accident_at", "1950 年至 2100 年"),
        ({"field": "accident_at", "value": "2026-11-25T08:00"}, "accident_at", "不能晚于"),
        ({"field": "accident_at", "value": "2020-11-20T08:00"}, "accident_at", "3 年前"),
        ({"field": "accident_at", "value": "2024-02-20T08:00"}, "accident_at", "入职日期"),
        ({"field": "place", "value": "二号车间"}, "place", "与原记录相同"),
        ({"field": "place", "value": ""}, "place", "必填"),
        ({"field": "salary", "value": "1"}, "field", "不能更正"),
        ({"field": "region", "value": "火星"}, "region", "没有名为"),
        ({"field": "place", "value": "三号车间", "reason": "  "}, "reason", "请说明原因"),
    ],
)
def test_a_refused_correction_says_why_and_changes_nothing(
    api: TestClient,
    world: World,
    session: Session,
    payload: dict[str, str],
    field: str,
    words: str,
) -> None:
    body = record(api, world).json()
    response = correct(api, body, **({"reason": "核对后更正"} | payload))
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]
    assert field in response.json().get("errors", {})
    after = api.get(f"/api/v1/cases/{body['id']}").json()
    assert after == body


def test_a_stale_correction_is_refused_with_409(
    api: TestClient, world: World, session: Session
) -> None:
    body = record(api, world).json()
    fire(api, body, "file_report", filed_at="2026-11-21T08:00:00+08:00")
    stale = correct(api, body, field="place", value="三号车间", reason="地点写错")
    assert stale.status_code == 409
    assert "完成工伤快报" in stale.json()["detail"]
    assert "三号车间" not in api.get(f"/api/v1/cases/{body['id']}").text


def test_an_accident_time_after_the_filing_breaks_the_chronology(
    api: TestClient, world: World
) -> None:
    body = record(api, world).json()
    body = fire(api, body, "file_report", filed_at="2026-11-21T08:00:00+08:00")
    late = correct(api, body, field="accident_at", value="2026-11-21T09:00", reason="核对")
    assert late.status_code == 422
    assert "不能晚于下一步「完成工伤快报」的时间 2026-11-21 08:00" in late.json()["detail"]


def test_only_the_owner_or_a_supervisor_corrects(
    client: TestClient, session: Session, world: World, anna: User, sam: User, ada: User
) -> None:
    client.headers.update(bearer(session, anna))
    body = record(client, world).json()
    bob = make_user(session, "bob", Role.SPECIALIST, "鲍勃")
    session.commit()
    for user, status in ((bob, 403), (ada, 403), (sam, 200)):
        client.headers.update(bearer(session, user))
        response = correct(client, body, field="hospital", value="瑞金医院", reason="核对")
        assert response.status_code == status, (user.username, response.text)


# --- corrections of a recorded step ---------------------------------------------------------


def test_correcting_the_acceptance_date_moves_the_decision_clock(
    api: TestClient, world: World, session: Session
) -> None:
    body = accepted(
        api,
        world,
        session,
        accident="2026-11-02",
        submitted_on="2026-11-05",
        accepted_on="2026-11-10",
    )
    assert clock(body, "recognition_decision")["due_at"] == "2027-01-11T23:59:59+08:00"
    step = entry(body, "accept")
    response = correct(
        api,
        body,
        transition_id=step["id"],
        fields={"accepted_on": "2026-11-09"},
        reason="通知书为 9 日",
    )
    assert response.status_code == 200, response.text
    fixed = response.json()
    decision = clock(fixed, "recognition_decision")
    assert decision["started_at"] == "2026-11-09T00:00:00+08:00"
    assert decision["due_at"] == "2027-01-08T23:59:59+08:00"
    assert any(
        "因更正「受理日期」（2026-11-10 → 2026-11-09）" in x for x in decision["explanation"]
    )
    assert entry(fixed, "accept")["fields"]["accepted_on"] == "2026-11-09"
    correction = entry(fixed, "correction")
    assert correction["corrects"] == step["id"]
    assert correction["changes"][0]["before"] == "2026-11-10"
    # The acceptance review that the acceptance met is counted again too: met on the 9th.
    assert clock(fixed, "acceptance_review")["stopped_at"] == "2026-11-09T00:00:00+08:00"
    simple = correct(
        api, fixed, transition_id=step["id"], fields={"simple": True}, reason="属简易案件"
    )
    assert simple.status_code == 200, simple.text
    assert clock(simple.json(), "recognition_decision")["due_at"] == "2026-11-24T23:59:59+08:00"


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"accepted_on": "2026-11-04"}, "不能早于上一步「提交认定申请」的时间 2026-11-05"),
        ({"accepted_on": "2026-11-30"}, "不能晚于今天"),
        ({"accepted_on": "2026-11-10"}, "与原记录相同"),
        ({"decided_on": "2026-11-12"}, "可更正的字段为 accepted_on、simple"),
    ],
)
def test_a_refused_step_correction_changes_nothing(
    api: TestClient, world: World, session: Session, fields: dict[str, str], words: str
) -> None:
    body = accepted(
        api,
        world,
        session,
        accident="2026-11-02",
        submitted_on="2026-11-05",
        accepted_on="2026-11-10",
    )
    response = correct(
        api, body, transition_id=entry(body, "accept")["id"], fields=fields, reason="核对"
    )
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]
    assert api.get(f"/api/v1/cases/{body['id']}").json() == body


def test_the_opening_is_corrected_by_field_not_as_a_step(api: TestClient, world: World) -> None:
    body = record(api, world).json()
    response = correct(
        api, body, transition_id=entry(body, "open")["id"], fields={"x": "1"}, reason="核对"
    )
    assert response.status_code == 422
    assert "请按字段更正" in response.json()["detail"]
    neither = api.post(
        f"/api/v1/cases/{body['id']}/corrections", json={"version": 1, "reason": "核对"}
    )
    assert neither.status_code == 422


# --- pause and resume: counted again, never shifted -----------------------------------------


@pytest.mark.parametrize(
    ("accepted_on", "simple", "suspensions", "due", "provisional"),
    [
        # 15 days end on Sun 08-16; 6 days suspended make Sat 08-22: rolled to Mon 08-24
        # (shifting the rolled due time would give Sun 08-23).
        ("2026-08-01", True, [("2026-08-03", "2026-08-09")], "2026-08-24", False),
        # 09-16 + 15 days suspended = 10-01, National Day: rolled to Thu 10-08.
        ("2026-09-01", True, [("2026-09-02", "2026-09-17")], "2026-10-08", False),
        # 60 days end on 12-31; 3 days suspended push it into 2027, whose arrangement is
        # unknown: Sun 01-03 rolls to Mon 01-04, provisional.
        ("2026-11-01", False, [("2026-11-10", "2026-11-13")], "2027-01-04", True),
        # Two suspensions: 1 + 2 days.
        (
            "2026-08-20",
            False,
            [("2026-08-25", "2026-08-27"), ("2026-09-01", "2026-09-02")],
            "2026-10-22",
            False,
        ),
    ],
)
def test_a_resumed_decision_clock_is_counted_again_from_its_last_day(
    api: TestClient,
    world: World,
    session: Session,
    accepted_on: str,
    simple: bool,
    suspensions: list[tuple[str, str]],
    due: str,
    provisional: bool,
) -> None:
    body = accepted(
        api,
        world,
        session,
        accident=f"{accepted_on[:8]}01",
        submitted_on=f"{accepted_on[:8]}01",
        accepted_on=accepted_on,
        simple=simple,
    )
    for suspended_on, resumed_on in suspensions:
        body = fire(api, body, "suspend", suspended_on=suspended_on, reason="等待仲裁")
        body = fire(api, body, "resume", resumed_on=resumed_on)
    decision = clock(body, "recognition_decision")
    assert decision["due_at"] == f"{due}T23:59:59+08:00"
    assert decision["provisional"] is provisional
    said = " ".join(decision["explanation"])
    assert "未计中止期间的最后一日" in said
    assert "中止期间不计入期限" in said


# --- reopening ------------------------------------------------------------------------------


def test_a_supervisor_reopens_a_withdrawn_case_back_to_the_state_it_left(
    client: TestClient, session: Session, world: World, anna: User, sam: User
) -> None:
    client.headers.update(bearer(session, anna))
    body = record(client, world).json()
    body = fire(client, body, "file_report", filed_at="2026-11-21T08:00:00+08:00")
    running = {c["kind"]: c for c in body["clocks"] if c["status"] == "open"}
    assert set(running) == {"recognition_application", "written_report"}
    body = fire(client, body, "withdraw", reason="员工称并非工作原因")
    assert body["closed_at"] is not None
    assert {c["status"] for c in body["clocks"]} == {"met", "cancelled"}

    reopen = f"/api/v1/cases/{body['id']}/reopen"
    refused = client.post(reopen, json={"version": body["version"], "reason": "误撤回"})
    assert refused.status_code == 403  # a specialist does not reopen
    client.headers.update(bearer(session, sam))
    no_reason = client.post(reopen, json={"version": body["version"], "reason": " "})
    assert no_reason.status_code == 422
    stale = client.post(reopen, json={"version": body["version"] - 1, "reason": "误撤回"})
    assert stale.status_code == 409
    response = client.post(reopen, json={"version": body["version"], "reason": "误撤回"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["state"], body["closed_at"]) == ("filed", None)
    again = {c["kind"]: c for c in body["clocks"] if c["status"] == "open"}
    assert {k: c["due_at"] for k, c in again.items()} == {
        k: c["due_at"] for k, c in running.items()
    }
    reopened = entry(body, "reopen")
    assert (reopened["label"], reopened["note"], reopened["actor"]["name"]) == (
        "重新打开",
        "误撤回",
        "山姆",
    )
    assert (reopened["from_state"], reopened["to_state"]) == ("withdrawn", "filed")
    twice = client.post(reopen, json={"version": body["version"], "reason": "再次"})
    assert twice.status_code == 422
    assert "尚未结束" in twice.json()["detail"]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.reopened")).one()
    assert event.after == {"state": "filed", "reason": "误撤回"}
    # The undone withdrawal is no longer an event the next step must follow.
    upload_all(client, body, session)
    body = fire(client, body, "submit_application", submitted_on="2026-11-23")
    assert body["state"] == "submitted"


def test_a_closed_case_takes_no_corrections_until_reopened(api: TestClient, world: World) -> None:
    body = record(api, world).json()
    body = fire(api, body, "withdraw", reason="重复登记")
    response = correct(api, body, field="place", value="三号车间", reason="地点写错")
    assert response.status_code == 422
    assert "请主管先重新打开" in response.json()["detail"]
