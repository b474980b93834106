"""The wall clock and China's time zone: `now()` and `today()` are how the app reads the
current time (so tests can travel in time), and Asia/Shanghai is fixed, not a setting,
because legal deadlines run on China's calendar."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in China's calendar (Asia/Shanghai)."""
    return now().astimezone(CHINA_TZ).date()


def local(moment: datetime) -> datetime:
    """A stored instant shown in Asia/Shanghai (naive values from SQLite are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA_TZ)
