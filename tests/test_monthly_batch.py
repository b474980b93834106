"""A region's month as a case: opened on the month's first day with its cut-off clock, the
bill read as a job and stored with the reconciliation, each difference resolved, the
declaration and the deduction recorded (the difference against the bill shown), closed only
when nothing is left open; next month, last month's declarations are checked against the
new bill."""

import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from fastapi.testclient import TestClient
from httpx import Response
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases.models import Case, Clock
from casetracker.core.clock import CHINA_TZ
from casetracker.reconcile.models import BatchDetails, BatchItem, BillLine
from tests.conftest import LI_ID, World, log_in, page_csrf
from tests.reconcile_files import csv_bytes, make_id

STRANGER = make_id(601, born="19800101")
EVIL = "=cmd|' /C calc'!A0"  # a name a spreadsheet would run as a formula
TITLE = ["上海市社会保险费缴费明细（2026年11月）"]
HEADER = ["序号", "姓名", "证件号码", "申报基数", "费款所属期", "缴费类型", "养老保险单位", "合计"]


@pytest.fixture
def early_november() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(datetime(2026, 11, 5, 10, 0, tzinfo=CHINA_TZ), tick=False) as t:
        yield t


def _open(client: TestClient, world: World, month: str) -> int:
    response = client.post(
        "/reconcile/batches",
        data={
            "region_id": str(world.local.id),
            "month": month,
            "csrf_token": page_csrf(client, "/reconcile"),
        },
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _bill(client: TestClient, case_id: int, rows: list[list[object]]) -> str:
    content = csv_bytes([TITLE, HEADER, *rows, ["合计"]], "gbk")
    response = client.post(
        f"/reconcile/batches/{case_id}/bill",
        data={"csrf_token": page_csrf(client, f"/cases/{case_id}")},
        files={"file": ("账单.csv", content)},
    )
    assert response.status_code == 303, response.text
    job: str = response.headers["location"]
    applied = client.post(f"{job}/apply", data={"csrf_token": page_csrf(client, job)})
    assert applied.status_code == 303, applied.text
    return job


def _fire(client: TestClient, session: Session, case_id: int, name: str, **form: str) -> Response:
    session.expire_all()
    case = session.get(Case, case_id)
    assert case is not None
    response: Response = client.post(
        f"/cases/{case_id}/transitions/{name}",
        data={
            "version": str(case.version),
            "csrf_token": page_csrf(client, f"/cases/{case_id}"),
            **form,
        },
    )
    return response


def _items(session: Session, case_id: int) -> dict[str, list[str]]:
    session.expire_all()
    found: dict[str, list[str]] = {}
    for item in session.scalars(select(BatchItem).where(BatchItem.case_id == case_id)):
        found.setdefault(item.category, []).append(item.id_number)
    return found


def _resolve_all(client: TestClient, session: Session, case_id: int, resolution: str) -> None:
    session.expire_all()
    for item in session.scalars(select(BatchItem).where(BatchItem.case_id == case_id)):
        answer = client.post(
            f"/reconcile/batches/{case_id}/items/{item.id}",
            data={
                "resolution": resolution,
                "reason": "已向社保局核实",
                "csrf_token": page_csrf(client, f"/cases/{case_id}"),
            },
        )
        assert answer.status_code == 303, answer.text


def test_a_month_from_the_bill_to_the_close(
    client: TestClient,
    world: World,
    anna: User,
    session: Session,
    early_november: time_machine.Traveller,
) -> None:
    log_in(client, anna)
    case_id = _open(client, world, "2026-11")
    cutoff = session.scalar(select(Clock).where(Clock.case_id == case_id))
    assert cutoff is not None
    assert cutoff.kind == "declaration_cutoff"
    assert cutoff.due_at.astimezone(CHINA_TZ).date().isoformat() == "2026-11-16"  # 15th, 24:00
    assert cutoff.basis == "上海市每月 15 日申报截止（参保地设置）"
    _bill(
        client,
        case_id,
        [
            [1, "李秀英", LI_ID, "9,000.00", "202611", "正常", "1440.00", "3,300.50"],
            [2, EVIL, STRANGER, "8000", "202611", "正常", "1280.00", "2900.80"],
            [3, "坏行", "3.10104E+17", "8000", "202611", "正常", "1280.00", "2900.80"],
        ],
    )
    batch = session.get(BatchDetails, case_id)
    assert batch is not None
    assert batch.bill_total == Decimal("6201.30")
    lines = session.scalars(select(BillLine).where(BillLine.case_id == case_id)).all()
    assert {(line.id_number, line.base, line.pension_employer) for line in lines} == {
        (LI_ID, Decimal("9000.00"), Decimal("1440.00")),
        (STRANGER, Decimal("8000.00"), Decimal("1280.00")),
    }
    items = _items(session, case_id)
    assert items == {
        "base_mismatch": [LI_ID],
        "not_in_roster": [STRANGER],
        "to_enroll": [world.wang.id_number],
        "invalid": [""],
    }
    page = client.get(f"/cases/{case_id}").text
    assert "已对账" in page
    assert "待处理 4 项" in page
    exported = client.get(f"/reconcile/batches/{case_id}/items.xlsx")
    assert exported.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(exported.content))
    assert book.sheet_names[0] == "汇总 2026-11"
    strangers = book.get_sheet_by_name("名册中没有").to_python()
    assert strangers[1][:2] == [STRANGER, "'" + EVIL]  # the ID as text, the formula dead
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)
    history = client.get(f"/insured/{world.li.id}").text  # the contribution history
    assert "缴费记录" in history
    assert '<td class="num">9,000.00</td><td class="num">1,440.00</td>' in history
    assert "缴费记录" not in client.get(f"/insured/{world.wang.id}").text
    assert _fire(client, session, case_id, "declare", declared_on="2026-11-05").status_code == 303
    three_decimals = _fire(
        client, session, case_id, "confirm_deduction", deducted_on="2026-11-05",
        deducted_amount="6,201.301",
    )  # fmt: skip
    assert three_decimals.status_code == 422
    assert "应为金额" in three_decimals.text
    assert _fire(
        client, session, case_id, "confirm_deduction", deducted_on="2026-11-05",
        deducted_amount="6,000.00",
    ).status_code == 303  # fmt: skip
    page = client.get(f"/cases/{case_id}").text
    assert 'data-amount="difference">-201.30<' in page
    refused = _fire(client, session, case_id, "close")
    assert refused.status_code == 422
    assert "还有 4 项差异没有处理" in refused.text
    _resolve_all(client, session, case_id, "enrolled")
    assert _fire(client, session, case_id, "close").status_code == 303
    session.expire_all()
    case = session.get(Case, case_id)
    assert case is not None
    assert case.state == "closed"


def test_next_month_carries_a_declared_enrolment_that_is_still_not_billed(
    client: TestClient,
    world: World,
    anna: User,
    session: Session,
    early_november: time_machine.Traveller,
) -> None:
    log_in(client, anna)
    november = _open(client, world, "2026-11")
    _bill(client, november, [[1, "李秀英", LI_ID, "8500", "202611", "正常", "1360", "3000"]])
    assert _items(session, november) == {"to_enroll": [world.wang.id_number]}
    _resolve_all(client, session, november, "enrolled")  # declared: Wang is enrolled
    early_november.move_to(datetime(2026, 12, 3, 10, 0, tzinfo=CHINA_TZ))
    log_in(client, anna)  # a month on, the session has ended
    december = _open(client, world, "2026-12")
    _bill(client, december, [[1, "李秀英", LI_ID, "8500", "202612", "正常", "1360", "3000"]])
    items = _items(session, december)
    assert items["declared_not_billed"] == [world.wang.id_number]
    assert "上月（2026-11）已申报" in client.get(f"/cases/{december}").text
    report = client.get(f"/reconcile/batches/{december}/report").text  # the supervisor's
    assert '<tr data-month="2026-11"><td>2026-11</td><td class="num">1</td>' in report
    assert '<td class="num">3,000.00</td><td class="num">1</td><td class="num">0</td>' in report
    assert report.count("<rect ") == 2  # a bar a month
    workbook = client.get(f"/reconcile/batches/{december}/report.xlsx")
    assert workbook.status_code == 200
    months = CalamineWorkbook.from_filelike(io.BytesIO(workbook.content))
    assert months.get_sheet_by_name("近 12 个月").to_python()[1:] == [
        ["2026-11", 1.0, 3000.0, 1.0, 0.0],
        ["2026-12", 1.0, 3000.0, 0.0, 0.0],
    ]


def test_one_batch_per_region_and_month_and_no_batch_for_a_month_to_come(
    client: TestClient,
    world: World,
    anna: User,
    session: Session,
    early_november: time_machine.Traveller,
) -> None:
    log_in(client, anna)
    first = _open(client, world, "2026-11")
    token = page_csrf(client, "/reconcile")
    again = client.post(
        "/reconcile/batches",
        data={"region_id": str(world.local.id), "month": "2026-11", "csrf_token": token},
    )
    assert again.status_code == 409
    assert f"#{first}" in again.text
    future = client.post(
        "/reconcile/batches",
        data={"region_id": str(world.local.id), "month": "2026-12", "csrf_token": token},
    )
    assert future.status_code == 422
    nonsense = client.post(
        "/reconcile/batches",
        data={"region_id": str(world.local.id), "month": "11/2026", "csrf_token": token},
    )
    assert nonsense.status_code == 422
    assert (
        session.scalar(select(BatchDetails.case_id).where(BatchDetails.month == "2026-12")) is None
    )


def test_a_bill_with_no_header_we_know_is_read_through_columns_mapped_by_hand(
    client: TestClient,
    world: World,
    anna: User,
    session: Session,
    early_november: time_machine.Traveller,
) -> None:
    """The page offers the file's first rows to map; the mapping is kept for the region, and
    its next bill with the same columns is read without asking."""
    log_in(client, anna)
    case_id = _open(client, world, "2026-11")
    odd = csv_bytes([["人员", "号", "钱"], ["李秀英", LI_ID, "9000"]], "gbk")
    token = page_csrf(client, f"/cases/{case_id}")
    job = client.post(
        f"/reconcile/batches/{case_id}/bill",
        data={"csrf_token": token},
        files={"file": ("odd.csv", odd)},
    ).headers["location"]
    page = client.get(job).text
    assert "找不到表头" in page
    assert "指定列" in page
    assert "<td>人员</td><td>号</td><td>钱</td>" in page
    missing = client.post(
        f"{job}/columns",
        data={"header_row": "1", "name": "A", "csrf_token": page_csrf(client, job)},
    )
    assert missing.status_code == 422  # the ID number's column is required
    mapped = client.post(
        f"{job}/columns",
        data={
            "header_row": "1",
            "name": "A",
            "id_number": "B",
            "base": "C",
            "csrf_token": page_csrf(client, job),
        },
    )
    assert mapped.status_code == 303
    assert 'data-count="lines">1<' in client.get(job).text
    again = client.post(
        f"/reconcile/batches/{case_id}/bill",
        data={"csrf_token": page_csrf(client, f"/cases/{case_id}")},
        files={"file": ("odd-again.csv", odd)},
    ).headers["location"]
    assert 'data-count="lines">1<' in client.get(again).text  # the region's mapping
    applied = client.post(f"{again}/apply", data={"csrf_token": page_csrf(client, again)})
    assert applied.status_code == 303
    assert _items(session, case_id)["base_mismatch"] == [LI_ID]


@pytest.mark.parametrize(
    ("content", "filename", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "scan.png", "不是表格文件"),
        (b"", "empty.csv", "文件是空的"),
        (b"PK\x03\x04 not really a workbook", "bill.xlsx", "无法读取"),
    ],
)
def test_a_bill_that_cannot_be_read_says_why_and_imports_nothing(
    client: TestClient,
    world: World,
    anna: User,
    session: Session,
    early_november: time_machine.Traveller,
    content: bytes,
    filename: str,
    reason: str,
) -> None:
    log_in(client, anna)
    case_id = _open(client, world, "2026-11")
    uploaded = client.post(
        f"/reconcile/batches/{case_id}/bill",
        data={"csrf_token": page_csrf(client, f"/cases/{case_id}")},
        files={"file": (filename, content)},
    )
    assert uploaded.status_code == 303
    job = uploaded.headers["location"]
    page = client.get(job).text
    assert reason in page
    refused = client.post(f"{job}/apply", data={"csrf_token": page_csrf(client, job)})
    assert refused.status_code in (409, 422)
    session.expire_all()
    case = session.get(Case, case_id)
    assert case is not None
    assert case.state == "draft"
    assert session.scalar(select(BillLine.id).where(BillLine.case_id == case_id)) is None
    assert session.scalar(select(BatchItem.id).where(BatchItem.case_id == case_id)) is None


def test_a_bill_of_200_mb_is_refused_before_it_is_read(
    client: TestClient, world: World, anna: User, early_november: time_machine.Traveller
) -> None:
    log_in(client, anna)
    case_id = _open(client, world, "2026-11")
    huge = client.post(
        f"/reconcile/batches/{case_id}/bill",
        data={"csrf_token": page_csrf(client, f"/cases/{case_id}")},
        files={"file": ("账单.xlsx", b"PK\x03\x04" + b"\x00" * (200 * 1024 * 1024))},
    )
    assert huge.status_code == 413
    assert "50 MB" in huge.text
    assert "待导入账单" in client.get(f"/cases/{case_id}").text
