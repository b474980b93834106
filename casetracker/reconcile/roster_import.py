"""Importing the sales reps' roster changes: the job's work (read the stored file, plan,
keep the preview) and the confirmation (plan again from the stored file, check it is what
was previewed, apply)."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.core.errors import Conflict, Invalid
from casetracker.core.i18n import N_, _
from casetracker.reconcile import roster
from casetracker.reconcile.files import read_sheets
from casetracker.reconcile.models import ImportJob, JobStatus
from casetracker.reconcile.records import Table, read_table

KIND = "roster"


def _plan(session: Session, job: ImportJob) -> roster.RosterPlan:
    return roster.plan(
        session=session, table=read_table(read_sheets(job.content, job.filename), job.filename)
    )


def preview(session: Session, job: ImportJob, table: Table) -> None:
    """The job's work: what the file would change, kept for the preview page."""
    found = roster.plan(session=session, table=table)
    job.result = found.preview() | {"fingerprint": roster.fingerprint(found)}


def confirm(*, session: Session, job: ImportJob, actor: User, now: datetime) -> dict[str, Any]:
    """Apply a previewed roster, all of it or (refused, with the reason) nothing."""
    if job.status == JobStatus.APPLIED.value:
        raise Conflict(_("这份名册已经导入过了"))
    if job.status != JobStatus.READY.value:
        raise Conflict(_("这份名册还没有读取完成，不能导入"))
    if job.result.get("errors"):
        raise Invalid(_("名册中有无法导入的行：请改正文件后重新上传，本次未作任何更改"))
    found = _plan(session, job)
    if roster.fingerprint(found) != job.result.get("fingerprint"):
        raise Conflict(_("预览之后人员记录有了变动：请重新上传名册并核对预览，本次未作任何更改"))
    counts = roster.apply(session=session, roster=found, actor=actor, now=now)
    job.status = JobStatus.APPLIED.value
    job.stage = N_("已导入")
    job.updated_at = now
    return counts
