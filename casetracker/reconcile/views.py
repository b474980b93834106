"""Pages of the monthly reconciliation: the roster import (upload, progress, preview,
confirm)."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, File, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.responses import Response

from casetracker.auth.models import Role, User
from casetracker.core import clock
from casetracker.core.errors import DomainError, Invalid
from casetracker.reconcile import jobs, roster_import
from casetracker.reconcile.models import ImportJob
from casetracker.web.deps import DbSession, RowId, require_role
from casetracker.web.templating import render
from casetracker.web.uploads import read_import

router = APIRouter()
Worker = Annotated[User, Depends(require_role(Role.SPECIALIST, Role.SUPERVISOR))]


def _roster_page(
    request: Request, session: DbSession, error: str = "", status_code: int = 200
) -> Response:
    recent = session.scalars(
        select(ImportJob)
        .where(ImportJob.kind == roster_import.KIND)
        .order_by(ImportJob.id.desc())
        .limit(20)
    ).all()
    return render(
        request,
        "reconcile/roster.html",
        {"jobs": recent, "error": error, "now": clock.now(), "is_stale": jobs.is_stale},
        status_code=status_code,
    )


@router.get("/reconcile/roster")
def roster_page(request: Request, session: DbSession, _user: Worker) -> Response:
    return _roster_page(request, session)


@router.post("/reconcile/roster")
async def upload_roster(
    request: Request,
    session: DbSession,
    user: Worker,
    background: BackgroundTasks,
    file: Annotated[UploadFile, File()],
) -> Response:
    try:
        content = await read_import(file)
    except Invalid as exc:
        return await run_in_threadpool(_roster_page, request, session, exc.message, 422)
    job = await run_in_threadpool(
        lambda: jobs.create(
            session=session,
            kind=roster_import.KIND,
            filename=file.filename or "roster",
            content=content,
            actor=user,
            now=clock.now(),
        )
    )
    background.add_task(jobs.run, request.app.state.sessionmaker, job.id, roster_import.preview)
    return RedirectResponse(f"/reconcile/roster/{job.id}", 303)


def _job_page(
    request: Request, session: DbSession, job: ImportJob, error: str = "", status_code: int = 200
) -> Response:
    return render(
        request,
        "reconcile/roster_job.html",
        {"job": job, "error": error, "stale": jobs.is_stale(job, clock.now())},
        status_code=status_code,
    )


@router.get("/reconcile/roster/{job_id}")
def roster_job(request: Request, session: DbSession, _user: Worker, job_id: RowId) -> Response:
    job = jobs.require(session=session, job_id=job_id, kind=roster_import.KIND)
    return _job_page(request, session, job)


@router.post("/reconcile/roster/{job_id}/apply")
def apply_roster(request: Request, session: DbSession, user: Worker, job_id: RowId) -> Response:
    job = jobs.require(session=session, job_id=job_id, kind=roster_import.KIND)
    try:
        with session.begin_nested():
            roster_import.confirm(session=session, job=job, actor=user, now=clock.now())
    except DomainError as exc:
        session.refresh(job)
        return _job_page(request, session, job, exc.message, exc.status_code)
    return RedirectResponse(f"/reconcile/roster/{job.id}", 303)
