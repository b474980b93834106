"""What kind of day a date is, and whether that answer is official."""

from dataclasses import dataclass
from datetime import date
from functools import cache

import chinese_calendar
import holidays as holidays_lib

from casetracker.core.i18n import N_

WEEKDAY_NAMES = (N_("周一"), N_("周二"), N_("周三"), N_("周四"), N_("周五"), N_("周六"), N_("周日"))
HOLIDAY_NAMES = {  # chinese-calendar's English names → the names on the State Council notice
    "New Year's Day": N_("元旦"),
    "Spring Festival": N_("春节"),
    "Tomb-sweeping Day": N_("清明节"),
    "Labour Day": N_("劳动节"),
    "Dragon Boat Festival": N_("端午节"),
    "National Day": N_("国庆节"),
    "Mid-autumn Festival": N_("中秋节"),
    "Anti-Fascist 70th Day": N_("抗战胜利70周年纪念日"),
}


@dataclass(frozen=True)
class DayInfo:
    day: date
    is_workday: bool
    reason: (
        str  # why it is (not) a working day: 周日 / 国庆节 / 调休上班（春节）; "" for plain days
    )
    official: bool  # False when the year's arrangement is unknown (provisional)


@cache
def package_years() -> frozenset[int]:
    """The years the installed chinese-calendar knows."""
    return frozenset(day.year for day in chinese_calendar.constants.holidays)


@cache
def statutory(year: int) -> dict[date, str]:
    """holidays.CN's statutory days for a year nobody has entered (no 调休 in it)."""
    return {
        d: str(name)
        for d, name in holidays_lib.country_holidays("CN", years=year, language="zh_CN").items()
    }


def _weekend(day: date) -> str:
    return WEEKDAY_NAMES[day.weekday()] if day.weekday() >= 5 else ""


def describe(
    day: date, staff: dict[date, tuple[bool, str]], staff_years: frozenset[int]
) -> DayInfo:
    """Classify one date: staff-entered years first, then the package, else provisional."""
    if day.year in staff_years:
        if day in staff:
            is_workday, name = staff[day]
            return DayInfo(day, is_workday, f"调休上班（{name}）" if is_workday else name, True)
        weekend = _weekend(day)
        return DayInfo(day, not weekend, weekend, True)
    if day.year in package_years():
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        label = HOLIDAY_NAMES.get(name, name) if name else ""
        if is_holiday:
            return DayInfo(day, False, label or _weekend(day), True)
        return DayInfo(day, True, f"调休上班（{label}）" if label else "", True)
    if day in statutory(day.year):
        return DayInfo(day, False, statutory(day.year)[day], False)
    weekend = _weekend(day)
    return DayInfo(day, not weekend, weekend, False)
