"""Pages of the monthly reconciliation: the roster import (upload, progress, preview,
confirm); the monthly batches (the list and the opening form, the bill's upload, progress
and confirmation, each difference's resolution; a batch itself is a case page)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from casetracker.auth.models import Role, User
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.core import clock, i18n
from casetracker.core.errors import DomainError, Invalid
from casetracker.core.i18n import N_, _
from casetracker.packets import service as packet_service
from casetracker.people import service as people_service
from casetracker.reconcile import (
    batch,
    daily,
    declaration,
    jobs,
    mapping,
    report,
    roster_import,
)
from casetracker.reconcile.classes import Month
from casetracker.reconcile.files import UnreadableFile, read_sheets
from casetracker.reconcile.models import BatchDetails, ImportJob, JobStatus
from casetracker.reconcile.records import NO_HEADER, read_table
from casetracker.web.deps import AppSettings, DbSession, FormFields, RowId, require_role
from casetracker.web.responses import xlsx_response
from casetracker.web.templating import render
from casetracker.web.uploads import read_import
from casetracker.workflows.daily_check import TYPE as DAILY_TYPE
from casetracker.workflows.monthly_batch import TYPE, WORKFLOW

router = APIRouter(include_in_schema=False)
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


# --- the monthly batches ----------------------------------------------------------------


def _home(
    request: Request,
    session: Session,
    error: str = "",
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    batches = session.execute(
        select(Case, BatchDetails)
        .join(BatchDetails, BatchDetails.case_id == Case.id)
        .order_by(BatchDetails.month.desc(), Case.id.desc())
        .limit(100)
    ).all()
    return render(
        request,
        "reconcile/home.html",
        {
            "batches": batches,
            "regions": people_service.list_regions(session=session),
            "error": error,
            "values": values or {"month": clock.local(clock.now()).strftime("%Y-%m")},
            "open_items": lambda case_id: batch.open_items(session, case_id),
            "state_label": WORKFLOW.state_label,
            "daily_cases": {
                case.region_id: case
                for case in session.scalars(
                    select(Case).where(Case.type == DAILY_TYPE, Case.closed_at.is_(None))
                )
            },
        },
        status_code=status_code,
    )


@router.get("/reconcile")
def home(request: Request, session: DbSession, _user: Worker) -> Response:
    return _home(request, session)


@router.post("/reconcile/batches")
def open_batch(
    request: Request,
    session: DbSession,
    user: Worker,
    region_id: Annotated[str, Form(max_length=12)] = "",
    month: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    values = {"region_id": region_id, "month": month}
    try:
        wanted = Month.parse(month)
    except ValueError:
        return _home(request, session, _("月份应写成 YYYY-MM，如 2026-11"), values, 422)
    try:
        with session.begin_nested():
            case = batch.open_batch(
                session=session,
                region_id=int(region_id) if region_id.isdigit() else 0,
                month=wanted,
                owner=user,
                now=clock.now(),
            )
    except DomainError as exc:
        return _home(request, session, exc.message, values, exc.status_code)
    return RedirectResponse(f"/cases/{case.id}", 303)


def _batch_case(session: Session, case_id: int, user: User) -> Case:
    """The batch, for its owner or a supervisor."""
    case = _batch_only(session, case_id)
    case_service.require_may_act(case, user)
    return case


@router.post("/reconcile/batches/{case_id}/bill")
async def upload_bill(
    request: Request,
    session: DbSession,
    user: Worker,
    background: BackgroundTasks,
    case_id: RowId,
    file: Annotated[UploadFile, File()],
) -> Response:
    case = await run_in_threadpool(_batch_case, session, case_id, user)
    content = await read_import(file)
    job = await run_in_threadpool(
        lambda: jobs.create(
            session=session,
            kind=batch.BILL,
            filename=file.filename or "bill",
            content=content,
            actor=user,
            now=clock.now(),
            case_id=case.id,
        )
    )
    background.add_task(
        jobs.run, request.app.state.sessionmaker, job.id, batch.bill_preview, batch.bill_layout
    )
    return RedirectResponse(f"/reconcile/bills/{job.id}", 303)


def _bill_page(
    request: Request,
    session: Session,
    job: ImportJob,
    error: str = "",
    status_code: int = 200,
    values: dict[str, str] | None = None,
) -> Response:
    rosters = session.scalars(
        select(ImportJob)
        .where(
            ImportJob.kind == roster_import.KIND,
            ImportJob.status.in_((JobStatus.READY.value, JobStatus.APPLIED.value)),
        )
        .order_by(ImportJob.id.desc())
        .limit(20)
    ).all()
    unmapped = job.status == JobStatus.FAILED.value and job.error == NO_HEADER
    return render(
        request,
        "reconcile/bill_job.html",
        {
            "job": job,
            "error": error,
            "stale": jobs.is_stale(job, clock.now()),
            "rosters": rosters,
            "sample": mapping.sample(job) if unmapped else [],
            "letter": mapping.letter,
            "mapped": mapping.LABELS,
            "mapping_note": mapping.NOTE,
            "values": values or mapping.as_form(batch.bill_layout(session, job)),
        },
        status_code=status_code,
    )


@router.post("/reconcile/bills/{job_id}/columns")
def map_columns(
    request: Request,
    session: DbSession,
    user: Worker,
    background: BackgroundTasks,
    job_id: RowId,
    form: FormFields,
) -> Response:
    """The columns mapped by hand, kept for the region; the bill is read again with them."""
    job = jobs.require(session=session, job_id=job_id, kind=batch.BILL)
    assert job.case_id is not None
    case = _batch_case(session, job.case_id, user)
    try:
        with session.begin_nested():
            mapping.save(
                session=session, region_id=case.region_id, form=form, actor=user, now=clock.now()
            )
            job.status, job.error, job.result = JobStatus.QUEUED.value, "", {}
            job.stage, job.updated_at = N_("等待读取"), clock.now()
    except DomainError as exc:
        return _bill_page(request, session, job, exc.message, exc.status_code, form)
    background.add_task(
        jobs.run, request.app.state.sessionmaker, job.id, batch.bill_preview, batch.bill_layout
    )
    return RedirectResponse(f"/reconcile/bills/{job.id}", 303)


@router.get("/reconcile/bills/{job_id}")
def bill_job(request: Request, session: DbSession, _user: Worker, job_id: RowId) -> Response:
    return _bill_page(
        request, session, jobs.require(session=session, job_id=job_id, kind=batch.BILL)
    )


@router.post("/reconcile/bills/{job_id}/apply")
def apply_bill(
    request: Request,
    session: DbSession,
    user: Worker,
    job_id: RowId,
    roster_job_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Store the bill and reconcile it, one unit of work: `import_bill`, then `reconcile`
    (against the people held here, or against an uploaded roster)."""
    job = jobs.require(session=session, job_id=job_id, kind=batch.BILL)
    try:
        with session.begin_nested():
            assert job.case_id is not None
            case = _batch_case(session, job.case_id, user)
            now = clock.now()
            steps = (
                ("import_bill", {"job_id": str(job.id)}),
                ("reconcile", {"roster_job_id": roster_job_id}),
            )
            for name, fields in steps:
                case = case_service.fire(
                    session=session,
                    case=case,
                    transition=name,
                    version=case.version,
                    raw_fields=fields,
                    actor=user,
                    now=now,
                )
    except DomainError as exc:
        session.refresh(job)
        return _bill_page(request, session, job, exc.message, exc.status_code)
    return RedirectResponse(f"/cases/{case.id}#items", 303)


@router.get("/reconcile/batches/{case_id}/items.xlsx")
def export_items(session: DbSession, user: Worker, case_id: RowId) -> Response:
    case = _batch_only(session, case_id)
    content = batch.export(session=session, case=case, actor=user, translate=i18n.translate)
    return xlsx_response(content, f"{case.title}.xlsx")


@router.get("/reconcile/batches/{case_id}/declaration.xlsx")
def export_declaration(session: DbSession, user: Worker, case_id: RowId) -> Response:
    case = _batch_only(session, case_id)
    content = declaration.export(session=session, case=case, actor=user, translate=i18n.translate)
    return xlsx_response(content, f"{case.title} 增减员申报表.xlsx")


def _batch_only(session: Session, case_id: int) -> Case:
    case = case_service.require_case(session=session, case_id=case_id)
    if case.type != TYPE:
        raise Invalid(_("案件 #{id} 不是月度批次").format(id=case_id))
    return case


@router.get("/reconcile/batches/{case_id}/report")
def batch_report(request: Request, session: DbSession, user: Worker, case_id: RowId) -> Response:
    case = _batch_only(session, case_id)
    found = report.report(session=session, case=case)
    return render(
        request,
        "reconcile/report.html",
        {
            "case": case,
            "r": found,
            "categories": batch.CATEGORIES,
            "chart": report.chart,
            "may_act": case_service.may_act(case, user),
        },
    )


@router.post("/reconcile/batches/{case_id}/report.pdf")
def batch_report_pdf(
    session: DbSession, user: Worker, settings: AppSettings, case_id: RowId
) -> Response:
    """The report as a PDF: generated on the packet framework (kept, versioned; the same
    figures give back the stored version), then downloaded."""
    case = _batch_only(session, case_id)
    case_service.require_may_act(case, user)
    packet, _created = packet_service.generate(
        session=session,
        case=case,
        packet_type=report.PACKET,
        actor=user,
        settings=settings,
        now=clock.now(),
    )
    return RedirectResponse(f"/cases/{case.id}/packets/{packet.id}.pdf", 303)


@router.get("/reconcile/batches/{case_id}/report.xlsx")
def batch_reportxlsx_response(session: DbSession, _user: Worker, case_id: RowId) -> Response:
    case = _batch_only(session, case_id)
    content = report.export(report.report(session=session, case=case), i18n.translate)
    return xlsx_response(content, f"{case.title} 报告.xlsx")


@router.post("/reconcile/batches/{case_id}/items/{item_id}")
def resolve_item(
    session: DbSession,
    user: Worker,
    case_id: RowId,
    item_id: RowId,
    resolution: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    case = _batch_case(session, case_id, user)
    batch.resolve(
        session=session,
        case=case,
        item_id=item_id,
        resolution=resolution,
        reason=reason,
        actor=user,
        now=clock.now(),
    )
    return RedirectResponse(f"/cases/{case_id}#item-{item_id}", 303)


# --- the out-of-town daily check ---------------------------------------------------------


@router.post("/reconcile/daily")
def open_daily(
    request: Request,
    session: DbSession,
    user: Worker,
    region_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    try:
        with session.begin_nested():
            case = daily.open_daily(
                session=session,
                region_id=int(region_id) if region_id.isdigit() else 0,
                owner=user,
                now=clock.now(),
            )
    except DomainError as exc:
        return _home(request, session, exc.message, None, exc.status_code)
    return RedirectResponse(f"/cases/{case.id}", 303)


@router.post("/reconcile/daily/{case_id}/check")
async def record_daily(
    session: DbSession,
    user: Worker,
    case_id: RowId,
    partner: Annotated[UploadFile, File()],
    changes: Annotated[UploadFile, File()],
    checked_on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """The day's two lists, compared and recorded in one unit of work (small files: read
    at once, not as a job)."""
    partner_content, changes_content = await read_import(partner), await read_import(changes)

    def record() -> Response:
        case = case_service.require_case(session=session, case_id=case_id)
        if case.type != DAILY_TYPE:
            raise Invalid(_("案件 #{id} 不是外地名单日常核对").format(id=case_id))
        try:
            day = date.fromisoformat(checked_on)
        except ValueError:
            raise Invalid(_("核对日期无效")) from None
        tables = [
            read_table(read_sheets(content, upload.filename or name), upload.filename or name)
            for content, upload, name in (
                (partner_content, partner, "partner"),
                (changes_content, changes, "changes"),
            )
        ]
        daily.record(
            session=session,
            case=case,
            day=day,
            partner=tables[0],
            changes=tables[1],
            actor=user,
            now=clock.now(),
        )
        return RedirectResponse(f"/cases/{case_id}#daily", 303)

    try:
        return await run_in_threadpool(record)
    except UnreadableFile as exc:
        raise Invalid(exc.text()) from None
