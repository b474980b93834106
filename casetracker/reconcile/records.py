"""A roster's or a bill's rows as records: each data row read through its sheet's layout
into a `Record`, or reported as a `Problem` (file, sheet, Excel row, why). Title, header,
total (合计 / 总计 / 小计) and footer rows, blank lines and rows with neither a name nor an
ID are not data and are neither."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from casetracker.core.i18n import N_
from casetracker.reconcile import values
from casetracker.reconcile.files import Sheet, UnreadableFile
from casetracker.reconcile.headers import (
    FIELDS,
    REQUIRED,
    Layout,
    amount_label,
    find_layout,
    is_header_label,
)
from casetracker.reconcile.values import Cell, Unreadable

_TOTALS = ("合计", "总计", "小计")
NORMAL = "正常"  # 缴费类型 of a month's regular line (补缴 back-pay and 退收 refunds are not)


@dataclass(slots=True)
class Record:
    """One readable row of a roster or a bill (a field the file lacks stays None)."""

    sheet: str
    row: int
    id_number: str
    name: str
    base: Decimal | None = None
    hire_on: date | None = None
    leave_on: date | None = None
    client: str = ""
    period: str | None = None  # "2026-11"
    pay_type: str = ""
    total: Decimal | None = None
    amounts: dict[str, Decimal] = field(default_factory=dict)  # pension_employer: …


@dataclass(frozen=True, slots=True)
class Problem:
    """An unreadable row: never matched, never repaired, never silently dropped. `reason`
    and `detail` are N_ sources (Chinese); `label` names the column, if one."""

    file: str
    sheet: str
    row: int
    reason: str
    detail: str = ""
    label: str = ""

    def text(self, translate: Callable[[str], str] = str) -> str:
        said = translate(self.reason)
        if self.detail:
            said = f"{said}（{translate(self.detail)}）"
        return f"{translate(self.label)}：{said}" if self.label else said


@dataclass(slots=True)
class Table:
    """A file's records and problems, in file order."""

    file: str
    records: list[Record]
    problems: list[Problem]


_READERS: dict[str, Callable[[Cell], object]] = {
    "base": values.amount,
    "total": values.amount,
    "hire_on": values.day,
    "leave_on": values.day,
    "period": values.period,
    "client": values.text,
    "pay_type": values.text,
}


def _is_total(cells: Sequence[Cell], layout: Layout) -> bool:
    name_column = layout.columns["name"]
    for index, cell in enumerate(cells[: name_column + 1]):
        written = values.text(cell).replace(" ", "").replace("\u3000", "")
        if written.startswith(_TOTALS):
            return True
        if written and index != name_column and not written.isdigit():
            return False  # a first cell that is neither a row number nor a total word
    return False


# How a sheet's columns are read: (field, column, reader, label) for each one present.
_Plan = list[tuple[str, int, Callable[[Cell], object], str]]


def _plan(layout: Layout, amounts: bool) -> _Plan:
    plan: _Plan = [
        (key, layout.columns[key], read, FIELDS[key])
        for key, read in _READERS.items()
        if key in layout.columns and (amounts or key != "total")
    ]
    if amounts:
        plan += [
            (key, column, values.amount, amount_label(key))
            for key, column in layout.columns.items()
            if key not in FIELDS
        ]
    return plan


def _record(
    sheet: str, number: int, cells: Sequence[Cell], ident: Cell, name: str, plan: _Plan
) -> Record:
    found = Record(sheet=sheet, row=number, id_number=values.id_number(ident), name=name)
    if not name:
        raise Unreadable(N_("姓名为空"))
    width = len(cells)
    for key, column, read, label in plan:
        try:
            value = read(cells[column] if column < width else None)
        except Unreadable as exc:
            raise _Labelled(label, exc) from None
        if key in FIELDS:
            setattr(found, key, value)
        elif value is not None:
            found.amounts[key] = value  # type: ignore[assignment]
    return found


class _Labelled(Exception):
    def __init__(self, label: str, cause: Unreadable) -> None:
        super().__init__(label, cause)
        self.label = label
        self.cause = cause


NO_HEADER = N_("找不到表头：没有一行同时写着「姓名」和「身份证号码」（或其同义列名）")


def read_table(
    sheets: list[Sheet], file: str, layout: Layout | None = None, *, amounts: bool = True
) -> Table:
    """The records of every sheet with a header; when no sheet has one, of every sheet
    through `layout` (the columns the user mapped by hand for the region's files), else the
    file cannot be read. `amounts=False` leaves the amounts (per insurance, and the line's
    total) unread: the CLI compares bases only; the app keeps every amount."""
    table = Table(file=file, records=[], problems=[])
    layouts = [(sheet, find_layout(sheet.rows)) for sheet in sheets]
    if not any(found for _sheet, found in layouts):
        if layout is None:
            raise UnreadableFile(NO_HEADER, file=file)
        layouts = [(sheet, layout) for sheet in sheets]
    for sheet, found in layouts:
        if found is None or not all(key in found.columns for key in REQUIRED):
            continue  # a summary sheet (汇总) beside the detail
        _read_sheet(table, sheet, found, _plan(found, amounts))
    return table


def _read_sheet(table: Table, sheet: Sheet, layout: Layout, plan: _Plan) -> None:
    name_column, id_column = layout.columns["name"], layout.columns["id_number"]
    rows, records = sheet.rows, table.records
    for index in range(layout.header_row, len(rows)):
        cells = rows[index]
        width = len(cells)
        name = values.name(cells[name_column]) if name_column < width else ""
        ident = cells[id_column] if id_column < width else None
        blank = ident is None or (isinstance(ident, str) and not ident.strip())
        if blank and (not name or _is_total(cells, layout)):
            continue  # blank, footer (制表人 …) or total line
        if is_header_label(name):
            continue  # the header repeated further down
        number = index + 1
        try:
            records.append(_record(sheet.name, number, cells, ident, name, plan))
        except Unreadable as exc:
            table.problems.append(
                Problem(table.file, sheet.name, number, reason=exc.reason, detail=exc.detail)
            )
        except _Labelled as exc:
            table.problems.append(
                Problem(
                    table.file,
                    sheet.name,
                    number,
                    reason=exc.cause.reason,
                    detail=exc.cause.detail,
                    label=exc.label,
                )
            )
