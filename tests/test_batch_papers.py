"""A batch's papers. The enrolment and stop list for the bureau's counter: a packet (PDF,
versioned, final once every difference is resolved) and a workbook, both printing whole ID
numbers, so every look at them is audited on the batch with the count. The monthly report
for the supervisor as a PDF (a draft until the month closes)."""

import io
from collections.abc import Iterator
from datetime import datetime

import pytest
import time_machine
from fastapi.testclient import TestClient
from pypdf import PdfReader
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import Role, User
from casetracker.core.clock import CHINA_TZ
from casetracker.packets.models import Packet
from casetracker.reconcile.models import BatchItem
from tests.conftest import LI_ID, World, log_in, make_user, page_csrf
from tests.test_monthly_batch import STRANGER, _bill, _fire, _open, _resolve_all

LIST = "declaration_list"


@pytest.fixture
def early_november() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(datetime(2026, 11, 5, 10, 0, tzinfo=CHINA_TZ), tick=False) as t:
        yield t


def _text(content: bytes) -> str:
    return "".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


def _resolve(client: TestClient, case_id: int, item_id: int, resolution: str, reason: str) -> None:
    answer = client.post(
        f"/reconcile/batches/{case_id}/items/{item_id}",
        data={
            "resolution": resolution,
            "reason": reason,
            "csrf_token": page_csrf(client, f"/cases/{case_id}"),
        },
    )
    assert answer.status_code == 303, answer.text


def _generate(client: TestClient, case_id: int) -> int:
    answer = client.post(
        f"/cases/{case_id}/packets",
        data={"type": LIST, "csrf_token": page_csrf(client, f"/cases/{case_id}")},
    )
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].split("packet=")[1].split("#")[0])


def _list_views(session: Session, case_id: int) -> list[dict[str, object]]:
    session.expire_all()
    return [
        e.after or {}
        for e in session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.action == "case.id_numbers_viewed",
                AuditEvent.subject_id == str(case_id),
            )
            .order_by(AuditEvent.id)
        )
    ]


@pytest.fixture
def batch(
    client: TestClient, world: World, anna: User, session: Session, early_november: object
) -> int:
    """November's batch for 上海市, reconciled: 王建国 to enrol, a stranger billed, 李秀英
    billed on another base, one unreadable row."""
    log_in(client, anna)
    case_id = _open(client, world, "2026-11")
    _bill(
        client,
        case_id,
        [
            [1, "李秀英", LI_ID, "9,000.00", "202611", "正常", "1440.00", "3,300.50"],
            [2, "张外人", STRANGER, "8000", "202611", "正常", "1280.00", "2900.80"],
            [3, "坏行", "3.10104E+17", "8000", "202611", "正常", "1280.00", "2900.80"],
        ],
    )
    return case_id


def _items(session: Session, case_id: int) -> dict[str, int]:
    session.expire_all()
    return {
        i.category: i.id
        for i in session.scalars(select(BatchItem).where(BatchItem.case_id == case_id))
    }


def test_the_list_is_a_draft_until_every_difference_is_resolved(
    client: TestClient, session: Session, batch: int
) -> None:
    page = client.get(f"/cases/{batch}").text
    assert f'data-packet="{LIST}"' in page
    assert "增减员申报表" in page
    assert "处理完全部差异" in page  # what the draft still lacks
    packet_id = _generate(client, batch)
    packet = session.get(Packet, packet_id)
    assert packet is not None
    assert not packet.final
    assert packet.listed_ids == 0  # nothing resolved yet: nobody on it
    text = _text(client.get(f"/cases/{batch}/packets/{packet_id}.pdf").content)
    assert "草稿" in text
    assert "（无）" in text
    assert _list_views(session, batch) == []  # no whole number shown, nothing to audit


def test_the_resolution_form_proposes_the_usual_outcome_of_each_difference(
    client: TestClient, batch: int
) -> None:
    page = client.get(f"/cases/{batch}").text
    proposed = {
        row.split('"', 1)[0]: row.split(" selected>", 1)[0].rsplit('value="', 1)[1].rstrip('"')
        for row in page.split('data-category="')[1:]
        if " selected>" in row.split("</tr>", 1)[0]
    }
    assert proposed == {
        "to_enroll": "enrolled",
        "not_in_roster": "stopped",
        "base_mismatch": "base_corrected",
        "invalid": "ignored",
    }


def test_the_resolved_people_are_listed_whole_and_every_look_is_audited(
    client: TestClient, session: Session, world: World, batch: int
) -> None:
    items = _items(session, batch)
    _resolve(client, batch, items["to_enroll"], "enrolled", "")
    _resolve(client, batch, items["not_in_roster"], "stopped", "非本单位人员")
    _resolve(client, batch, items["base_mismatch"], "base_corrected", "")
    _resolve(client, batch, items["invalid"], "ignored", "账单行无效，已请社保局重出")
    assert "处理完全部差异" not in client.get(f"/cases/{batch}").text

    packet_id = _generate(client, batch)
    packet = session.get(Packet, packet_id)
    assert packet is not None
    assert packet.final
    assert packet.listed_ids == 3
    text = _text(client.get(f"/cases/{batch}/packets/{packet_id}.pdf").content)
    assert "参保人员增减员申报表" in text
    assert "草稿" not in text
    # 增员: the roster's base and hire date; 减员: the bill's base; 基数调整: old and new
    assert f"王建国{world.wang.id_number}男" in text
    assert "2025年6月1日12000.00" in text
    assert f"张外人{STRANGER}" in text
    assert "名册中没有：非本单位人员" in text
    assert f"李秀英{LI_ID}" in text
    assert "9000.008500.00" in text
    viewed = {"via": "packet_pdf", "count": 3, "packet_id": packet_id}
    assert _list_views(session, batch) == [viewed]

    client.get(f"/cases/{batch}/packets/{LIST}/preview")
    assert _list_views(session, batch)[-1] == {"via": "packet_preview", "count": 3, "type": LIST}

    # the same lists give back the stored version; a changed one, a new version
    assert _generate(client, batch) == packet_id
    _resolve(client, batch, items["not_in_roster"], "ignored", "已核实为他司人员，由他司减员")
    newer = _generate(client, batch)
    assert newer != packet_id
    session.expire_all()
    again = session.get(Packet, newer)
    assert again is not None
    assert (again.version, again.listed_ids) == (2, 2)


def test_the_list_as_a_workbook_with_whole_ids_as_text(
    client: TestClient, session: Session, world: World, batch: int
) -> None:
    items = _items(session, batch)
    _resolve(client, batch, items["to_enroll"], "enrolled", "")
    _resolve(client, batch, items["not_in_roster"], "stopped", "=cmd|' /C calc'!A0")
    answer = client.get(f"/reconcile/batches/{batch}/declaration.xlsx")
    assert answer.status_code == 200
    assert "filename*=UTF-8''" in answer.headers["content-disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(answer.content))
    assert book.sheet_names == ["增员 2026-11", "减员 2026-11", "基数调整 2026-11"]
    enrol = book.get_sheet_by_name("增员 2026-11").to_python()
    assert enrol[0][:4] == ["序号", "姓名", "公民身份号码", "性别"]
    assert enrol[1][1:4] == ["王建国", world.wang.id_number, "男"]
    assert enrol[1][6] == 12000.0
    stop = book.get_sheet_by_name("减员 2026-11").to_python()
    assert stop[1][2] == STRANGER
    assert stop[1][8] == "名册中没有：=cmd|' /C calc'!A0"  # inside text, never first
    assert book.get_sheet_by_name("基数调整 2026-11").to_python()[1:] == []
    assert _list_views(session, batch) == [{"via": "declaration_xlsx", "count": 2}]


def test_the_differences_workbook_is_audited_too(
    client: TestClient, session: Session, batch: int
) -> None:
    assert client.get(f"/reconcile/batches/{batch}/items.xlsx").status_code == 200
    assert _list_views(session, batch) == [{"via": "items_xlsx", "count": 3}]


def test_the_monthly_report_as_a_pdf_final_once_the_month_closes(
    client: TestClient, session: Session, batch: int
) -> None:
    page = client.get(f"/reconcile/batches/{batch}/report").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post(f"/reconcile/batches/{batch}/report.pdf", data={"csrf_token": csrf})
    assert answer.status_code == 303
    draft = client.get(answer.headers["location"])
    assert draft.headers["content-type"] == "application/pdf"
    text = _text(draft.content)
    assert "社会保险月度对账报告" in text
    assert "草稿" in text
    assert "账单合计6,201.30银行扣款—扣款差额—" in text
    assert "应增员11名册中没有11基数不符11" in text  # class, people, still open
    again = client.post(f"/reconcile/batches/{batch}/report.pdf", data={"csrf_token": csrf})
    assert again.headers["location"] == answer.headers["location"]  # same figures, same file

    _resolve_all(client, session, batch, "enrolled")
    assert _fire(client, session, batch, "declare", declared_on="2026-11-05").status_code == 303
    assert _fire(
        client, session, batch, "confirm_deduction", deducted_on="2026-11-05",
        deducted_amount="6,000.00",
    ).status_code == 303  # fmt: skip
    assert _fire(client, session, batch, "close").status_code == 303
    final = client.post(f"/reconcile/batches/{batch}/report.pdf", data={"csrf_token": csrf})
    assert final.headers["location"] != answer.headers["location"]
    text = _text(client.get(final.headers["location"]).content)
    assert "草稿" not in text
    assert "银行扣款6,000.00扣款差额-201.30" in text
    assert "应增员10名册中没有10基数不符10" in text
    assert _list_views(session, batch) == []  # no ID number in it


def test_only_who_may_act_on_the_batch_makes_its_report_pdf(
    client: TestClient, session: Session, batch: int
) -> None:
    client.cookies.clear()  # another specialist: may read the report, not file it
    log_in(client, make_user(session, "bruno", Role.SPECIALIST, "布鲁诺"))
    page = client.get(f"/reconcile/batches/{batch}/report")
    assert page.status_code == 200
    assert "report.pdf" not in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    refused = client.post(f"/reconcile/batches/{batch}/report.pdf", data={"csrf_token": csrf})
    assert refused.status_code == 403
