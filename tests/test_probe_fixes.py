"""The wrong answers probing found, each as the request that used to get it: whole-ID views
without an audit row, a decompression bomb that broke packets for good, work accepted on
final cases, impossible hire dates over the API, and a second case for the same accident."""

import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import User
from casetracker.cases.models import Case, Clock
from casetracker.materials.documents import MAX_IMAGE_PIXELS
from casetracker.materials.models import Attachment
from casetracker.packets import service as packet_service
from tests.conftest import (
    LI_ID,
    NOW,
    World,
    bearer,
    fire,
    log_in,
    open_injury,
    page_csrf,
    store_as_uploaded_before_checks,
    tiny_pdf,
)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def png(width: int, height: int) -> bytes:
    """A real, valid 1-bit greyscale PNG of any size: all-zero rows compress to almost
    nothing, so a few hundred kilobytes can claim hundreds of millions of pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _viewed(session: Session) -> list[dict[str, Any]]:
    session.expire_all()
    rows = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "insured.id_number_viewed")
        .order_by(AuditEvent.id)
    )
    return [row.after or {} for row in rows]


# --- whole ID numbers -----------------------------------------------------------------------


def test_packet_previews_and_downloads_are_audited_as_whole_id_views(
    client: TestClient, session: Session, world: World, anna: User
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    packet, _created = packet_service.generate(
        session=session,
        case=case,
        packet_type="accident_report",
        actor=anna,
        settings=client.app.state.settings,  # type: ignore[attr-defined]
        now=NOW,
    )
    session.commit()
    log_in(client, anna)
    preview = client.get(f"/cases/{case.id}/packets/accident_report/preview")
    assert preview.status_code == 200
    assert LI_ID in preview.text
    assert client.get(f"/cases/{case.id}/packets/{packet.id}.pdf").status_code == 200
    api = client.get(
        f"/api/v1/cases/{case.id}/packets/{packet.id}/pdf", headers=bearer(session, anna)
    )
    assert api.status_code == 200
    views = _viewed(session)
    assert [v["via"] for v in views] == ["packet_preview", "packet_pdf", "api_packet_pdf"]
    assert all(v["case_id"] == case.id for v in views)


def test_downloading_an_upload_is_audited_and_kept_from_other_specialists(
    client: TestClient, session: Session, world: World, anna: User
) -> None:
    from casetracker.auth.models import Role
    from tests.conftest import make_user

    case = open_injury(session, world, anna, "2026-11-20T22:30")
    uploaded = client.post(
        f"/api/v1/cases/{case.id}/attachments",
        headers=bearer(session, anna),
        data={"item": "id_card"},
        files={"file": ("身份证.pdf", tiny_pdf(), "application/pdf")},
    )
    assert uploaded.status_code == 201
    url = f"/cases/{case.id}/attachments/{uploaded.json()['id']}"
    log_in(client, make_user(session, "bob", Role.SPECIALIST, "鲍勃"))
    assert client.get(url).status_code == 403
    assert f'href="{url}"' not in client.get(f"/cases/{case.id}").text
    client.cookies.clear()
    log_in(client, anna)
    assert client.get(url).status_code == 200
    assert [v["via"] for v in _viewed(session)] == ["attachment"]


# --- images ---------------------------------------------------------------------------------


def test_a_decompression_bomb_is_refused_at_upload(
    client: TestClient, session: Session, world: World, anna: User
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    bomb = png(20000, 20000)
    assert len(bomb) < 1_000_000
    response = client.post(
        f"/api/v1/cases/{case.id}/attachments",
        headers=bearer(session, anna),
        data={"item": "id_card"},
        files={"file": ("身份证.png", bomb, "image/png")},
    )
    assert response.status_code == 422
    assert "像素过多" in response.json()["detail"]
    just_over = png(9000, (MAX_IMAGE_PIXELS // 9000) + 1)
    response = client.post(
        f"/api/v1/cases/{case.id}/attachments",
        headers=bearer(session, anna),
        data={"item": "id_card"},
        files={"file": ("身份证.png", just_over, "image/png")},
    )
    assert response.status_code == 422
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_bomb_stored_before_the_check_becomes_a_placeholder_page(
    client: TestClient, session: Session, world: World, anna: User
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    store_as_uploaded_before_checks(
        session, case, anna, item="id_card", filename="身份证.png", content=png(20000, 20000)
    )
    headers = bearer(session, anna)
    for _attempt in range(2):  # it used to fail on every retry
        response = client.post(
            f"/api/v1/cases/{case.id}/packets",
            headers=headers,
            json={"type": "recognition_application"},
        )
        assert response.status_code in (200, 201), response.text
    log_in(client, anna)
    assert client.get(f"/cases/{case.id}/packets/recognition_application/preview").is_success


def test_a_truncated_or_encrypted_pdf_is_refused_at_upload(
    client: TestClient, session: Session, world: World, anna: User
) -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    case = open_injury(session, world, anna, "2026-11-20T22:30")
    whole = tiny_pdf()
    locked = PdfWriter(clone_from=PdfReader(io.BytesIO(whole)))
    locked.encrypt("secret")
    buffer = io.BytesIO()
    locked.write(buffer)
    headers = bearer(session, anna)
    for content, reason in (
        (whole[: len(whole) // 2], "PDF 无法读取"),
        (buffer.getvalue(), "PDF 已加密"),
    ):
        response = client.post(
            f"/api/v1/cases/{case.id}/attachments",
            headers=headers,
            data={"item": "id_card"},
            files={"file": ("身份证.pdf", content, "application/pdf")},
        )
        assert response.status_code == 422, response.text
        assert reason in response.json()["detail"]
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0


# --- final cases ----------------------------------------------------------------------------


def test_a_withdrawn_case_takes_no_uploads_follow_ups_or_reassignment(
    client: TestClient, session: Session, world: World, anna: User, sam: User
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T22:30")
    fire(session, case, "withdraw", anna, reason="重复登记")
    clocks_before = session.scalar(select(func.count()).select_from(Clock))
    headers = bearer(session, anna)
    upload = client.post(
        f"/api/v1/cases/{case.id}/attachments",
        headers=headers,
        data={"item": "id_card"},
        files={"file": ("a.pdf", tiny_pdf(), "application/pdf")},
    )
    assert upload.status_code == 422
    assert "已结束" in upload.json()["detail"]
    follow_up = client.post(
        f"/api/v1/cases/{case.id}/contacts",
        headers=headers,
        json={
            "party": "employee",
            "channel": "phone",
            "note": "回访",
            "follow_up_on": "2026-11-30",
        },
    )
    assert follow_up.status_code == 422
    assert "已结束" in follow_up.json()["detail"]
    note_only = client.post(
        f"/api/v1/cases/{case.id}/contacts",
        headers=headers,
        json={"party": "employee", "channel": "phone", "note": "员工来电询问，已告知撤回原因"},
    )
    assert note_only.status_code == 201  # a record of a call is history, not new work
    log_in(client, sam)
    from casetracker.auth.models import Role
    from tests.conftest import make_user

    make_user(session, "bob", Role.SPECIALIST, "鲍勃")
    csrf = page_csrf(client, f"/cases/{case.id}")
    moved = client.post(
        f"/cases/{case.id}/owner", data={"owner": "bob", "reason": "休假", "csrf_token": csrf}
    )
    assert moved.status_code == 422
    assert "已结束" in moved.text
    session.expire_all()
    assert session.get(Case, case.id).owner_id == anna.id  # type: ignore[union-attr]
    assert session.scalar(select(func.count()).select_from(Clock)) == clocks_before
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0


# --- intake ---------------------------------------------------------------------------------


def _intake(world: World, **employee: Any) -> dict[str, Any]:
    return {
        "client_id": world.client.id,
        "employee": {"name": "赵小军", "id_number": "110105201501010017", **employee},
        "accident_at": "2026-11-20T22:30:00+08:00",
        "place": "二号车间",
        "description": "搬运货物时扭伤腰部",
    }


@pytest.mark.parametrize(
    ("hire_on", "message"),
    [
        ("9999-12-31", "之间"),
        ("0001-01-01", "之间"),
        ("2027-12-31", "不能晚于今天"),
        ("2026-01-05", "未满 16 周岁"),  # born 2015: an 11-year-old
    ],
)
def test_api_intake_refuses_the_hire_dates_the_page_refuses(
    client: TestClient, session: Session, world: World, anna: User, hire_on: str, message: str
) -> None:
    response = client.post(
        "/api/v1/injury-cases",
        headers=bearer(session, anna),
        json=_intake(world, hire_on=hire_on),
    )
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_the_same_accident_recorded_twice_answers_with_the_first_case(
    client: TestClient, session: Session, world: World, anna: User
) -> None:
    headers = bearer(session, anna)
    body = _intake(world)
    body["employee"]["id_number"] = LI_ID
    body["employee"]["name"] = "李秀英"
    first = client.post("/api/v1/injury-cases", headers=headers, json=body)
    again = client.post("/api/v1/injury-cases", headers=headers, json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    later = client.post(
        "/api/v1/injury-cases",
        headers=headers,
        json={**body, "accident_at": "2026-11-21T08:00:00+08:00"},
    )
    assert later.status_code == 201  # another accident of the same person is a new case
    assert session.scalar(select(func.count()).select_from(Case)) == 2
