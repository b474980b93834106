"""Checklist items are data with a Chinese and an English name: a page shows the reader's
language, packets (for the bureau) stay Chinese, and the admin edits both."""

import re

from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import User
from casetracker.core.i18n import current_locale
from casetracker.materials import service as materials_service
from casetracker.materials.models import MaterialItem
from tests.conftest import World, log_in, open_injury, page_csrf

SECTION = re.compile(r'<section class="card" id="materials">.*?</section>', re.S)


def _seeded(session: Session) -> list[MaterialItem]:
    return list(
        session.scalars(
            select(MaterialItem).where(
                MaterialItem.case_type == "injury", MaterialItem.region_id.is_(None)
            )
        )
    )


def _materials_section(client: TestClient, case_id: int) -> str:
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200, page.text
    match = SECTION.search(page.text)
    assert match, "the case page has no materials section"
    return match.group(0)


def test_every_seeded_item_has_its_english_name(session: Session) -> None:
    rows = _seeded(session)
    assert len(rows) >= 12
    assert [row.code for row in rows if not row.name_en.strip()] == []
    assert [row.code for row in rows if not row.name_en.isascii()] == []
    by_code = {row.code: row for row in rows}
    assert by_code["labour_contract"].name_en == "Labour contract or proof of employment"
    assert by_code["labour_contract"].name == "劳动合同或劳动关系证明"


def test_the_case_page_names_the_checklist_in_the_reader_s_language(
    as_anna: TestClient, session: Session, world: World, anna: User
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    shown = materials_service.items_for(
        session=session, case_type="injury", region_id=world.local.id
    )
    assert shown

    chinese = _materials_section(as_anna, case.id)
    for item in shown:
        assert escape(item.name) in chinese
        assert escape(item.name_en) not in chinese

    assert as_anna.get("/lang/en", params={"next": f"/cases/{case.id}"}).status_code == 303
    english = _materials_section(as_anna, case.id)
    assert "Labour contract or proof of employment" in english
    assert 'aria-label="Labour contract or proof of employment"' in english
    for item in shown:
        assert escape(item.name_en) in english
        assert escape(item.name) not in english, item.code
    # The draft badge of the packets names what is missing in English too.
    page = as_anna.get(f"/cases/{case.id}").text
    packets = page.split('id="packets"')[1].split("</section>")[0]
    assert "Labour contract or proof of employment" in packets
    assert "劳动合同" not in packets

    as_anna.get("/lang/zh_CN")
    assert "劳动合同或劳动关系证明" in _materials_section(as_anna, case.id)


def test_an_item_without_an_english_name_shows_its_chinese_to_english_readers(
    as_anna: TestClient, session: Session, world: World, anna: User
) -> None:
    row = next(item for item in _seeded(session) if item.code == "labour_contract")
    row.name_en = ""
    session.commit()
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    as_anna.get("/lang/en")
    assert "劳动合同或劳动关系证明" in _materials_section(as_anna, case.id)


def test_missing_items_are_named_in_chinese_for_packets_and_in_the_reader_s_language_for_pages(
    session: Session, world: World, anna: User
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    items = materials_service.missing_items(session=session, case=case)
    assert "labour_contract" in [item.code for item in items]
    token = current_locale.set("en")
    try:
        packet_names = materials_service.missing_required(session=session, case=case)
        page_names = materials_service.missing_shown(session=session, case=case)
    finally:
        current_locale.reset(token)
    assert packet_names == [item.name for item in items]
    assert "劳动合同或劳动关系证明" in packet_names
    assert page_names == [item.name_en for item in items]
    assert "Labour contract or proof of employment" in page_names
    assert materials_service.missing_shown(session=session, case=case) == packet_names


def test_an_admin_saves_an_english_name(
    client: TestClient, session: Session, world: World, ada: User, anna: User
) -> None:
    log_in(client, ada)
    csrf = page_csrf(client, "/admin/materials")
    form = {
        "case_type": "injury",
        "region_id": str(world.local.id),
        "code": "payslips",
        "name": "近 12 个月工资单",
        "name_en": "  Payslips for the last 12 months ",
        "required": "true",
        "position": "30",
        "csrf_token": csrf,
    }
    assert client.post("/admin/materials", data=form).status_code == 303
    row = session.scalar(select(MaterialItem).where(MaterialItem.code == "payslips"))
    assert row is not None
    assert (row.name, row.name_en) == ("近 12 个月工资单", "Payslips for the last 12 months")
    admin_page = client.get("/admin/materials").text
    assert "近 12 个月工资单" in admin_page
    assert "Payslips for the last 12 months" in admin_page
    assert "Labour contract or proof of employment" in admin_page

    renamed = {**form, "name": "近 6 个月工资单", "name_en": "Payslips for the last 6 months"}
    assert client.post("/admin/materials", data=renamed).status_code == 303
    session.refresh(row)
    assert row.name_en == "Payslips for the last 6 months"
    audit = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "materials.item_saved", AuditEvent.subject_id == str(row.id))
        .order_by(AuditEvent.id)
    ).all()
    assert audit[0].after is not None
    assert audit[0].after["name_en"] == "Payslips for the last 12 months"
    assert audit[-1].before is not None
    assert audit[-1].before["name_en"] == "Payslips for the last 12 months"
    assert audit[-1].after is not None
    assert audit[-1].after["name_en"] == "Payslips for the last 6 months"

    too_long = client.post("/admin/materials", data={**form, "name_en": "x" * 101})
    assert too_long.status_code == 422
    session.refresh(row)
    assert row.name_en == "Payslips for the last 6 months"

    case = open_injury(session, world, anna, "2026-11-20T22:30")
    client.cookies.clear()
    log_in(client, anna)
    client.get("/lang/en")
    english = _materials_section(client, case.id)
    assert "Payslips for the last 6 months" in english
    assert "近 6 个月工资单" not in english


def test_an_english_name_is_optional(as_ada: TestClient, session: Session) -> None:
    form = {
        "case_type": "injury",
        "region_id": "",
        "code": "medical_bills",
        "name": "医疗费票据",
        "position": "90",
        "csrf_token": page_csrf(as_ada, "/admin/materials"),
    }
    assert as_ada.post("/admin/materials", data=form).status_code == 303
    row = session.scalar(select(MaterialItem).where(MaterialItem.code == "medical_bills"))
    assert row is not None
    assert row.name_en == ""
