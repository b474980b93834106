"""An admin's entry of a year's arrangement as typed: the year, and holiday and 调休 workday
lines like `2027-10-01~2027-10-07 国庆节`, checked with errors that name the line."""

from dataclasses import dataclass
from datetime import date, timedelta

from casetracker.core.errors import Invalid
from casetracker.core.i18n import _
from casetracker.core.validation import LATEST_YEAR, parse_int

MAX_SPAN_DAYS = 31
FIRST_YEAR = 2000  # the first year an arrangement may be entered for
MAX_SOURCE = 200  # characters of the 文件依据 kept


@dataclass(frozen=True)
class YearEntry:
    year: int
    holidays: list[tuple[date, str]]
    workdays: list[tuple[date, str]]
    source: str


def parse_days(text: str, year: int, label: str) -> list[tuple[date, str]]:
    """Lines like `2027-10-01~2027-10-07 国庆节` or `2027-02-13 春节`; errors name the line."""
    days: list[tuple[date, str]] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        when, _sep, name = line.partition(" ")
        name = name.strip()[:50]
        first_text, _tilde, last_text = when.replace("～", "~").partition("~")
        try:
            first = date.fromisoformat(first_text)
            last = date.fromisoformat(last_text) if last_text else first
        except ValueError:
            errors.append(
                _("{label}第 {n} 行：日期应写成 YYYY-MM-DD 或 YYYY-MM-DD~YYYY-MM-DD").format(
                    label=label, n=number
                )
            )
            continue
        if not name:
            errors.append(_("{label}第 {n} 行：缺少节日名称").format(label=label, n=number))
        elif (
            first.year != year
            or last.year != year
            or last < first
            or (last - first).days > MAX_SPAN_DAYS
        ):
            errors.append(
                _("{label}第 {n} 行：日期应在 {year} 年内且起止顺序正确").format(
                    label=label, n=number, year=year
                )
            )
        else:
            days += [(first + timedelta(days=i), name) for i in range((last - first).days + 1)]
    if errors:
        raise Invalid("；".join(errors))
    return days


def parse_entry(*, year: str | None, holidays: str, workdays: str, source: str) -> YearEntry:
    """The entry as typed, checked: a year in range, well-formed lines within it, at least one
    holiday, 调休 workdays on weekends only, and no day both off and on. Invalid otherwise."""
    number = parse_int(year)
    if number is None or not FIRST_YEAR <= number <= LATEST_YEAR:
        raise Invalid(_("年份应为 2000–2100 之间的整数"))
    days_off = parse_days(holidays, number, _("放假日期"))
    days_on = parse_days(workdays, number, _("调休上班日期"))
    if not days_off:
        raise Invalid(_("请至少录入一个放假日期"))
    weekday = next((d for d, _n in days_on if d.weekday() < 5), None)
    if weekday is not None:
        raise Invalid(
            _("{day} 本来就是工作日；调休上班日期应为周六或周日").format(day=weekday.isoformat())
        )
    clash = sorted({d for d, _n in days_off} & {d for d, _n in days_on})
    if clash:
        raise Invalid(_("{day} 不能既放假又上班").format(day=clash[0].isoformat()))
    return YearEntry(number, days_off, days_on, source.strip()[:MAX_SOURCE])
