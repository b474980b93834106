"""Filing packets: Chinese text, embedded fonts, page numbers across attachments, versions."""

import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import User
from casetracker.cases.models import Case
from casetracker.core.settings import Settings
from casetracker.injury.models import InjuryDetails
from casetracker.materials import service as materials_service
from casetracker.packets import render
from casetracker.packets import service as packet_service
from tests.conftest import (
    LI_ID,
    NOW,
    World,
    bearer,
    complete_materials,
    open_injury,
    store_as_uploaded_before_checks,
)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(session: Session, world: World, anna: User) -> Case:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    session.add(
        InjuryDetails(
            case_id=case.id,
            accident_at=case.transitions[0].event_at,
            place="二号车间冲压线",
            description="操作冲床时右手被模具夹伤",
            injured_part="右手食指",
            hospital="上海市第六人民医院",
            reporter_name="陈经理",
            reporter_contact="13816620001",
        )
    )
    session.commit()
    return case


def marked_pdf(pages: int, marker: str) -> bytes:
    """A real multi-page PDF whose pages say `<marker> PAGE n`."""
    body = "".join(
        f'<p style="page-break-after: always">{marker} PAGE {n}</p>' for n in range(1, pages + 1)
    )
    style = (
        f'<style>@font-face {{ font-family: S; src: url("{render.font_path().as_uri()}"); }}'
        "body { font-family: S; font-size: 30pt; }</style>"
    )
    return render.pdf_from_html(f"<html><head>{style}</head><body>{body}</body></html>")


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def fonts_embedded(pdf: bytes) -> list[str]:
    """Names of fonts used on any page that are NOT embedded (should be empty)."""
    missing = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    missing.append(str(font.get("/BaseFont")))
    return missing


def generate(session: Session, case: Case, anna: User, packet_type: str) -> Any:
    packet, _ = packet_service.generate(
        session=session,
        case=case,
        packet_type=packet_type,
        actor=anna,
        settings=Settings(),
        now=NOW,
    )
    session.commit()
    return packet


@pytest.mark.parametrize(
    ("packet_type", "expected"),
    [
        (
            "accident_report",
            [
                "工伤事故快报表",
                "上海浦江精密机械有限公司",
                "李秀英",
                LI_ID,
                "二号车间冲压线",
                "2026年11月20日 22:30",
                "2026年11月24日",
            ],
        ),
        (
            "recognition_application",
            [
                "工伤认定申请材料清单",
                "工伤认定申请表",
                "李秀英",
                "女",
                "1949年12月31日",
                "操作冲床时右手被模具夹伤",
            ],
        ),
        ("case_summary", ["案件摘要", "工伤快报", "《工伤保险条例》第十七条", "事故发生"]),
    ],
)
def test_each_packet_carries_the_case_in_chinese_with_embedded_fonts(
    session: Session, case: Case, anna: User, packet_type: str, expected: list[str]
) -> None:
    packet = generate(session, case, anna, packet_type)
    pages = texts(packet.content)
    whole = "".join("\n".join(pages).split())  # headings are letter-spaced
    for value in expected:
        assert "".join(value.split()) in whole, value
    assert fonts_embedded(packet.content) == []
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 / 共 {len(pages)} 页" in text
    assert packet.pages == len(pages)


def test_attachments_follow_the_forms_in_order_and_are_numbered(
    session: Session, case: Case, anna: User
) -> None:
    complete_materials(session, case, anna)  # one 1-page PDF for each required item
    materials_service.attach(
        session=session,
        case=case,
        item_code="witness_statements",
        filename="证人证言.pdf",
        content=marked_pdf(3, "WITNESS"),
        actor=anna,
        now=NOW,
    )
    session.commit()
    pages = texts(generate(session, case, anna, "recognition_application").content)
    total = len(pages)
    witness = [i for i, text in enumerate(pages) if "WITNESS PAGE" in text]
    assert [pages[i].split("WITNESS PAGE ")[1][:1] for i in witness] == ["1", "2", "3"]
    assert witness == [total - 3, total - 2, total - 1]  # the checklist's order: last item
    assert total == 2 + 4 + 3  # cover, form, four required documents, the 3-page statement
    assert f"第 {total} 页 / 共 {total} 页" in pages[-1]
    # the cover points at the page each document starts on
    assert f"第 {total - 2} 页" in pages[0]


def test_a_broken_attachment_is_named_and_the_packet_still_renders(
    session: Session, case: Case, anna: User
) -> None:
    good = marked_pdf(1, "GOOD")
    store_as_uploaded_before_checks(
        session,
        case,
        anna,
        item="labour_contract",
        filename="劳动合同.pdf",
        content=good[: len(good) // 3],
        content_type="application/pdf",
    )
    junk = b"\x89PNG\r\n\x1a\n" + b"junk" * 40  # refused at upload today: stored before that
    store_as_uploaded_before_checks(
        session, case, anna, item="id_card", filename="身份证.png", content=junk
    )
    packet = generate(session, case, anna, "recognition_application")
    pages = texts(packet.content)
    assert "无法读取的附件" in pages[0]
    assert "劳动合同.pdf" in pages[0]
    assert "身份证.png" in pages[0]
    placeholders = [t for t in pages if "附件无法读取" in t]
    assert len(placeholders) == 2
    assert any("PDF 无法读取" in t for t in placeholders)
    assert any("图片无法解码" in t for t in placeholders)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "case.packet_generated"))
    assert event is not None
    assert event.after is not None
    assert sorted(event.after["broken_attachments"]) == ["劳动合同.pdf", "身份证.png"]


def test_images_are_placed_on_their_own_pages(session: Session, case: Case, anna: User) -> None:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (200, 220, 240)).save(buffer, format="JPEG")
    materials_service.attach(
        session=session,
        case=case,
        item_code="id_card",
        filename="身份证.jpg",
        content=buffer.getvalue(),
        actor=anna,
        now=NOW,
    )
    session.commit()
    packet = generate(session, case, anna, "recognition_application")
    reader = PdfReader(io.BytesIO(packet.content))
    last = reader.pages[-1]
    assert "身份证.jpg" in last.extract_text()
    assert list(last.images)  # the photo itself is on the page


def test_a_draft_says_so_until_what_it_prints_is_complete(
    session: Session, case: Case, anna: User
) -> None:
    details = session.get(InjuryDetails, case.id)
    assert details is not None
    details.injured_part = ""
    session.commit()
    draft = generate(session, case, anna, "accident_report")
    assert not draft.final
    assert "草稿" in texts(draft.content)[0]
    assert "尚缺：受伤部位" in "".join(texts(draft.content)[0].split())
    details.injured_part = "右手食指"
    session.commit()
    final = generate(session, case, anna, "accident_report")  # still only reported
    assert final.final
    assert final.version == 2
    assert "草稿" not in texts(final.content)[0]


def test_versions_change_with_the_case_and_stay_downloadable(
    client: TestClient, session: Session, case: Case, anna: User
) -> None:
    headers = bearer(session, anna)
    first = client.post(
        f"/api/v1/cases/{case.id}/packets", headers=headers, json={"type": "accident_report"}
    )
    assert first.status_code == 201, first.text
    body = first.json()
    assert set(body) >= {"id", "type", "version", "sha256", "final", "url"}
    assert (body["type"], body["version"], body["final"]) == ("accident_report", 1, True)
    same = client.post(
        f"/api/v1/cases/{case.id}/packets", headers=headers, json={"type": "accident_report"}
    )
    assert same.status_code == 200
    assert same.json()["id"] == body["id"]
    pdf = client.get(body["url"], headers=headers)
    assert pdf.headers["content-type"] == "application/pdf"
    import hashlib

    assert hashlib.sha256(pdf.content).hexdigest() == body["sha256"]
    client.post(
        f"/api/v1/cases/{case.id}/transitions",
        headers=headers,
        json={"transition": "file_report", "version": 1, "filed_at": "2026-11-21T08:00"},
    )
    second = client.post(
        f"/api/v1/cases/{case.id}/packets", headers=headers, json={"type": "accident_report"}
    ).json()
    assert second["version"] == 2
    assert second["final"] is True
    assert client.get(body["url"], headers=headers).status_code == 200
    listed = client.get(f"/api/v1/cases/{case.id}/packets", headers=headers).json()
    assert [p["version"] for p in listed] == [2, 1]
    assert client.get(body["url"]).status_code == 401
    bad = client.post(f"/api/v1/cases/{case.id}/packets", headers=headers, json={"type": "x"})
    assert bad.status_code == 422
    assert "没有这种申报材料" in bad.json()["detail"]


def test_the_case_page_previews_and_generates(as_anna: TestClient, case: Case) -> None:
    from tests.conftest import page_csrf

    page = as_anna.get(f"/cases/{case.id}").text
    assert "申报材料" in page
    assert "工伤事故快报表" in page
    preview = as_anna.get(f"/cases/{case.id}/packets/accident_report/preview")
    assert preview.status_code == 200
    assert "二号车间冲压线" in preview.text
    assert "/fonts/packet-fonts.css" in preview.text
    made = as_anna.post(
        f"/cases/{case.id}/packets",
        data={"type": "case_summary", "csrf_token": page_csrf(as_anna, f"/cases/{case.id}")},
    )
    assert made.status_code == 303
    page = as_anna.get(f"/cases/{case.id}").text
    import re

    link = re.search(rf'href="(/cases/{case.id}/packets/\d+\.pdf)"', page)
    assert link is not None
    assert as_anna.get(link.group(1)).content.startswith(b"%PDF-")
