"""A packet is final as soon as what it contains is complete, whatever step the case is at:
the accident report once the intake holds the facts it prints, the recognition application
once every required checklist item is uploaded. A draft says on its first page what is
missing, and the case page says it beside the 草稿 badge."""

import io
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases.models import Case
from casetracker.core.clock import CHINA_TZ
from casetracker.injury.models import InjuryDetails
from casetracker.materials import service as materials_service
from tests.conftest import (
    NOW,
    World,
    bearer,
    complete_materials,
    fire,
    log_in,
    open_injury,
    store_as_uploaded_before_checks,
    tiny_pdf,
)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def injury_case(session: Session, world: World, owner: User, *, injured_part: str) -> Case:
    case = open_injury(session, world, owner, "2026-11-20T22:30")
    session.add(
        InjuryDetails(
            case_id=case.id,
            accident_at=datetime(2026, 11, 20, 22, 30, tzinfo=CHINA_TZ),
            place="二号车间冲压线",
            description="操作冲床时右手被模具夹伤",
            injured_part=injured_part,
        )
    )
    session.commit()
    return case


@pytest.fixture
def case(session: Session, world: World, anna: User) -> Case:
    return injury_case(session, world, anna, injured_part="右手食指")


def generate(client: TestClient, headers: dict[str, str], case: Case, kind: str) -> dict[str, Any]:
    response = client.post(f"/api/v1/cases/{case.id}/packets", headers=headers, json={"type": kind})
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def pages(client: TestClient, headers: dict[str, str], packet: dict[str, Any]) -> list[str]:
    """Each page's text without white space (headings are letter-spaced, lines wrap)."""
    content = client.get(packet["url"], headers=headers).content
    return ["".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages]


def upload_all_but_the_id_card(session: Session, case: Case, owner: User) -> None:
    for code in ("labour_contract", "dispatch_agreement", "medical_diagnosis"):
        materials_service.attach(
            session=session,
            case=case,
            item_code=code,
            filename=f"{code}.pdf",
            content=tiny_pdf(),
            actor=owner,
            now=NOW,
        )
    session.commit()


def test_an_application_missing_a_checklist_item_is_a_draft_that_names_it(
    client: TestClient, session: Session, case: Case, anna: User
) -> None:
    upload_all_but_the_id_card(session, case, anna)
    fire(session, case, "file_report", anna, filed_at="2026-11-21T08:00")
    headers = bearer(session, anna)
    packet = generate(client, headers, case, "recognition_application")
    assert packet["final"] is False
    first = pages(client, headers, packet)[0]
    assert "草稿" in first
    assert "尚缺：受伤职工身份证复印件。" in first  # the draft note, not only the cover's table


def test_with_every_item_the_application_is_final_while_the_case_is_only_filed(
    client: TestClient, session: Session, case: Case, anna: User
) -> None:
    complete_materials(session, case, anna)
    fire(session, case, "file_report", anna, filed_at="2026-11-21T08:00")
    assert case.state == "filed"
    headers = bearer(session, anna)
    packet = generate(client, headers, case, "recognition_application")
    assert packet["final"] is True
    first = pages(client, headers, packet)[0]
    assert "草稿" not in first
    assert "尚缺" not in first


def test_the_accident_report_is_final_once_the_intake_holds_what_it_prints(
    client: TestClient, session: Session, world: World, case: Case, anna: User
) -> None:
    headers = bearer(session, anna)
    assert case.state == "reported"  # nothing filed yet: complete is enough
    complete = generate(client, headers, case, "accident_report")
    assert complete["final"] is True
    assert "草稿" not in pages(client, headers, complete)[0]
    no_part = injury_case(session, world, anna, injured_part="")
    draft = generate(client, headers, no_part, "accident_report")
    assert draft["final"] is False
    [first] = pages(client, headers, draft)  # the note keeps the form on one page
    assert "草稿" in first
    assert "尚缺：受伤部位。" in first


def test_the_case_page_marks_a_draft_with_what_is_missing(
    client: TestClient, session: Session, case: Case, anna: User
) -> None:
    upload_all_but_the_id_card(session, case, anna)
    log_in(client, anna)
    page = client.get(f"/cases/{case.id}").text
    row = re.search(r'<tr data-packet="recognition_application">.*?</tr>', page, re.S)
    assert row is not None
    assert 'title="尚缺：受伤职工身份证复印件"' in row.group(0)
    assert "草稿" in row.group(0)
    report = re.search(r'<tr data-packet="accident_report">.*?</tr>', page, re.S)
    assert report is not None
    assert "尚缺" not in report.group(0)  # complete: no draft badge
    summary = re.search(r'<tr data-packet="case_summary">.*?</tr>', page, re.S)
    assert summary is not None
    assert "尚缺：结案（案件尚未结束）" in summary.group(0)


def test_a_removed_required_item_makes_the_application_a_draft_again(
    client: TestClient, session: Session, case: Case, anna: User
) -> None:
    complete_materials(session, case, anna)
    headers = bearer(session, anna)
    assert generate(client, headers, case, "recognition_application")["final"] is True
    [id_card] = [
        a
        for line in materials_service.checklist(session=session, case=case)
        for a in line.attachments
        if a.item_code == "id_card"
    ]
    removed = client.post(
        f"/api/v1/cases/{case.id}/attachments/{id_card.id}/remove",
        headers=headers,
        json={"reason": "上传的是另一位员工的身份证"},
    )
    assert removed.status_code == 200, removed.text
    again = generate(client, headers, case, "recognition_application")
    assert again["final"] is False
    assert again["version"] == 2
    assert "尚缺：受伤职工身份证复印件。" in pages(client, headers, again)[0]


def test_an_unreadable_attachment_s_placeholder_says_why_in_words(
    client: TestClient, session: Session, case: Case, anna: User
) -> None:
    whole = tiny_pdf()
    store_as_uploaded_before_checks(
        session,
        case,
        anna,
        item="labour_contract",
        filename="劳动合同.pdf",
        content=whole[: len(whole) // 2],
        content_type="application/pdf",
    )
    headers = bearer(session, anna)
    packet = generate(client, headers, case, "recognition_application")
    [placeholder] = [t for t in pages(client, headers, packet) if "附件无法读取" in t]
    assert "原因：PDF无法读取（文件不完整或已损坏）。" in placeholder
    assert "替换该文件" in placeholder  # what to do about it
    assert not re.search(r"[A-Za-z]+(Error|Exception)", placeholder)
