"""The reader, tested by shape: every way a roster or a bill is really written reads to the
same records, with each row's sheet and the row number Excel shows; what is not data is
skipped and what cannot be read is reported, never guessed."""

from datetime import date
from decimal import Decimal

import pytest

from casetracker.reconcile.classes import Month, reconcile
from casetracker.reconcile.files import UnreadableFile, read_sheets
from casetracker.reconcile.records import Table, read_table
from tests.reconcile_files import (
    BILL_HEADER,
    BILL_INFO,
    BILL_TITLE,
    ROSTER_HEADER,
    Row,
    SheetSpec,
    bill_rows,
    csv_bytes,
    make_id,
    planted_month,
    xlsx_bytes,
)

NOVEMBER = Month(2026, 11)


def _read(content: bytes, filename: str) -> Table:
    return read_table(read_sheets(content, filename), filename)


def _by_class(roster: Table, bill: Table) -> dict[str, list[str]]:
    result = reconcile(
        month=NOVEMBER,
        roster=roster.records,
        bill=bill.records,
        problems=roster.problems + bill.problems,
    )
    found: dict[str, list[str]] = {}
    for item in result.items:
        found.setdefault(item.category, [])
        if item.id_number not in found[item.category]:
            found[item.category].append(item.id_number)
    return found


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_each_planted_difference_is_found_in_its_class_and_nothing_else(encoding: str) -> None:
    month = planted_month()
    roster = _read(xlsx_bytes(SheetSpec("名册", [ROSTER_HEADER, *month.roster])), "名册.xlsx")
    bill = _read(csv_bytes(bill_rows(month), encoding), "bill.csv")
    assert roster.problems == []
    assert bill.problems == []
    assert _by_class(roster, bill) == month.expected


def test_a_csv_is_utf8_when_it_decodes_so_else_gb18030() -> None:
    """A short GBK file is where guessing goes wrong; a name outside GBK needs GB18030."""
    rows = [ROSTER_HEADER, ["阿依古丽·买买提", make_id(1), "甲", "2024-01-02", "", "8000"]]
    rows.append(["𠀾明", make_id(2), "甲", "2024-01-02", "", "8000"])
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        table = _read(csv_bytes(rows, encoding), "roster.csv")
        assert [r.name for r in table.records] == ["阿依古丽·买买提", "𠀾明"], encoding
    short = _read(csv_bytes([ROSTER_HEADER, ["张三", make_id(3)]], "gbk"), "r.csv")
    assert [r.name for r in short.records] == ["张三"]


def test_title_rows_a_two_row_header_and_merged_group_labels() -> None:
    top = ["序号", "姓名", "公民身份号码", "缴费基数", "养老保险", None, "医疗保险", None]
    top += ["工伤保险", "合计"]
    sub = [None, None, None, None, "单位", "个人", "单位", "个人", None, None]
    line = [1, "王芳", make_id(5), "8000", "1,280.00", 640, "720.00", "160.00", "20.80"]
    line.append("2,820.80")
    spec = SheetSpec(
        "明细",
        [BILL_TITLE, BILL_INFO, top, sub, line],
        merges=[(0, 0, 0, 9, BILL_TITLE[0]), (2, 4, 2, 5, "养老保险"), (2, 6, 2, 7, "医疗保险")],
    )
    table = _read(xlsx_bytes(spec), "bill.xlsx")
    assert table.problems == []
    [record] = table.records
    assert (record.sheet, record.row) == ("明细", 5)
    assert record.base == Decimal("8000.00")
    assert record.total == Decimal("2820.80")
    assert record.amounts == {
        "pension_employer": Decimal("1280.00"),
        "pension_employee": Decimal("640.00"),
        "medical_employer": Decimal("720.00"),
        "medical_employee": Decimal("160.00"),
        "injury_employer": Decimal("20.80"),
    }


@pytest.mark.parametrize(
    ("label", "field", "written", "read"),
    [
        ("身份证号", "id_number", make_id(7), make_id(7)),
        ("公民身份号码", "id_number", make_id(7), make_id(7)),
        ("证件号码", "id_number", make_id(7), make_id(7)),
        ("身份证号码", "id_number", make_id(7), make_id(7)),
        ("缴费基数", "base", "7,310.00", Decimal("7310.00")),
        ("申报基数", "base", "7310", Decimal("7310.00")),
        ("工资基数", "base", "7310.5", Decimal("7310.50")),
        ("入职日期", "hire_on", "2026/4/23", date(2026, 4, 23)),
        ("参保日期", "hire_on", "2026.4.23", date(2026, 4, 23)),
        ("离职日期", "leave_on", "2026年4月23日", date(2026, 4, 23)),
        ("停保日期", "leave_on", "46135", date(2026, 4, 23)),
        ("派遣单位", "client", "甲公司", "甲公司"),
        ("用工单位", "client", "甲公司", "甲公司"),
        ("单位名称", "client", "甲公司", "甲公司"),
        ("费款所属期", "period", "202611", "2026-11"),
        ("缴费类型", "pay_type", "补缴", "补缴"),
    ],
)
def test_every_header_name_the_trade_uses(
    label: str, field: str, written: str, read: object
) -> None:
    header = ["姓名", label] if field == "id_number" else ["姓名", "身份证号", label]
    row = ["王芳", written] if field == "id_number" else ["王芳", make_id(7), written]
    table = _read(csv_bytes([header, row]), "f.csv")
    assert table.problems == []
    assert getattr(table.records[0], field) == read


def test_the_detail_over_several_sheets_beside_a_summary_sheet() -> None:
    summary = SheetSpec("汇总", [["单位", "人数", "金额"], ["申江", 3, "9,000.00"]])
    first = SheetSpec(
        "明细1",
        [BILL_TITLE, BILL_HEADER, [1, "甲", make_id(11)], [2, "乙", make_id(12)], ["小计"]],
    )
    second = SheetSpec("明细2", [BILL_TITLE, BILL_HEADER, [3, "丙", make_id(13)], [None, "小计"]])
    table = _read(xlsx_bytes(summary, first, second), "bill.xlsx")
    assert table.problems == []
    assert [(r.sheet, r.row, r.name) for r in table.records] == [
        ("明细1", 3, "甲"),
        ("明细1", 4, "乙"),
        ("明细2", 3, "丙"),
    ]


def test_dates_as_date_cells_serials_and_text() -> None:
    rows: list[Row] = [ROSTER_HEADER]
    forms: list[object] = [date(2026, 4, 23), 46135, "46135", "2026/4/23", "2026.4.23"]
    forms += ["2026年4月23日", "2026-04-23"]
    for n, form in enumerate(forms):
        rows.append([f"人{n}", make_id(20 + n), "甲", form, None, 8000])
    table = _read(xlsx_bytes(SheetSpec("名册", rows)), "roster.xlsx")
    assert table.problems == []
    assert {r.hire_on for r in table.records} == {date(2026, 4, 23)}


def test_ids_in_every_disguise_read_and_unreadable_ones_are_reported_with_their_row() -> None:
    ident = make_id(30, born="19881231")
    lower = ident[:-1] + ident[-1].lower()
    disguised = [f"'{ident}", f"\t{ident}", f'="{ident}"', f" {ident[:6]} {ident[6:]} ", lower]
    rows: list[Row] = [BILL_TITLE, BILL_HEADER]
    rows += [[n, "王芳", written, "8000"] for n, written in enumerate(disguised, start=1)]
    wrong = ident[:-1] + ("0" if ident[-1] != "0" else "1")
    rows += [
        [6, "李四", wrong, "8000"],
        [7, "张三", "3.10104E+17", "8000"],
        [8, "赵五", "", "8000"],
    ]
    rows += [[9, "", make_id(31), "8000"], [10, "钱六", make_id(32), "八千"]]
    table = _read(csv_bytes(rows, "gbk"), "bill.csv")
    assert [r.id_number for r in table.records] == [ident] * 5
    assert [(p.file, p.sheet, p.row) for p in table.problems] == [
        ("bill.csv", "bill", row) for row in (8, 9, 10, 11, 12)
    ]
    reasons = [p.text() for p in table.problems]
    assert "校验位不正确" in reasons[0]
    assert "科学计数法" in reasons[1]
    assert "身份证号码为空" in reasons[2]
    assert "姓名为空" in reasons[3]
    assert reasons[4].startswith("缴费基数：")


def test_an_id_excel_made_a_number_is_unreadable_not_repaired() -> None:
    rows: list[list[object]] = [["姓名", "身份证号码"], ["王芳", 310104199001010000.0]]
    table = _read(xlsx_bytes(SheetSpec("s", rows)), "r.xlsx")
    assert table.records == []
    assert [(p.row, p.text()) for p in table.problems] == [
        (2, "身份证号码被 Excel 转成了数字（科学计数法），无法还原")
    ]


def test_totals_footers_blank_lines_and_a_repeated_header_are_not_data() -> None:
    rows: list[Row] = [BILL_TITLE, BILL_HEADER, [1, "王芳", make_id(40)], [], BILL_HEADER]
    rows += [["合计", None, None, "8,000.00"], [2, "总计"], [None, None, None, None, "小计"]]
    rows += [["制表人：魏敏"], ["打印日期：2026-11-05"]]
    table = _read(csv_bytes(rows), "bill.csv")
    assert [r.name for r in table.records] == ["王芳"]
    assert table.problems == []


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"", "empty.csv", "文件是空的"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv", "不是表格文件"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "无法读取表格"),
        ("标题\n甲,乙,丙\n1,2,3\n".encode(), "odd.csv", "找不到表头"),
    ],
)
def test_a_file_that_is_no_table_says_why(content: bytes, name: str, reason: str) -> None:
    with pytest.raises(UnreadableFile) as raised:
        _read(content, name)
    assert reason in raised.value.text()
    assert raised.value.text().startswith(f"{name}：")
