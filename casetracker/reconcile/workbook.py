"""A reconciliation as a workbook the specialist keeps working in (xlsxwriter): a summary
sheet, then one sheet per class with a frozen header and filters; ID numbers and every text
written as text, amounts as numbers to the cent, and any text that a spreadsheet would take
for a formula (=, +, -, @ first) written behind an apostrophe so that it never runs, here or
in a CSV saved from it."""

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import xlsxwriter

from casetracker.core.i18n import N_
from casetracker.reconcile.classes import CLASSES, Item, Reconciliation

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_COLUMNS: list[tuple[str, Callable[[Item], object]]] = [
    (N_("身份证号码"), lambda i: i.id_number),
    (N_("姓名"), lambda i: i.name),
    (N_("名册姓名"), lambda i: i.roster.name if i.roster else None),
    (N_("账单姓名"), lambda i: i.bills[0].name if i.bills else None),
    (N_("派遣单位"), lambda i: i.roster.client if i.roster else None),
    (N_("入职日期"), lambda i: i.roster.hire_on if i.roster else None),
    (N_("离职日期"), lambda i: i.roster.leave_on if i.roster else None),
    (N_("名册缴费基数"), lambda i: i.roster.base if i.roster else None),
    (N_("账单缴费基数"), lambda i: i.bills[0].base if i.bills else None),
    (N_("费款所属期"), lambda i: i.bills[0].period if i.bills else None),
    (N_("缴费类型"), lambda i: i.bills[0].pay_type if i.bills else None),
    (N_("账单合计"), lambda i: i.bills[0].total if i.bills else None),
    (N_("账单行数"), lambda i: len(i.bills) or None),
    (N_("名册行"), lambda i: f"{i.roster.sheet}!{i.roster.row}" if i.roster else None),
    (N_("账单行"), lambda i: ", ".join(f"{b.sheet}!{b.row}" for b in i.bills) or None),
]


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as written and never evaluates."""
    return "'" + value if value.startswith(_FORMULA_START) else value


class _Writer:
    def __init__(self, book: Any, translate: Callable[[str], str]) -> None:
        self.book = book
        self.translate = translate
        self.header = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
        self.money = book.add_format({"num_format": "#,##0.00"})
        self.day = book.add_format({"num_format": "yyyy-mm-dd"})
        self.text = book.add_format({"num_format": "@"})

    def cell(self, sheet: Any, row: int, column: int, value: object) -> None:
        if value is None:
            return
        if isinstance(value, Decimal):
            sheet.write_number(row, column, value, self.money)
        elif isinstance(value, int):
            sheet.write_number(row, column, value)
        elif isinstance(value, date):
            sheet.write_datetime(row, column, value, self.day)
        else:
            sheet.write_string(row, column, safe_text(str(value)), self.text)

    def table(self, title: str, headers: list[str], rows: list[list[object]]) -> None:
        sheet = self.book.add_worksheet(safe_text(title)[:31])
        for column, header in enumerate(headers):
            sheet.write_string(0, column, self.translate(header), self.header)
            sheet.set_column(column, column, 14 if column else 22)
        for number, values in enumerate(rows, start=1):
            for column, value in enumerate(values):
                self.cell(sheet, number, column, value)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)


Table = tuple[str, list[str], list[list[object]]]  # a sheet: title, headers, rows


def tables_workbook(tables: list[Table], translate: Callable[[str], str] = str) -> bytes:
    """Sheets of rows as .xlsx bytes, each with a frozen header and filters."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    writer = _Writer(book, translate)
    for title, headers, rows in tables:
        writer.table(title, headers, rows)
    book.close()
    return out.getvalue()


def workbook(result: Reconciliation, translate: Callable[[str], str] = str) -> bytes:
    """The reconciliation as .xlsx bytes: a summary, then a sheet per class."""
    summary = result.summary()
    tables: list[Table] = [
        (
            translate(N_("汇总")) + f" {result.month}",
            [N_("类别"), N_("代码"), N_("人数")],
            [[translate(label), key, summary[key]] for key, label in CLASSES.items()],
        )
    ]
    for key, label in CLASSES.items():
        if key == "invalid":
            tables.append(
                (
                    translate(label),
                    [N_("文件"), N_("工作表"), N_("行号"), N_("原因")],
                    [[p.file, p.sheet, p.row, p.text(translate)] for p in result.problems],
                )
            )
            continue
        items = [item for item in result.items if item.category == key]
        tables.append(
            (
                translate(label),
                [header for header, _read in _COLUMNS],
                [[read(item) for _header, read in _COLUMNS] for item in items],
            )
        )
    return tables_workbook(tables, translate)
