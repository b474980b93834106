"""Removing and replacing an upload, each with a reason: before the application goes out a
removal takes the file off the checklist and a replacement swaps it; after it, removing is
refused and a replacement keeps the old file, listed as 已被替换 and still downloadable,
while the checklist and the packet take only the new one. Nothing is ever deleted."""

import io
import re
from collections.abc import Iterator
from datetime import datetime

import pytest
import time_machine
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import Role, User
from casetracker.cases.models import Case
from casetracker.core.clock import CHINA_TZ
from casetracker.injury.models import InjuryDetails
from casetracker.materials import service as materials_service
from casetracker.materials.models import Attachment, AttachmentStatus
from casetracker.packets import render
from tests.conftest import (
    NOW,
    World,
    bearer,
    fire,
    log_in,
    make_user,
    open_injury,
    page_csrf,
    tiny_pdf,
)

# The required checklist items besides the ID card, which each test uploads itself.
OTHER_REQUIRED = ("labour_contract", "dispatch_agreement", "medical_diagnosis")


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
            accident_at=datetime(2026, 11, 20, 22, 30, tzinfo=CHINA_TZ),
            place="二号车间冲压线",
            description="操作冲床时右手被模具夹伤",
            injured_part="右手食指",
        )
    )
    for code in OTHER_REQUIRED:
        materials_service.attach(
            session=session,
            case=case,
            item_code=code,
            filename=f"{code}.pdf",
            content=tiny_pdf(),
            actor=anna,
            now=NOW,
        )
    session.commit()
    return case


def marked_pdf(pages: int, marker: str) -> bytes:
    """A real PDF whose pages say `<marker> PAGE n`."""
    body = "".join(
        f'<p style="page-break-after: always">{marker} PAGE {n}</p>' for n in range(1, pages + 1)
    )
    style = (
        f'<style>@font-face {{ font-family: S; src: url("{render.font_path().as_uri()}"); }}'
        "body { font-family: S; font-size: 30pt; }</style>"
    )
    return render.pdf_from_html(f"<html><head>{style}</head><body>{body}</body></html>")


def upload_id_card(client: TestClient, headers: dict[str, str], case: Case, content: bytes) -> int:
    response = client.post(
        f"/api/v1/cases/{case.id}/attachments",
        headers=headers,
        data={"item": "id_card"},
        files={"file": ("身份证.pdf", content, "application/pdf")},
    )
    assert response.status_code == 201, response.text
    attachment_id: int = response.json()["id"]
    return attachment_id


def submit(session: Session, case: Case, actor: User) -> None:
    """File the report and submit the application: the uploads have gone out."""
    fire(session, case, "file_report", actor, filed_at="2026-11-21T08:00")
    fire(session, case, "submit_application", actor, submitted_on="2026-11-23")
    assert case.state == "submitted"


def id_card_row(page: str) -> str:
    match = re.search(r'<tr data-item="id_card"[^>]*>.*?</tr>', page, re.S)
    assert match, "the checklist has no ID-card row"
    return match.group(0)


def events(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def status_of(session: Session, attachment_id: int) -> AttachmentStatus:
    session.expire_all()
    row = session.get(Attachment, attachment_id)
    assert row is not None
    return row.status


def pdf_text(content: bytes) -> str:
    return "".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


# --- before the step: a removal takes the file off, a replacement swaps it -------------------


def test_removing_before_the_application_takes_it_off_the_checklist_with_its_reason(
    client: TestClient, session: Session, case: Case, anna: User
) -> None:
    attachment_id = upload_id_card(client, bearer(session, anna), case, tiny_pdf())
    log_in(client, anna)
    page = client.get(f"/cases/{case.id}").text
    assert f'action="/cases/{case.id}/attachments/{attachment_id}/remove"' in page
    removed = client.post(
        f"/cases/{case.id}/attachments/{attachment_id}/remove",
        data={
            "reason": "传错了：这是另一位员工的身份证",
            "csrf_token": page_csrf(client, f"/cases/{case.id}"),
        },
    )
    assert removed.status_code == 303, removed.text
    assert removed.headers["location"] == f"/cases/{case.id}#materials"
    row = id_card_row(client.get(f"/cases/{case.id}").text)
    assert 'class="missing"' in row  # the item is missing again
    assert "身份证.pdf" not in row
    assert status_of(session, attachment_id) == AttachmentStatus.REMOVED
    [event] = events(session, "case.attachment_removed")
    assert event.actor_name == anna.username
    assert event.before is not None
    assert event.after is not None
    assert event.before["attachment_id"] == attachment_id
    assert event.before["filename"] == "身份证.pdf"
    assert event.after["status"] == "removed"
    assert event.after["reason"] == "传错了：这是另一位员工的身份证"
    # kept, never deleted: the file is still there for the record
    kept = client.get(f"/cases/{case.id}/attachments/{attachment_id}")
    assert kept.status_code == 200
    assert kept.content == tiny_pdf()


def test_replacing_before_the_application_swaps_the_file(
    client: TestClient, session: Session, case: Case, anna: User
) -> None:
    headers = bearer(session, anna)
    old_id = upload_id_card(client, headers, case, marked_pdf(1, "OLDCARD"))
    replaced = client.post(
        f"/api/v1/cases/{case.id}/attachments/{old_id}/replace",
        headers=headers,
        data={"reason": "原件模糊，换清晰扫描件"},
        files={"file": ("身份证-清晰.pdf", marked_pdf(1, "NEWCARD"), "application/pdf")},
    )
    assert replaced.status_code == 200, replaced.text
    listed = {a["id"]: a for a in replaced.json()}
    [new_id] = [i for i, a in listed.items() if a["filename"] == "身份证-清晰.pdf"]
    assert listed[new_id]["status"] == "current"
    assert listed[old_id]["status"] == "removed"
    assert listed[old_id]["replaced_by"] == new_id
    assert listed[old_id]["reason"] == "原件模糊，换清晰扫描件"
    log_in(client, anna)
    row = id_card_row(client.get(f"/cases/{case.id}").text)
    assert "身份证-清晰.pdf" in row
    assert "身份证.pdf" not in row
    assert "已被替换" not in row  # swapped, not superseded: nothing went out yet
    [event] = events(session, "case.attachment_replaced")
    assert event.before is not None
    assert event.after is not None
    assert (event.before["attachment_id"], event.before["filename"]) == (old_id, "身份证.pdf")
    assert (event.after["attachment_id"], event.after["filename"]) == (new_id, "身份证-清晰.pdf")
    assert event.after["replaced"] == {"attachment_id": old_id, "status": "removed"}
    assert event.after["reason"] == "原件模糊，换清晰扫描件"


# --- after the step: no removal, a replacement supersedes ----------------------------------


def test_after_submission_removing_is_refused_with_the_reason_and_nothing_changes(
    client: TestClient, session: Session, case: Case, anna: User
) -> None:
    headers = bearer(session, anna)
    attachment_id = upload_id_card(client, headers, case, tiny_pdf())
    submit(session, case, anna)
    refused = client.post(
        f"/api/v1/cases/{case.id}/attachments/{attachment_id}/remove",
        headers=headers,
        json={"reason": "不需要了"},
    )
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert "已交出" in detail
    assert "不能再删除" in detail
    assert "替换" in detail  # and says what to do instead
    log_in(client, anna)
    page = client.get(f"/cases/{case.id}").text
    assert f"/attachments/{attachment_id}/remove" not in page  # not offered any more
    on_page = client.post(
        f"/cases/{case.id}/attachments/{attachment_id}/remove",
        data={"reason": "不需要了", "csrf_token": page_csrf(client, f"/cases/{case.id}")},
    )
    assert on_page.status_code == 422
    assert "未删除：" in on_page.text
    assert "身份证.pdf" in id_card_row(on_page.text)
    assert status_of(session, attachment_id) == AttachmentStatus.CURRENT
    assert events(session, "case.attachment_removed") == []


def test_after_submission_a_replacement_supersedes_and_the_packet_takes_the_new_file(
    client: TestClient, session: Session, case: Case, anna: User
) -> None:
    headers = bearer(session, anna)
    old_content = marked_pdf(1, "OLDCARD")
    old_id = upload_id_card(client, headers, case, old_content)
    submit(session, case, anna)
    log_in(client, anna)
    replaced = client.post(
        f"/cases/{case.id}/attachments/{old_id}/replace",
        data={
            "reason": "社保局要求补正：换有效期内的身份证",
            "csrf_token": page_csrf(client, f"/cases/{case.id}"),
        },
        files={"file": ("身份证-新.pdf", marked_pdf(2, "NEWCARD"), "application/pdf")},
    )
    assert replaced.status_code == 303, replaced.text
    assert replaced.headers["location"] == f"/cases/{case.id}#materials"
    row = id_card_row(client.get(f"/cases/{case.id}").text)
    assert row.index("身份证-新.pdf") < row.index("身份证.pdf")  # the old one under the new
    superseded = re.search(r'<span class="muted superseded"[^>]*>.*?</span>', row, re.S)
    assert superseded is not None
    assert "身份证.pdf" in superseded.group(0)
    assert "已被替换" in superseded.group(0)
    assert "2026-11-24" in superseded.group(0)  # its date
    # still downloadable, as uploaded
    assert f'href="/cases/{case.id}/attachments/{old_id}"' in row
    assert client.get(f"/cases/{case.id}/attachments/{old_id}").content == old_content
    assert status_of(session, old_id) == AttachmentStatus.SUPERSEDED
    # the packet takes the new file only: cover, form, three 1-page documents, 2 new pages
    packet = client.post(
        f"/api/v1/cases/{case.id}/packets",
        headers=headers,
        json={"type": "recognition_application"},
    )
    assert packet.status_code == 201, packet.text
    assert packet.json()["final"] is True
    assert packet.json()["pages"] == 2 + 3 + 2
    text = pdf_text(client.get(packet.json()["url"], headers=headers).content)
    assert "NEWCARDPAGE1" in text
    assert "NEWCARDPAGE2" in text
    assert "OLDCARD" not in text
    [event] = events(session, "case.attachment_replaced")
    assert event.after is not None
    assert event.after["replaced"] == {"attachment_id": old_id, "status": "superseded"}
    assert event.after["reason"] == "社保局要求补正：换有效期内的身份证"
    # a superseded file is history: it cannot be replaced or removed again
    again = client.post(
        f"/api/v1/cases/{case.id}/attachments/{old_id}/replace",
        headers=headers,
        data={"reason": "再换一次"},
        files={"file": ("x.pdf", tiny_pdf(), "application/pdf")},
    )
    assert again.status_code == 422
    assert "已被替换" in again.json()["detail"]


# --- refusals -------------------------------------------------------------------------------


def test_a_removal_or_replacement_without_a_reason_is_refused(
    client: TestClient, session: Session, case: Case, anna: User
) -> None:
    headers = bearer(session, anna)
    attachment_id = upload_id_card(client, headers, case, tiny_pdf())
    url = f"/api/v1/cases/{case.id}/attachments/{attachment_id}"
    for body in ({"reason": ""}, {"reason": "   "}, {}, {"reason": "长" * 501}):
        refused = client.post(f"{url}/remove", headers=headers, json=body)
        assert refused.status_code == 422, body
        assert refused.json()["errors"]["reason"].startswith("原因：")
    for data in ({}, {"reason": " "}, {"reason": "长" * 501}):
        refused = client.post(
            f"{url}/replace",
            headers=headers,
            data=data,
            files={"file": ("新.pdf", tiny_pdf(), "application/pdf")},
        )
        assert refused.status_code == 422, data
        assert "原因" in refused.json()["detail"]
    log_in(client, anna)
    csrf = page_csrf(client, f"/cases/{case.id}")
    on_page = client.post(
        f"/cases/{case.id}/attachments/{attachment_id}/remove",
        data={"reason": " ", "csrf_token": csrf},
    )
    assert on_page.status_code == 422
    assert "未删除：原因" in on_page.text
    on_page = client.post(
        f"/cases/{case.id}/attachments/{attachment_id}/replace",
        data={"reason": "", "csrf_token": csrf},
        files={"file": ("新.pdf", tiny_pdf(), "application/pdf")},
    )
    assert on_page.status_code == 422
    assert "未替换：原因" in on_page.text
    assert status_of(session, attachment_id) == AttachmentStatus.CURRENT
    assert session.scalar(select(func.count()).select_from(Attachment)) == 4
    assert events(session, "case.attachment_removed") == []
    assert events(session, "case.attachment_replaced") == []


def test_a_replacement_is_checked_like_an_upload(
    client: TestClient, session: Session, case: Case, anna: User
) -> None:
    headers = bearer(session, anna)
    attachment_id = upload_id_card(client, headers, case, tiny_pdf())
    whole = tiny_pdf()
    refused = client.post(
        f"/api/v1/cases/{case.id}/attachments/{attachment_id}/replace",
        headers=headers,
        data={"reason": "换一份"},
        files={"file": ("新.pdf", whole[: len(whole) // 2], "application/pdf")},
    )
    assert refused.status_code == 422
    assert "PDF 无法读取" in refused.json()["detail"]
    assert status_of(session, attachment_id) == AttachmentStatus.CURRENT
    assert session.scalar(select(func.count()).select_from(Attachment)) == 4


def test_only_the_owner_or_a_supervisor_changes_only_this_case_s_uploads(
    client: TestClient, session: Session, world: World, case: Case, anna: User, sam: User
) -> None:
    attachment_id = upload_id_card(client, bearer(session, anna), case, tiny_pdf())
    bob = make_user(session, "bob", Role.SPECIALIST, "鲍勃")
    url = f"/api/v1/cases/{case.id}/attachments/{attachment_id}/remove"
    assert client.post(url, headers=bearer(session, bob), json={"reason": "x"}).status_code == 403
    other_case = open_injury(session, world, anna, "2026-11-21T09:00")
    elsewhere = f"/api/v1/cases/{other_case.id}/attachments/{attachment_id}/remove"
    headers = bearer(session, sam)
    assert client.post(elsewhere, headers=headers, json={"reason": "x"}).status_code == 404
    unknown = f"/api/v1/cases/{case.id}/attachments/999999/remove"
    assert client.post(unknown, headers=headers, json={"reason": "x"}).status_code == 404
    assert status_of(session, attachment_id) == AttachmentStatus.CURRENT
    done = client.post(url, headers=headers, json={"reason": "主管核对：重复上传"})
    assert done.status_code == 200, done.text
    assert [a["status"] for a in done.json() if a["id"] == attachment_id] == ["removed"]


def test_an_ended_case_takes_no_removal_or_replacement(
    client: TestClient, session: Session, case: Case, anna: User
) -> None:
    headers = bearer(session, anna)
    attachment_id = upload_id_card(client, headers, case, tiny_pdf())
    fire(session, case, "withdraw", anna, reason="重复登记")
    url = f"/api/v1/cases/{case.id}/attachments/{attachment_id}"
    removed = client.post(f"{url}/remove", headers=headers, json={"reason": "撤回了"})
    assert removed.status_code == 422
    assert "已结束" in removed.json()["detail"]
    replaced = client.post(
        f"{url}/replace",
        headers=headers,
        data={"reason": "撤回了"},
        files={"file": ("新.pdf", tiny_pdf(), "application/pdf")},
    )
    assert replaced.status_code == 422
    assert "已结束" in replaced.json()["detail"]
    assert status_of(session, attachment_id) == AttachmentStatus.CURRENT
