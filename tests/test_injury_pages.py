"""Injury pages: intake, uploads, contacts, reassignment, the desk."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases.models import Case
from tests.conftest import LI_ID, World, log_in, open_injury, page_csrf, tiny_pdf


def _intake(client: TestClient, world: World, **overrides: str) -> dict[str, str]:
    form = {
        "accident_at": "2026-11-20T22:30",
        "client_id": str(world.client.id),
        "employee_name": "李秀英",
        "employee_id_number": LI_ID,
        "region": "",
        "place": "二号车间",
        "description": "扭伤腰部",
        "csrf_token": page_csrf(client),
    }
    form.update(overrides)
    return form


def test_a_specialist_records_an_accident_and_lands_on_the_case(
    as_anna: TestClient, world: World, session: Session
) -> None:
    assert "登记工伤事故" in as_anna.get("/injury/new").text
    response = as_anna.post("/injury/new", data=_intake(as_anna, world))
    assert response.status_code == 303
    case_id = int(response.headers["location"].rsplit("/", 1)[1])
    page = as_anna.get(f"/cases/{case_id}").text
    assert "二号车间" in page
    assert "劳动合同或劳动关系证明" in page
    assert "2026-11-21 22:30" in page


def test_the_same_call_entered_twice_opens_the_first_case_and_says_so(
    as_anna: TestClient, world: World, session: Session
) -> None:
    first = as_anna.post("/injury/new", data=_intake(as_anna, world))
    again = as_anna.post("/injury/new", data=_intake(as_anna, world))
    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"] + "?existing=1"
    page = as_anna.get(again.headers["location"]).text
    assert "已登记过，未重复立案" in page


def test_bad_intake_keeps_what_was_typed(
    as_anna: TestClient, world: World, session: Session
) -> None:
    before = session.scalar(select(Case.id).order_by(Case.id.desc()))
    response = as_anna.post(
        "/injury/new",
        data=_intake(as_anna, world, employee_id_number="110105194912310021", place="三号仓库"),
    )
    assert response.status_code == 422
    assert "身份证号码：校验位不正确" in response.text
    assert 'value="三号仓库"' in response.text
    assert session.scalar(select(Case.id).order_by(Case.id.desc())) == before


def test_uploads_and_contacts_from_the_case_page(
    as_anna: TestClient, world: World, anna: User, session: Session
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    csrf = page_csrf(as_anna, f"/cases/{case.id}")
    done = as_anna.post(
        f"/cases/{case.id}/attachments",
        data={"item": "id_card", "csrf_token": csrf},
        files={"file": ("身份证.pdf", tiny_pdf(), "application/pdf")},
    )
    assert done.status_code == 303
    page = as_anna.get(f"/cases/{case.id}").text
    assert "身份证.pdf" in page
    fake = as_anna.post(
        f"/cases/{case.id}/attachments",
        data={"item": "id_card", "csrf_token": csrf},
        files={"file": ("x.pdf", b"MZ" + b"\x00" * 64, "application/pdf")},
    )
    assert fake.status_code == 422
    assert "文件内容不是 PDF、JPG 或 PNG" in fake.text
    logged = as_anna.post(
        f"/cases/{case.id}/contacts",
        data={
            "party": "employee",
            "channel": "phone",
            "note": "已提醒保留病历",
            "follow_up_on": "",
            "csrf_token": csrf,
        },
    )
    assert logged.status_code == 303
    assert "已提醒保留病历" in as_anna.get(f"/cases/{case.id}").text
    attachment_link = f"/cases/{case.id}/attachments/"
    attachment_id = page.split(attachment_link)[1].split('"')[0]
    download = as_anna.get(attachment_link + attachment_id)
    assert download.headers["content-type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-")


def test_only_a_supervisor_reassigns_and_the_new_owner_acts(
    client: TestClient, world: World, anna: User, sam: User, session: Session
) -> None:
    from casetracker.auth.models import Role
    from tests.conftest import make_user

    bob = make_user(session, "bob", Role.SPECIALIST, "鲍勃")
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    log_in(client, bob)
    csrf = page_csrf(client, f"/cases/{case.id}")
    assert (
        client.post(
            f"/cases/{case.id}/owner",
            data={"owner": "bob", "reason": "安娜休假", "csrf_token": csrf},
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/cases/{case.id}/contacts",
            data={"party": "employee", "channel": "phone", "note": "x", "csrf_token": csrf},
        ).status_code
        == 403
    )
    client.cookies.clear()
    log_in(client, sam)
    csrf = page_csrf(client, f"/cases/{case.id}")
    assert (
        client.post(
            f"/cases/{case.id}/owner",
            data={"owner": "bob", "reason": "安娜休假", "csrf_token": csrf},
        ).status_code
        == 303
    )
    session.expire_all()
    assert session.get(Case, case.id).owner_id == bob.id  # type: ignore[union-attr]
    page = client.get(f"/cases/{case.id}").text  # the handover is on the timeline, with why
    assert "改派负责人" in page
    assert "安娜休假" in page
    assert "安娜 → 鲍勃" in page
    csrf = page_csrf(client, f"/cases/{case.id}")
    back = client.post(f"/cases/{case.id}/owner", data={"owner": "anna", "csrf_token": csrf})
    assert back.status_code == 422
    assert "请说明原因" in back.text


def test_the_desk_lists_my_open_cases_with_the_next_step(
    as_anna: TestClient, world: World, anna: User, session: Session
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    page = as_anna.get("/").text
    assert f"/cases/{case.id}#t-file_report" in page
    assert "完成工伤快报" in page


def test_an_admin_edits_a_region_s_checklist(
    as_ada: TestClient, world: World, anna: User, session: Session
) -> None:
    csrf = page_csrf(as_ada, "/admin/materials")
    added = as_ada.post(
        "/admin/materials",
        data={
            "case_type": "injury",
            "region_id": str(world.local.id),
            "code": "payslips",
            "name": "近 12 个月工资单",
            "required": "true",
            "position": "30",
            "csrf_token": csrf,
        },
    )
    assert added.status_code == 303
    refused = as_ada.post(
        "/admin/materials",
        data={
            "case_type": "injury",
            "region_id": "",
            "code": "Bad Code!",
            "name": "x",
            "csrf_token": csrf,
        },
    )
    assert refused.status_code == 422
    assert "代码" in refused.text
    from casetracker.materials import service as materials_service

    case = open_injury(session, world, anna, "2026-11-20T22:30")
    assert "近 12 个月工资单" in materials_service.missing_required(session=session, case=case)
    other = open_injury(session, world, anna, "2026-11-20T22:30", region=world.remote)
    assert "近 12 个月工资单" not in materials_service.missing_required(session=session, case=other)


def test_an_unset_company_name_is_said_on_the_case_page(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    log_in(client, anna)
    warning = "尚未设置本公司名称"
    assert warning in client.get(f"/cases/{case.id}").text
    client.app.state.settings.company_name = "上海申浦人力资源服务有限公司"  # type: ignore[attr-defined]
    assert warning not in client.get(f"/cases/{case.id}").text
