"""Injury cases over the API, on each backend: intake, every clock kind, bad input."""

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases.models import Case, ClockTerm
from casetracker.injury.models import InjuryDetails
from casetracker.materials.models import Attachment
from casetracker.people.models import InsuredPerson
from tests.conftest import LI_ID, NOW, World, bearer, tiny_pdf

NEW_ID = "31011519900307123" + "9"  # check digit 9 (a Pudong number, born 1990)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(client: TestClient, session: Session, anna: User, world: World) -> TestClient:
    client.headers.update(bearer(session, anna))
    return client


def record(api: TestClient, world: World, **overrides: Any) -> Any:
    body = {
        "client_id": world.client.id,
        "employee": {"name": "李秀英", "id_number": LI_ID},
        "accident_at": "2026-11-20T22:30:00+08:00",
        "place": "二号车间",
        "description": "搬运货物时扭伤腰部",
    }
    body.update(overrides)
    return api.post("/api/v1/injury-cases", json=body)


def clock(body: dict[str, Any], kind: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [c for c in body["clocks"] if c["kind"] == kind]
    return found[-1]


def fire(api: TestClient, body: dict[str, Any], name: str, **fields: Any) -> dict[str, Any]:
    response = api.post(
        f"/api/v1/cases/{body['id']}/transitions",
        json={"transition": name, "version": body["version"], **fields},
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def upload_all(api: TestClient, body: dict[str, Any], session: Session) -> None:
    from casetracker.materials import service as materials_service

    case = session.get(Case, body["id"])
    assert case is not None
    for item in materials_service.items_for(
        session=session, case_type="injury", region_id=case.region_id
    ):
        if item.required:
            response = api.post(
                f"/api/v1/cases/{body['id']}/attachments",
                data={"item": item.code},
                files={"file": (f"{item.code}.pdf", tiny_pdf(), "application/pdf")},
            )
            assert response.status_code == 201, response.text


def test_recording_an_accident_opens_a_case_with_its_clocks(
    api: TestClient, world: World, session: Session
) -> None:
    response = record(api, world)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["type"], body["state"], body["owner"]["login"]) == ("injury", "reported", "anna")
    assert body["insured_id"] == world.li.id  # found by ID number, not created again
    assert body["region"] == "上海市"  # the client's default
    assert clock(body, "filing_report")["due_at"] == "2026-11-21T22:30:00+08:00"
    assert clock(body, "recognition_application")["due_at"] == "2026-12-21T23:59:59+08:00"
    details = session.get(InjuryDetails, body["id"])
    assert details is not None
    assert details.place == "二号车间"
    assert body == api.get(f"/api/v1/cases/{body['id']}").json()


def test_a_new_employee_is_created_on_the_spot(
    api: TestClient, world: World, session: Session
) -> None:
    body = record(
        api,
        world,
        employee={
            "name": "赵六",
            "id_number": NEW_ID.lower(),
            "phone": "138 1662 0002",
            "hire_on": "2025-03-01",
        },
    ).json()
    person = session.get(InsuredPerson, body["insured_id"])
    assert person is not None
    assert (person.name, person.id_number, person.phone) == ("赵六", NEW_ID, "138 1662 0002")
    assert person.hire_on is not None
    assert person.hire_on.isoformat() == "2025-03-01"
    assert person.contribution_base is None  # unknown until the roster says


@pytest.mark.parametrize(
    ("region", "due"),
    [
        ("杭州市", "2026-11-23T22:30:00+08:00"),  # a 72-hour region, by name
        (None, "2026-11-21T22:30:00+08:00"),
    ],
)
def test_the_report_window_follows_the_region(
    api: TestClient, world: World, region: str | None, due: str
) -> None:
    body = record(api, world, region=region).json()
    assert clock(body, "filing_report")["due_at"] == due


def test_a_12_hour_client_contract_wins_over_the_region(
    api: TestClient, world: World, session: Session
) -> None:
    session.add(
        ClockTerm(
            client_id=world.client.id,
            case_type="injury",
            kind="filing_report",
            unit="hours",
            length=12,
            basis="客户合同：12 小时内报告",
        )
    )
    session.commit()
    filing = clock(record(api, world, region=world.remote.id).json(), "filing_report")
    assert filing["due_at"] == "2026-11-21T10:30:00+08:00"
    assert filing["basis"] == "客户合同：12 小时内报告"


@pytest.mark.parametrize(
    ("accident", "due"),
    [
        ("2026-11-20T08:00:00+08:00", "2026-12-21T23:59:59+08:00"),  # ends on a Sunday
        ("2026-09-03T08:00:00+08:00", "2026-10-08T23:59:59+08:00"),  # inside National Day
        ("2026-01-15T08:00:00+08:00", "2026-02-14T23:59:59+08:00"),  # a 调休 Saturday: no roll
    ],
)
def test_the_application_period_rolls_past_rest_days(
    api: TestClient, world: World, accident: str, due: str
) -> None:
    body = record(api, world, accident_at=accident).json()
    assert clock(body, "recognition_application")["due_at"] == due


def test_the_whole_recognition_path_on_its_clocks(
    api: TestClient, world: World, session: Session
) -> None:
    body = record(api, world, accident_at="2026-09-03T08:00:00+08:00").json()
    body = fire(api, body, "file_report", filed_at="2026-09-03T20:00:00+08:00")
    assert clock(body, "filing_report")["status"] == "met"
    # 5 working days from Thu 09-03: Fri 4, Mon 7 … Thu 10.
    assert clock(body, "written_report")["due_at"] == "2026-09-10T23:59:59+08:00"
    upload_all(api, body, session)
    body = fire(api, body, "submit_application", submitted_on="2026-09-22")
    assert clock(body, "recognition_application")["status"] == "met"
    # 15 days from 09-22 end 10-07, inside National Day: rolls to 10-08.
    assert clock(body, "acceptance_review")["due_at"] == "2026-10-08T23:59:59+08:00"
    body = fire(
        api, body, "request_correction", requested_on="2026-09-25", missing_items=["首诊病历原件"]
    )
    body = fire(api, body, "resubmit", submitted_on="2026-10-09")
    reviews = [c for c in body["clocks"] if c["kind"] == "acceptance_review"]
    assert [c["status"] for c in reviews] == ["met", "open"]
    assert reviews[-1]["due_at"] == "2026-10-26T23:59:59+08:00"  # 10-24 Sat → Mon 10-26
    body = fire(api, body, "accept", accepted_on="2026-10-12")
    assert clock(body, "recognition_decision")["due_at"] == "2026-12-11T23:59:59+08:00"
    body = fire(api, body, "suspend", suspended_on="2026-10-20", reason="等待仲裁")
    assert clock(body, "recognition_decision")["status"] == "paused"
    body = fire(api, body, "resume", resumed_on="2026-10-30")
    decision = clock(body, "recognition_decision")
    assert (decision["status"], decision["due_at"]) == ("open", "2026-12-21T23:59:59+08:00")
    body = fire(api, body, "reject", decided_on="2026-11-20")
    assert clock(body, "recognition_decision")["status"] == "met"
    assert clock(body, "appeal_review")["due_at"] == "2027-01-19T23:59:59+08:00"
    assert clock(body, "appeal_review")["provisional"] is True
    assert clock(body, "appeal_lawsuit")["due_at"] == "2027-05-20T23:59:59+08:00"


def test_a_simple_case_gets_15_days(api: TestClient, world: World, session: Session) -> None:
    body = record(api, world, accident_at="2026-10-20T08:00:00+08:00").json()
    body = fire(api, body, "file_report", filed_at="2026-10-20T09:00:00+08:00")
    upload_all(api, body, session)
    body = fire(api, body, "submit_application", submitted_on="2026-10-21")
    body = fire(api, body, "accept", accepted_on="2026-11-02", simple=True)
    assert clock(body, "recognition_decision")["due_at"] == "2026-11-17T23:59:59+08:00"


def test_submitting_is_blocked_until_the_checklist_is_complete(
    api: TestClient, world: World, session: Session
) -> None:
    body = record(api, world).json()
    body = fire(api, body, "file_report", filed_at="2026-11-21T08:00:00+08:00")
    for item in ("labour_contract", "id_card"):
        assert (
            api.post(
                f"/api/v1/cases/{body['id']}/attachments",
                data={"item": item},
                files={"file": ("a.pdf", tiny_pdf(), "application/pdf")},
            ).status_code
            == 201
        )
    refused = api.post(
        f"/api/v1/cases/{body['id']}/transitions",
        json={
            "transition": "submit_application",
            "version": body["version"],
            "submitted_on": "2026-11-23",
        },
    )
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert detail == "材料不齐，不能提交申请。缺少：劳务派遣协议、医疗诊断证明及首诊病历"
    assert "身份证" not in detail
    upload_all(api, body, session)
    assert fire(api, body, "submit_application", submitted_on="2026-11-23")["state"] == "submitted"


def _counts(session: Session) -> tuple[int, int, int]:
    return tuple(
        session.scalar(select(func.count()).select_from(m)) or 0  # type: ignore[return-value]
        for m in (Case, InsuredPerson, Attachment)
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"accident_at": "2026-11-25T08:00:00+08:00"}, "事故时间：不能晚于当前时间"),
        (
            {"employee": {"name": "赵六", "id_number": "310115199003071230"}},
            "身份证号码：校验位不正确",
        ),
        ({"client_id": 999999}, "客户不存在（编号 999999）"),
        ({"employee": {"name": "王五", "id_number": LI_ID}}, "身份证号码已登记为「李秀英」"),
        ({"region": "火星"}, "参保地：不存在"),
        ({"place": ""}, "事故地点：必填"),
        ({"accident_at": "yesterday"}, "事故时间：时间应写成 年-月-日 时:分"),
    ],
)
def test_bad_intake_is_refused_and_nothing_is_saved(
    api: TestClient, world: World, session: Session, overrides: dict[str, Any], message: str
) -> None:
    before = _counts(session)
    response = record(api, world, **overrides)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert _counts(session) == before


def test_an_exe_renamed_pdf_is_refused(api: TestClient, world: World, session: Session) -> None:
    body = record(api, world).json()
    before = _counts(session)
    response = api.post(
        f"/api/v1/cases/{body['id']}/attachments",
        data={"item": "id_card"},
        files={"file": ("身份证.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")},
    )
    assert response.status_code == 422
    assert "文件内容不是 PDF、JPG 或 PNG" in response.json()["detail"]
    assert _counts(session) == before
    unknown = api.post(
        f"/api/v1/cases/{body['id']}/attachments",
        data={"item": "nope"},
        files={"file": ("a.pdf", tiny_pdf(), "application/pdf")},
    )
    assert unknown.status_code == 422


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "快报时间：必填"),
        ({"filed_at": "2026-11-30T08:00:00+08:00"}, "快报时间：不能晚于当前时间"),
    ],
)
def test_a_transition_without_a_proper_event_time_is_refused(
    api: TestClient, world: World, fields: dict[str, str], message: str
) -> None:
    body = record(api, world).json()
    response = api.post(
        f"/api/v1/cases/{body['id']}/transitions",
        json={"transition": "file_report", "version": 1, **fields},
    )
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert api.get(f"/api/v1/cases/{body['id']}").json()["state"] == "reported"


def test_contacts_are_logged_and_follow_ups_become_clocks(api: TestClient, world: World) -> None:
    body = record(api, world).json()
    response = api.post(
        f"/api/v1/cases/{body['id']}/contacts",
        json={
            "party": "sales_rep",
            "channel": "wechat",
            "note": "请业务员收集劳动合同",
            "follow_up_on": "2026-11-26",
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["party"] == "sales_rep"
    follow = clock(api.get(f"/api/v1/cases/{body['id']}").json(), "follow_up")
    assert (follow["status"], follow["due_at"]) == ("open", "2026-11-26T23:59:59+08:00")
    api.post(
        f"/api/v1/cases/{body['id']}/contacts",
        json={"party": "sales_rep", "channel": "phone", "note": "合同已收到"},
    )
    assert clock(api.get(f"/api/v1/cases/{body['id']}").json(), "follow_up")["status"] == "met"
    bad = api.post(
        f"/api/v1/cases/{body['id']}/contacts",
        json={"party": "aliens", "channel": "phone", "note": "x"},
    )
    assert bad.status_code == 422
    assert "联系对象" in bad.json()["detail"]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            [("file_report", {"filed_at": "2026-11-19T10:00:00+08:00"})],
            "快报时间：不能早于上一步「事故发生」的时间 2026-11-20 22:30",
        ),
        (
            [
                ("file_report", {"filed_at": "2026-11-21T10:00:00+08:00"}),
                ("submit_application", {"submitted_on": "2026-11-20"}),
            ],
            "提交日期：不能早于上一步「完成工伤快报」的时间 2026-11-21",
        ),
    ],
)
def test_an_event_before_the_previous_one_is_refused(
    api: TestClient,
    world: World,
    session: Session,
    steps: list[tuple[str, dict[str, str]]],
    message: str,
) -> None:
    body = record(api, world).json()
    upload_all(api, body, session)
    *earlier, (name, fields) = steps
    for step, step_fields in earlier:
        body = fire(api, body, step, **step_fields)
    response = api.post(
        f"/api/v1/cases/{body['id']}/transitions",
        json={"transition": name, "version": body["version"], **fields},
    )
    assert response.status_code == 422
    assert message in response.json()["detail"]
