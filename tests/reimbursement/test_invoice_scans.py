"""Each invoice's photo or scan, under the upload rules every attachment follows, and the
injury page's form filled from a photo's QR code: the photo kept, the fields shown for the
person to check, the invoice saved only when they record it."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases.models import Case
from casetracker.materials import service as materials
from casetracker.materials.models import Attachment, AttachmentStatus
from casetracker.reimbursement.models import Invoice
from tests.conftest import World, bearer, log_in, make_user, open_injury, page_csrf
from tests.reimbursement.conftest import RECEIPT
from tests.reimbursement.photos import photo_with, plain_png, qr_png

DIGITAL_QR = "01,32,,26312000000012345678,1234.57,20261121,,ABCD"


def _invoice(api: TestClient, case: Case, **changes: Any) -> dict[str, Any]:
    answer = api.post(f"/api/v1/cases/{case.id}/invoices", json={**RECEIPT, **changes})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _scans(session: Session, case: Case) -> list[Attachment]:
    session.expire_all()
    return list(
        session.scalars(
            select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
        )
    )


def test_an_invoices_scan_is_kept_and_a_second_supersedes_the_first(
    api: TestClient, session: Session, anna: User, injury: Case
) -> None:
    invoice = _invoice(api, injury)
    assert invoice["scan_id"] is None
    first = api.post(
        f"/api/v1/invoices/{invoice['id']}/scan", files={"file": ("票.png", plain_png())}
    )
    assert first.status_code == 200, first.text
    first_id = first.json()["scan_id"]
    assert first_id is not None

    refused = api.post(
        f"/api/v1/invoices/{invoice['id']}/scan", files={"file": ("a.png", b"MZ\x90")}
    )
    assert refused.status_code == 422
    assert "不是 PDF、JPG 或 PNG" in refused.json()["detail"]
    assert len(_scans(session, injury)) == 1  # nothing stored

    second = api.post(
        f"/api/v1/invoices/{invoice['id']}/scan",
        files={"file": ("photo.jpg", photo_with(qr_png("x")))},
    )
    second_id = second.json()["scan_id"]
    assert second_id != first_id
    rows = {row.id: row for row in _scans(session, injury)}
    assert rows[first_id].status == AttachmentStatus.SUPERSEDED
    assert rows[first_id].replaced_by_id == second_id
    assert rows[second_id].content_type == "image/jpeg"
    # Outside the checklist: the injury's materials and their guard do not see it.
    lines = materials.checklist(session=session, case=injury)
    assert all(a.id not in rows for line in lines for a in line.attachments)

    client = api
    client.headers.pop("Authorization")
    log_in(client, anna)
    for scan_id in (first_id, second_id):  # both downloadable, the old one too
        download = client.get(f"/cases/{injury.id}/attachments/{scan_id}")
        assert download.status_code == 200
        assert download.content == rows[scan_id].content
        assert download.headers["content-disposition"].startswith("inline")  # shown, not saved
    page = client.get(f"/cases/{injury.id}").text
    assert f'href="/cases/{injury.id}/attachments/{second_id}" data-scan="0012345678"' in page
    assert f'href="/cases/{injury.id}/invoices.xlsx"' in page


def test_only_who_may_act_on_the_injury_uploads_a_scan(
    client: TestClient, session: Session, api: TestClient, injury: Case
) -> None:
    invoice = _invoice(api, injury)
    other = make_user(session, "wangwu", injury.owner.role, "王五")
    session.commit()
    client.headers.update(bearer(session, other))
    answer = client.post(
        f"/api/v1/invoices/{invoice['id']}/scan", files={"file": ("a.png", plain_png())}
    )
    assert answer.status_code == 403
    assert (
        client.post(
            "/api/v1/invoices/999999/scan", files={"file": ("a.png", plain_png())}
        ).status_code
        == 404
    )


# --- the injury page's form ------------------------------------------------------------------


@pytest.fixture
def page(client: TestClient, anna: User) -> TestClient:
    return log_in(client, anna)


def _form(page: TestClient, case: Case, **fields: str) -> dict[str, str]:
    return {"csrf_token": page_csrf(page, f"/cases/{case.id}"), **fields}


def _value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    assert match, f"no {name} field"
    return match.group(1)


def _invoices(session: Session, case: Case) -> list[Invoice]:
    session.expire_all()
    return list(session.scalars(select(Invoice).where(Invoice.case_id == case.id)))


def test_a_photos_code_fills_the_form_which_saves_only_when_recorded(
    page: TestClient, session: Session, injury: Case
) -> None:
    photo = photo_with(qr_png(DIGITAL_QR))
    read = page.post(
        f"/cases/{injury.id}/invoices/read",
        data=_form(page, injury, hospital="上海市第六人民医院", kind="pharmacy"),
        files={"scan": ("发票.jpg", photo, "image/jpeg")},
    )
    assert read.status_code == 200, read.text
    html = read.text
    assert "已从二维码读出" in html
    assert _value(html, "number") == "26312000000012345678"
    assert _value(html, "issued_on") == "2026-11-21"
    assert _value(html, "amount") == "1234.57"
    assert _value(html, "hospital") == "上海市第六人民医院"  # what was typed stays
    assert re.search(r'name="amount"[^>]*class="prefilled"', html)
    assert '<option value="pharmacy" selected>' in html
    assert _invoices(session, injury) == []  # nothing of the invoice saved
    scan_id = _value(html, "scan_id")
    stored = session.get(Attachment, int(scan_id))
    assert stored is not None
    assert stored.content == photo  # the photo is kept

    recorded = page.post(
        f"/cases/{injury.id}/invoices",
        data=_form(
            page,
            injury,
            **{
                k: _value(html, k)
                for k in ("code", "number", "issued_on", "hospital", "amount", "scan_id")
            },
            kind="pharmacy",
        ),  # fmt: skip
        files={"scan": ("", b"", "application/octet-stream")},  # the file input left empty
    )
    assert recorded.status_code == 303, recorded.text
    (invoice,) = _invoices(session, injury)
    assert (invoice.number, str(invoice.amount), invoice.scan_id) == (
        "26312000000012345678",
        "1234.57",
        int(scan_id),
    )
    again = page.post(
        f"/cases/{injury.id}/invoices/read",
        data=_form(page, injury),
        files={"scan": ("again.jpg", photo, "image/jpeg")},
    )
    assert f"这张票据已登记在案件 #{injury.id}" in again.text  # said before the person types on


def test_a_photo_without_a_readable_code_is_kept_and_says_so(
    page: TestClient, session: Session, injury: Case
) -> None:
    read = page.post(
        f"/cases/{injury.id}/invoices/read",
        data=_form(page, injury, number="123"),
        files={"scan": ("scan.png", plain_png(), "image/png")},
    )
    assert read.status_code == 200
    assert "二维码未能识别" in read.text
    assert "没有找到可读的二维码" in read.text
    assert _value(read.text, "number") == "123"
    assert _value(read.text, "scan_id")
    assert not re.search(r'class="prefilled"', read.text)


def test_reading_without_a_photo_or_with_a_bad_file_changes_nothing(
    page: TestClient, session: Session, injury: Case
) -> None:
    empty = page.post(
        f"/cases/{injury.id}/invoices/read",
        data=_form(page, injury),
        files={"scan": ("", b"", "application/octet-stream")},
    )
    assert empty.status_code == 422
    assert "请先选择票据的照片或扫描件" in empty.text
    bad = page.post(
        f"/cases/{injury.id}/invoices/read",
        data=_form(page, injury),
        files={"scan": ("x.png", b"GIF89a....", "image/png")},
    )
    assert bad.status_code == 422
    assert "不是 PDF、JPG 或 PNG" in bad.text
    assert _scans(session, injury) == []


def test_a_refused_invoice_keeps_what_was_typed_and_stores_no_photo(
    page: TestClient, session: Session, world: World, anna: User, injury: Case
) -> None:
    first = page.post(
        f"/cases/{injury.id}/invoices",
        data=_form(page, injury, **RECEIPT),
        files={"scan": ("票.png", plain_png(), "image/png")},
    )
    assert first.status_code == 303, first.text
    (invoice,) = _invoices(session, injury)
    assert invoice.scan_id is not None
    count = session.scalar(select(func.count()).select_from(Attachment))

    duplicate = page.post(
        f"/cases/{injury.id}/invoices",
        data=_form(page, injury, **{**RECEIPT, "number": "００１２３４５６７８", "amount": "9.99"}),
        files={"scan": ("again.png", plain_png(), "image/png")},
    )
    assert duplicate.status_code == 409
    assert f"已登记在案件 #{injury.id}" in duplicate.text
    assert _value(duplicate.text, "amount") == "9.99"  # the form as typed
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Attachment)) == count

    other = open_injury(session, world, anna, "2026-11-21T10:00", details=True)
    borrowed = page.post(
        f"/cases/{other.id}/invoices",
        data=_form(page, other, **{**RECEIPT, "number": "999", "scan_id": str(invoice.scan_id)}),
    )
    assert borrowed.status_code == 422  # a scan of another case
    assert "扫描件不存在" in borrowed.text
    taken = page.post(
        f"/cases/{injury.id}/invoices",
        data=_form(page, injury, **{**RECEIPT, "number": "999", "scan_id": str(invoice.scan_id)}),
    )
    assert taken.status_code == 409  # already another invoice's
    assert "已属于票据 0012345678" in taken.text


def test_a_scan_uploaded_from_the_invoices_row(
    page: TestClient, session: Session, injury: Case
) -> None:
    page.post(f"/cases/{injury.id}/invoices", data=_form(page, injury, **RECEIPT))
    (invoice,) = _invoices(session, injury)
    answer = page.post(
        f"/invoices/{invoice.id}/scan",
        data=_form(page, injury),
        files={"scan": ("scan.pdf", b"not a pdf", "application/pdf")},
    )
    assert answer.status_code == 422
    answer = page.post(
        f"/invoices/{invoice.id}/scan",
        data=_form(page, injury),
        files={"scan": ("scan.png", plain_png(), "image/png")},
    )
    assert answer.status_code == 303
    assert _invoices(session, injury)[0].scan_id is not None
