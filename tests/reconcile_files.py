"""Roster and bill files of every shape the trade sends, made in the tests: .xlsx (with
xlsxwriter: merged titles, two-row headers, date cells, several sheets) and .csv in UTF-8,
UTF-8 with a BOM, GBK and GB18030; and a month with one planted difference of each class
among traps that are not differences."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import xlsxwriter

from casetracker.core.identifiers import ric_check_char

Row = list[Any]


def make_id(serial: int, born: str = "19900101", area: str = "310104") -> str:
    """A valid resident ID number (a different one for each serial under 1,000)."""
    first17 = f"{area}{born}{serial % 1000:03d}"
    return first17 + ric_check_char(first17)


def csv_bytes(rows: list[Row], encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue().encode(encoding)


@dataclass
class SheetSpec:
    name: str
    rows: list[Row]
    merges: list[tuple[int, int, int, int, str]] = field(default_factory=list)  # r1 c1 r2 c2


def xlsx_bytes(*sheets: SheetSpec) -> bytes:
    """A workbook; dates become date cells, numbers number cells, text text cells."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for spec in sheets:
        sheet = book.add_worksheet(spec.name)
        for r, row in enumerate(spec.rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, day)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
        for r1, c1, r2, c2, text in spec.merges:
            sheet.merge_range(r1, c1, r2, c2, text)
    book.close()
    return out.getvalue()


ROSTER_HEADER = ["姓名", "身份证号", "派遣单位", "入职日期", "离职日期", "缴费基数"]
BILL_TITLE = ["上海市社会保险费征缴计划明细（2026年11月）"]
BILL_INFO = ["单位编号：0012345,单位名称：申江人力资源服务有限公司,所属期：202611"]
BILL_HEADER = ["序号", "姓名", "证件号码", "申报基数", "费款所属期", "缴费类型", "合计"]


@dataclass
class Month:
    """A planted month: the roster's and the bill's rows and what a correct reconciliation
    of 2026-11 reports (per class, the ID numbers)."""

    roster: list[Row]
    bill: list[Row]
    expected: dict[str, list[str]]


def planted_month() -> Month:
    """One difference of each class, and the traps that are none: hired after the month,
    left inside it (still billed), left long ago and not billed, a 补缴 line beside a
    normal one (not billed twice), a name written with a full-width space."""
    ids = {
        key: make_id(n)
        for n, key in enumerate(
            [
                "steady",
                "enroll",
                "stop",
                "stranger",
                "base",
                "name",
                "twice",
                "backpay",
                "hired_after",
                "left_inside",
                "left_long_ago",
                "spaced",
                "refund_only",
            ]
        )
    }
    roster: list[Row] = [
        ["王芳", ids["steady"], "甲公司", date(2024, 3, 1), None, "8,000.00"],
        ["李强", ids["enroll"], "甲公司", date(2026, 11, 10), None, 9500],
        ["赵敏", ids["stop"], "乙公司", date(2023, 1, 5), date(2026, 10, 20), 12000],
        ["周杰", ids["base"], "乙公司", date(2022, 6, 1), None, "10000"],
        ["吴磊", ids["name"], "甲公司", date(2021, 2, 1), None, 8000],
        ["郑爽", ids["twice"], "甲公司", date(2021, 2, 1), None, 8000],
        ["钱多", ids["backpay"], "甲公司", date(2021, 2, 1), None, 8000],
        ["孙新", ids["hired_after"], "甲公司", date(2026, 12, 1), None, 8000],
        ["冯离", ids["left_inside"], "甲公司", date(2020, 1, 1), date(2026, 11, 15), 8000],
        ["陈旧", ids["left_long_ago"], "甲公司", date(2019, 1, 1), date(2024, 5, 31), 8000],
        ["欧阳　娜娜", ids["spaced"], "甲公司", date(2019, 1, 1), None, 8000],
        ["褚退", ids["refund_only"], "甲公司", date(2019, 1, 1), None, 8000],
    ]
    bill: list[Row] = [
        [1, "王芳", ids["steady"], "8,000.00", "202611", "正常", "2,900.80"],
        [2, "赵敏", ids["stop"], "12000", "202611", "正常", "4351.20"],
        [3, "陌生", ids["stranger"], "8000", "202611", "正常", "2900.80"],
        [4, "周杰", ids["base"], "11000", "202611", "正常", "3988.60"],
        [5, "吴蕾", ids["name"], "8000", "202611", "正常", "2900.80"],
        [6, "郑爽", ids["twice"], "8000", "202611", "正常", "2900.80"],
        [7, "郑爽", ids["twice"], "8000", "202611", "正常", "2900.80"],
        [8, "钱多", ids["backpay"], "8000", "202611", "正常", "2900.80"],
        [9, "钱多", ids["backpay"], "8000", "202609", "补缴", "2900.80"],
        [10, "冯离", ids["left_inside"], "8000", "202611", "正常", "2900.80"],
        [11, "欧阳 娜娜 ", ids["spaced"], "8000", "202611", "正常", "2900.80"],
        [12, "褚退", ids["refund_only"], "8000", "202611", "退收", "-2900.80"],
    ]
    expected = {
        "to_enroll": [ids["enroll"], ids["refund_only"]],
        "to_stop": [ids["stop"]],
        "not_in_roster": [ids["stranger"]],
        "base_mismatch": [ids["base"]],
        "name_mismatch": [ids["name"]],
        "duplicate": [ids["twice"]],
        "other_period": [ids["backpay"], ids["refund_only"]],
    }
    return Month(roster=roster, bill=bill, expected=expected)


def bill_rows(month: Month, *, footer: bool = True) -> list[Row]:
    """The bill as a bureau writes it: title, info line, header on row 3, 合计, footer."""
    rows: list[Row] = [BILL_TITLE, BILL_INFO, BILL_HEADER, *month.bill]
    if footer:
        rows += [[len(month.bill), "合计", None, None, None, None, "40,000.00"]]
        rows += [["制表人：魏敏"], ["打印日期：2026-11-05"]]
    return rows
