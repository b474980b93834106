"""When a clock's alerts are due, and which of them a scan at `now` raises. Pure: no
database, so the rules are table-tested.

Progress is one number per clock (`clocks.alert_level`): 0 nothing raised, 1 the warning,
2 overdue, 3 + n the n-th repeat of the escalation. A scan raises every level whose time has
come and that is not raised yet, each once: a clock recorded late, already past its warning,
its due time and three escalation repeats, raises the warning, overdue and the latest
escalation, not the repeats it missed. Warnings wait out the quiet hours; overdue and
escalation never wait.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from casetracker.alerts.models import Level
from casetracker.calendar.periods import Unit
from casetracker.core.clock import CHINA_TZ
from casetracker.workflows.engine import AlertSpec, Offset

WARNED, OVERDUE, ESCALATED = 1, 2, 3

IsWorkday = Callable[[date], bool]


@dataclass(frozen=True)
class QuietHours:
    """A daily span (China time) in which warnings are held, e.g. 22:00-07:30."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> "QuietHours | None":
        """'22:00-07:30' → QuietHours; '' or 'off' → None. Raises ValueError otherwise."""
        text = text.strip()
        if text.lower() in ("", "off", "none"):
            return None
        start, _, end = text.partition("-")
        return cls(time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))

    def end_after(self, moment: datetime) -> datetime | None:
        """The end of the quiet span `moment` falls in, or None when it falls in none."""
        here = moment.astimezone(CHINA_TZ)
        clock_time = here.time().replace(tzinfo=None)
        if self.start <= self.end:  # within one day, e.g. 12:00-13:30
            inside = self.start <= clock_time < self.end
            day = here.date()
        elif clock_time >= self.start:  # over midnight, before it
            inside, day = True, here.date() + timedelta(days=1)
        else:
            inside, day = clock_time < self.end, here.date()
        return datetime.combine(day, self.end, tzinfo=CHINA_TZ) if inside else None


def _step_working_days(moment: datetime, count: int, is_workday: IsWorkday) -> datetime:
    """`moment` moved by `count` working days (negative: back), at the same time of day."""
    here = moment.astimezone(CHINA_TZ)
    day, step, left = here.date(), (1 if count > 0 else -1), abs(count)
    while left:
        day += timedelta(days=step)
        if is_workday(day):
            left -= 1
    return datetime.combine(day, here.timetz())


def shift(due_at: datetime, offset: Offset, is_workday: IsWorkday, *, after: bool) -> datetime:
    """The moment `offset` before (or `after`) the due time."""
    if offset.at is not None:  # that time of day on the due day
        return datetime.combine(due_at.astimezone(CHINA_TZ).date(), offset.at, tzinfo=CHINA_TZ)
    sign = 1 if after else -1
    if offset.unit == Unit.HOURS:
        return due_at + sign * timedelta(hours=offset.amount)
    if offset.unit == Unit.CALENDAR_DAYS:
        return due_at + sign * timedelta(days=offset.amount)
    if offset.unit == Unit.WORKING_DAYS:
        return _step_working_days(due_at, sign * offset.amount, is_workday)
    raise ValueError(f"an alert offset in {offset.unit} is not supported")


@dataclass(frozen=True)
class Raise:
    level: Level
    repeat: int


@dataclass(frozen=True)
class Decision:
    """What a scan at `now` does for one clock: the alerts to raise, the progress after
    them, and when to look at the clock again (None: not before it changes)."""

    raises: tuple[Raise, ...]
    progress: int
    next_at: datetime | None


def decide(
    *,
    spec: AlertSpec,
    due_at: datetime,
    progress: int,
    now: datetime,
    is_workday: IsWorkday,
    quiet: QuietHours | None,
    acknowledged: bool = False,
) -> Decision:
    """The alerts an open, running clock raises at `now` (see the module's rules).
    `acknowledged`: a supervisor has acknowledged an escalation, which ends the repeats."""
    raises: list[Raise] = []
    upcoming: list[datetime] = []
    if spec.warning is not None and progress < WARNED:
        warn_at = shift(due_at, spec.warning, is_workday, after=False)
        held_until = quiet.end_after(now) if quiet else None
        if now >= warn_at and held_until is None:
            raises.append(Raise(Level.WARNING, 0))
        else:
            upcoming.append(max(warn_at, held_until) if held_until else warn_at)
    if progress < OVERDUE:
        if now >= due_at:
            raises.append(Raise(Level.OVERDUE, 0))
        else:
            upcoming.append(due_at)
    if not acknowledged:
        first = shift(due_at, spec.escalation, is_workday, after=True)
        every = timedelta(hours=spec.repeat_hours)
        if now >= first:
            repeat = int((now - first) // every)
            if progress < ESCALATED + repeat:
                raises.append(Raise(Level.ESCALATION, repeat))
            upcoming.append(first + every * (repeat + 1))
        else:
            upcoming.append(first)
    done = max(
        [progress]
        + [
            {Level.WARNING: WARNED, Level.OVERDUE: OVERDUE}.get(r.level, ESCALATED + r.repeat)
            for r in raises
        ]
    )
    return Decision(tuple(raises), done, min(upcoming, default=None))
