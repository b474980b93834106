"""The case API: read, fire (200 / 409 / 422 / 403), list ordered by the nearest clock."""

from collections.abc import Iterator

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import User
from casetracker.cases.models import Case, CaseTransition
from tests.conftest import NOW, World, bearer, open_injury


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(session: Session, world: World, anna: User) -> Case:
    return open_injury(session, world, anna, "2026-11-20T22:30")


def test_it_shows_a_case_with_its_clocks(
    client: TestClient, session: Session, anna: User, case: Case
) -> None:
    body = client.get(f"/api/v1/cases/{case.id}", headers=bearer(session, anna)).json()
    assert (body["id"], body["type"], body["state"], body["state_label"], body["version"]) == (
        case.id,
        "injury",
        "reported",
        "已报案",
        1,
    )
    assert [t["name"] for t in body["allowed_transitions"]] == ["file_report", "withdraw"]
    assert body["allowed_transitions"][0]["fields"] == [
        {
            "name": "filed_at",
            "label": "快报时间",
            "type": "datetime",
            "required": True,
            "minimum": None,  # an integer field's bounds
            "maximum": None,
        }
    ]
    filing = next(c for c in body["clocks"] if c["kind"] == "filing_report")
    assert filing["due_at"] == "2026-11-21T22:30:00+08:00"
    assert filing["started_at"] == "2026-11-20T22:30:00+08:00"
    assert (filing["status"], filing["provisional"]) == ("open", False)
    assert filing["label"] == "工伤快报"
    assert filing["explanation"][0].startswith("依据：")
    assert filing["time_left"] == "已逾期 2 天 13 小时"


def test_it_fires_a_transition(
    client: TestClient, session: Session, anna: User, case: Case
) -> None:
    response = client.post(
        f"/api/v1/cases/{case.id}/transitions",
        headers=bearer(session, anna),
        json={
            "transition": "file_report",
            "version": 1,
            "filed_at": "2026-11-21T09:00:00+08:00",
            "note": "电话报备",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["state"], body["version"]) == ("filed", 2)
    assert body["timeline"][-1]["note"] == "电话报备"
    assert body["timeline"][-1]["event_at"] == "2026-11-21T09:00:00+08:00"
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "injury.file_report"))


def test_a_stale_version_gets_409_and_changes_nothing(
    client: TestClient, session: Session, anna: User, case: Case
) -> None:
    response = client.post(
        f"/api/v1/cases/{case.id}/transitions",
        headers=bearer(session, anna),
        json={"transition": "file_report", "version": 7, "filed_at": "2026-11-21T09:00"},
    )
    assert response.status_code == 409
    assert "已被他人更新" in response.json()["detail"]
    session.expire_all()
    assert session.get(Case, case.id).state == "reported"  # type: ignore[union-attr]


def test_a_stale_page_is_told_who_changed_the_case_and_how(
    client: TestClient, session: Session, anna: User, case: Case
) -> None:
    headers = bearer(session, anna)
    first = client.post(
        f"/api/v1/cases/{case.id}/transitions",
        headers=headers,
        json={"transition": "file_report", "version": 1, "filed_at": "2026-11-21T09:00"},
    )
    assert first.status_code == 200, first.text
    late = client.post(
        f"/api/v1/cases/{case.id}/transitions",
        headers=headers,
        json={"transition": "withdraw", "version": 1, "reason": "重复"},
    )
    assert late.status_code == 409
    detail = late.json()["detail"]
    assert "安娜 已于" in detail
    assert "「完成工伤快报」" in detail
    assert "版本" not in detail


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            {"transition": "accept", "accepted_on": "2026-11-21"},
            "当前状态「已报案」不能执行「登记受理」",
        ),
        ({"transition": "file_report"}, "快报时间：必填"),
        (
            {"transition": "file_report", "filed_at": "2026-12-01T09:00"},
            "快报时间：不能晚于当前时间",
        ),
        (
            {"transition": "file_report", "filed_at": "yesterday"},
            "快报时间：时间应写成 年-月-日 时:分",
        ),
        ({"transition": "fly_away"}, "没有名为「fly_away」的操作"),
    ],
)
def test_a_refused_transition_gets_422_and_changes_nothing(
    client: TestClient,
    session: Session,
    anna: User,
    case: Case,
    payload: dict[str, str],
    message: str,
) -> None:
    response = client.post(
        f"/api/v1/cases/{case.id}/transitions",
        headers=bearer(session, anna),
        json={"version": 1, **payload},
    )
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert (
        session.scalar(
            select(func.count())
            .select_from(CaseTransition)
            .where(CaseTransition.case_id == case.id)
        )
        == 1
    )


def test_version_and_transition_are_required(
    client: TestClient, session: Session, anna: User, case: Case
) -> None:
    response = client.post(
        f"/api/v1/cases/{case.id}/transitions",
        headers=bearer(session, anna),
        json={"transition": "file_report", "version": "1"},
    )
    assert response.status_code == 422
    assert "version" in response.json()["errors"]
    assert (
        client.post(
            f"/api/v1/cases/{case.id}/transitions", headers=bearer(session, anna), json=["nope"]
        ).status_code
        == 422
    )


def test_another_specialist_may_not_act_on_anna_s_case(
    client: TestClient, session: Session, case: Case, sam: User
) -> None:
    from casetracker.auth import service as auth_service
    from casetracker.auth.models import Role

    bob = auth_service.add_user(
        session=session, username="bob", role=Role.SPECIALIST, password="password-bob"
    )
    session.commit()
    body = client.get(f"/api/v1/cases/{case.id}", headers=bearer(session, bob)).json()
    assert body["allowed_transitions"] == []
    response = client.post(
        f"/api/v1/cases/{case.id}/transitions",
        headers=bearer(session, bob),
        json={"transition": "file_report", "version": 1, "filed_at": "2026-11-21T09:00"},
    )
    assert response.status_code == 403
    assert "负责人或主管" in response.json()["detail"]
    supervisor = client.post(
        f"/api/v1/cases/{case.id}/transitions",
        headers=bearer(session, sam),
        json={"transition": "file_report", "version": 1, "filed_at": "2026-11-21T09:00"},
    )
    assert supervisor.status_code == 200


def test_the_list_orders_by_nearest_open_clock_and_filters(
    client: TestClient, session: Session, world: World, anna: User, sam: User
) -> None:
    later = open_injury(session, world, anna, "2026-11-24T08:00")
    sooner = open_injury(session, world, anna, "2026-11-23T20:00")
    other = open_injury(session, world, sam, "2026-11-10T08:00", region=world.remote)
    headers = bearer(session, anna)
    body = client.get("/api/v1/cases", headers=headers).json()
    assert [c["id"] for c in body["items"]] == [other.id, sooner.id, later.id]
    assert body["total"] == 3
    mine = client.get("/api/v1/cases", params={"owner": "anna"}, headers=headers).json()
    assert [c["id"] for c in mine["items"]] == [sooner.id, later.id]
    overdue = client.get("/api/v1/cases", params={"overdue": "true"}, headers=headers).json()
    assert [c["id"] for c in overdue["items"]] == [other.id]
    due_before = client.get(
        "/api/v1/cases",
        params={"due_before": "2026-11-25T00:00:00+08:00", "region": world.local.id},
        headers=headers,
    ).json()
    assert [c["id"] for c in due_before["items"]] == [sooner.id]
    assert (
        client.get("/api/v1/cases", params={"state": "filed"}, headers=headers).json()["total"] == 0
    )
    paged = client.get("/api/v1/cases", params={"limit": 1, "offset": 1}, headers=headers).json()
    assert [c["id"] for c in paged["items"]] == [sooner.id]
    assert (
        client.get("/api/v1/cases", params={"due_before": "soon"}, headers=headers).status_code
        == 422
    )


def test_the_case_page_fires_a_transition_from_its_form(
    as_anna: TestClient, case: Case, session: Session
) -> None:
    from tests.conftest import page_csrf

    page = as_anna.get(f"/cases/{case.id}").text
    assert "工伤快报" in page
    assert "《工伤保险条例》第十七条" in page
    refused = as_anna.post(
        f"/cases/{case.id}/transitions/file_report",
        data={"version": "1", "filed_at": "", "csrf_token": page_csrf(as_anna)},
    )
    assert refused.status_code == 422
    assert "快报时间：必填" in refused.text
    done = as_anna.post(
        f"/cases/{case.id}/transitions/file_report",
        data={"version": "1", "filed_at": "2026-11-21T09:00", "csrf_token": page_csrf(as_anna)},
    )
    assert done.status_code == 303
    assert "已快报" in as_anna.get(f"/cases/{case.id}").text
    stale = as_anna.post(
        f"/cases/{case.id}/transitions/submit_application",
        data={"version": "1", "submitted_on": "2026-11-23", "csrf_token": page_csrf(as_anna)},
    )
    assert stale.status_code == 409
