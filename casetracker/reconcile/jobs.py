"""Imports as jobs: the upload is stored as a row (`ImportJob`) in the request's unit of
work, then read and checked after the response, in units of work of its own, with its
stage and rows read written as it goes, so a page (and a page reloaded later) shows where
it is. A job whose process died stays `running` without news: after `STALE_AFTER` it is
shown as interrupted, to be uploaded again."""

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from casetracker.auth.models import User
from casetracker.core import clock
from casetracker.core.db import session_scope
from casetracker.core.errors import NotFound
from casetracker.core.i18n import N_, _
from casetracker.reconcile.files import UnreadableFile, read_sheets
from casetracker.reconcile.headers import Layout
from casetracker.reconcile.models import ImportJob, JobStatus
from casetracker.reconcile.offline import bulk
from casetracker.reconcile.records import Table, read_table

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=10)
# What a job does once its file is read: given a unit of work, the job and the file's rows, it
# checks them and keeps the preview in `job.result`.
Work = Callable[[Session, ImportJob, Table], None]


def create(
    *,
    session: Session,
    kind: str,
    filename: str,
    content: bytes,
    actor: User,
    now: datetime,
    case_id: int | None = None,
) -> ImportJob:
    job = ImportJob(
        kind=kind,
        status=JobStatus.QUEUED.value,
        stage=N_("等待读取"),
        filename=filename[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        case_id=case_id,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        result={},
    )
    session.add(job)
    session.flush()
    return job


def require(*, session: Session, job_id: int, kind: str) -> ImportJob:
    job = session.get(ImportJob, job_id)
    if job is None or job.kind != kind:
        raise NotFound(_("导入不存在（编号 {id}）").format(id=job_id))
    return job


def find(session: Session, raw_id: object, kind: str) -> ImportJob | None:
    """The import of that kind a field names by its number (None for anything else)."""
    written = str(raw_id).strip()
    job_id = int(written) if written.isdigit() else 0
    job = session.get(ImportJob, job_id) if 0 < job_id < 2**31 else None
    return job if job is not None and job.kind == kind else None


def is_stale(job: ImportJob, now: datetime) -> bool:
    running = job.status in (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
    return running and now - job.updated_at > STALE_AFTER


def run(
    factory: sessionmaker[Session],
    job_id: int,
    work: Work,
    layout_for: Callable[[Session, ImportJob], Layout | None] | None = None,
) -> None:
    """Read and check a stored upload; the outcome (ready, or failed with the reason) is
    recorded whatever happens. The file is read outside any transaction and each report of
    progress is a unit of work of its own, so no transaction waits for another (SQLite
    allows one writer; PostgreSQL would lock the job's row)."""
    try:
        progress(factory, job_id, N_("正在读取文件"), 0, JobStatus.RUNNING.value)
        with session_scope(factory) as session:
            job = session.get(ImportJob, job_id)
            assert job is not None
            content, filename = job.content, job.filename
            layout = layout_for(session, job) if layout_for else None
        with bulk():
            table = read_table(read_sheets(content, filename), filename, layout)
        rows = len(table.records) + len(table.problems)
        progress(factory, job_id, N_("正在核对"), rows, JobStatus.RUNNING.value)
        with session_scope(factory) as session:
            job = session.get(ImportJob, job_id)
            assert job is not None
            work(session, job, table)
            job.rows_read = rows
            job.status = JobStatus.READY.value
            job.stage = N_("已读取，等待确认")
            job.updated_at = clock.now()
    except UnreadableFile as exc:
        _fail(factory, job_id, exc.reason, exc.detail)
    except Exception:
        log.exception("import job %s failed", job_id)
        _fail(factory, job_id, N_("读取时出错，请重新上传；如再次出错请联系管理员"))


def check_now(*, session: Session, job: ImportJob, work: Work) -> None:
    """`run`'s reading and checking in the caller's unit of work, without its progress
    reports (a script, a test; columns mapped by hand are not applied)."""
    table = read_table(read_sheets(job.content, job.filename), job.filename)
    work(session, job, table)
    job.rows_read = len(table.records) + len(table.problems)
    job.status = JobStatus.READY.value
    job.stage = N_("已读取，等待确认")


def progress(
    factory: sessionmaker[Session], job_id: int, stage: str, rows: int, status: str
) -> None:
    with session_scope(factory) as session:
        session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id)
            .values(status=status, stage=stage, rows_read=rows, updated_at=clock.now())
        )


def _fail(factory: sessionmaker[Session], job_id: int, reason: str, detail: str = "") -> None:
    """Failed, with why (an N_ source, shown in the reader's language) and the detail."""
    with session_scope(factory) as session:
        session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id)
            .values(
                status=JobStatus.FAILED.value,
                stage=N_("读取失败"),
                error=reason,
                result={"error_detail": detail[:2000]},
                updated_at=clock.now(),
            )
        )
