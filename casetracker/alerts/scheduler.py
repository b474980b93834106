"""The alert job: scan, then deliver what is pending. `casetracker scheduler` runs it every
`CASETRACKER_ALERT_SCAN_SECONDS` in a process of its own (`--once`: one run, then exit);
`casetracker serve` runs it in-process unless `CASETRACKER_SCHEDULER=off`. APScheduler
does not coordinate processes: the database does (see `alerts.scan` and `alerts.deliver`),
so any number of them may run the job at once."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from casetracker.alerts.deliver import deliver_pending
from casetracker.alerts.scan import scan
from casetracker.alerts.summary import Writer, plan
from casetracker.core import clock
from casetracker.core.db import session_scope
from casetracker.core.settings import Settings

log = logging.getLogger(__name__)
JOB_ID = "alerts"


@dataclass(frozen=True)
class RunResult:
    looked_at: int
    raised: int
    handed_over: int
    summaries_planned: int = 0


def run_once(
    *,
    factory: sessionmaker[Session],
    settings: Settings,
    now: Callable[[], datetime] = clock.now,
    summary: Writer | None = None,
) -> RunResult:
    """One scan (a unit of work: the alerts due, and with a `summary` writer the day's
    summary when its time has come) and then every delivery due (claimed and recorded in
    units of their own, handed over between them)."""
    with session_scope(factory) as session:
        found = scan(session=session, settings=settings, now=now())
        planned = plan(session=session, settings=settings, now=now()) if summary else 0
    handed = deliver_pending(factory=factory, settings=settings, now=now, summary=summary)
    return RunResult(found.looked_at, found.raised, handed, planned)


def _job(factory: sessionmaker[Session], settings: Settings, summary: Writer | None) -> None:
    try:
        result = run_once(factory=factory, settings=settings, summary=summary)
    except Exception:  # a failed run is logged; the next one tries again
        log.exception("alert run failed")
        return
    if result.raised or result.handed_over or result.summaries_planned:
        log.info(
            "alerts: %d clocks looked at, %d raised, %d handed over, %d summaries planned",
            result.looked_at,
            result.raised,
            result.handed_over,
            result.summaries_planned,
        )


def _every_scan(
    scheduler: BackgroundScheduler | BlockingScheduler,
    factory: sessionmaker[Session],
    settings: Settings,
    summary: Writer | None,
) -> None:
    scheduler.add_job(
        _job,
        "interval",
        seconds=settings.alert_scan_seconds,
        args=(factory, settings, summary),
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
        next_run_time=clock.now(),
    )


def start_background(
    factory: sessionmaker[Session], settings: Settings, summary: Writer | None = None
) -> BackgroundScheduler:
    """The job in this process's background, every `alert_scan_seconds` (serve's default)."""
    scheduler = BackgroundScheduler(timezone="Asia/Shanghai")
    _every_scan(scheduler, factory, settings, summary)
    scheduler.start()
    return scheduler


def run_forever(
    factory: sessionmaker[Session], settings: Settings, summary: Writer | None = None
) -> None:
    """`casetracker scheduler`: the job every `alert_scan_seconds` until stopped."""
    scheduler = BlockingScheduler(timezone="Asia/Shanghai")
    _every_scan(scheduler, factory, settings, summary)
    scheduler.start()
