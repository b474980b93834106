"""China's working-day calendar (工作日历) and the legal counting of periods.

Years the `chinese-calendar` package knows are official; staff enter later years (holidays
and 调休 workdays) when the State Council announces them. A year nobody has entered is
computed provisionally (weekends plus `holidays.CN` statutory days, no 调休) and flagged.
"""
