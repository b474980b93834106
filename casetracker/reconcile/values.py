"""Reading one cell of a roster or a bill: ID numbers, names, amounts, dates and periods
as the files really write them. Each reader returns the value or raises `Unreadable` with
the reason in Chinese (translated where shown); nothing is ever guessed or repaired."""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from casetracker.core.i18n import N_
from casetracker.core.identifiers import InvalidIdentifier, normalise_id_number

Cell = str | int | float | bool | date | datetime | time | timedelta | None

CENT = Decimal("0.01")
# Excel's day 0 (its serial 60 is the 29 February 1900 that never was; serials of real data
# are far above it).
_EXCEL_EPOCH = date(1899, 12, 30)
_PLAIN_ID = re.compile(r"[0-9]{17}[0-9Xx]")
_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?E\+?[0-9]+")
# What files put around an ID number to keep Excel from turning it into a number: a leading
# apostrophe or tab, an ="…" wrapper, spaces anywhere.
_ID_WRAPPER = re.compile(r'^="(.*)"$')
_ID_NOISE = str.maketrans("", "", " \t\u3000'\u00a0")
_DATE_TEXT = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?")
_PERIOD_TEXT = re.compile(r"([0-9]{4})\s*[-/.年]?\s*([0-9]{1,2})\s*月?")
_SERIAL_RANGE = (20_000, 80_000)  # 1954 … 2119: a number outside it is not a date


class Unreadable(ValueError):
    """A cell that cannot be read: why (an N_ source, Chinese) and what the check said,
    if more (also an N_ source)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


def text(cell: Cell) -> str:
    """A cell as the text a person sees, trimmed ('' for empty)."""
    if type(cell) is str:
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def name(cell: Cell) -> str:
    """A name with its half- and full-width spaces trimmed (str.strip() trims both, and
    tabs and no-break spaces)."""
    return cell.strip() if type(cell) is str else text(cell)


@lru_cache(maxsize=1 << 18)
def _id_text(raw: str) -> str:
    if len(raw) == 18 and _PLAIN_ID.fullmatch(raw):  # as most files write it
        return _checked(raw)
    wrapped = _ID_WRAPPER.match(raw.strip())
    candidate = (wrapped.group(1) if wrapped else raw).translate(_ID_NOISE).upper()
    if not candidate:
        raise Unreadable(N_("身份证号码为空"))
    if _SCIENTIFIC.fullmatch(candidate):
        raise Unreadable(N_("身份证号码被 Excel 转成了数字（科学计数法），无法还原"))
    return _checked(candidate)


def _checked(candidate: str) -> str:
    try:
        return normalise_id_number(candidate)
    except InvalidIdentifier as exc:
        raise Unreadable(N_("身份证号码无效"), str(exc)) from None


def id_number(cell: Cell) -> str:
    """The 18-character ID number, upper-case, from however the file wrote it."""
    if type(cell) is str:
        return _id_text(cell)
    if isinstance(cell, float | int) and not isinstance(cell, bool):
        # A number cell: Excel has kept at most 15 significant digits of the 18.
        raise Unreadable(N_("身份证号码被 Excel 转成了数字（科学计数法），无法还原"))
    return _id_text(text(cell))


# A month's files repeat the same few bases, periods, types and dates thousands of times:
# each distinct cell is read once (typed: 1, 1.0 and True are different cells).
_memo = lru_cache(maxsize=1 << 16, typed=True)


@_memo
def amount(cell: Cell) -> Decimal | None:
    """An amount in yuan to the cent (None for an empty cell): numbers, or text such as
    "7,310.00" or "¥7310"."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise Unreadable(N_("金额无法识别"))
    # A number cell is read by its shortest decimal form (7310.1, not 7310.1000000000004).
    raw = repr(cell) if isinstance(cell, float) else str(cell)
    cleaned = raw.strip().replace(",", "").replace("，", "").lstrip("¥￥")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise Unreadable(N_("金额无法识别")) from None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        raise Unreadable(N_("金额无法识别"))
    return value.quantize(CENT)


@_memo
def day(cell: Cell) -> date | None:
    """A date (None for an empty cell): a date cell, an Excel serial number, or text such as
    2026-04-23, 2026/4/23, 2026.4.23 or 2026年4月23日."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return _serial(cell)
    written = text(cell)
    if not written:
        return None
    if written.isdigit():
        return _serial(int(written))
    found = _DATE_TEXT.fullmatch(written)
    if found is None:
        raise Unreadable(N_("日期无法识别"))
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        raise Unreadable(N_("日期无法识别")) from None


def _serial(number: float) -> date:
    if not (_SERIAL_RANGE[0] <= number < _SERIAL_RANGE[1]) or number != int(number):
        raise Unreadable(N_("日期无法识别"))
    return _EXCEL_EPOCH + timedelta(days=int(number))


@_memo
def period(cell: Cell) -> str | None:
    """A month as "2026-11" (None for an empty cell): 202611, 2026-11, 2026年11月."""
    if isinstance(cell, datetime | date):
        return f"{cell.year:04d}-{cell.month:02d}"
    written = text(cell)
    if not written:
        return None
    found = _PERIOD_TEXT.fullmatch(written)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise Unreadable(N_("费款所属期无法识别"))
    return f"{int(found.group(1)):04d}-{int(found.group(2)):02d}"
