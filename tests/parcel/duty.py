"""A duty that exists only in the test suite (寄件: a parcel that must leave within three
working days), to prove that a case type plugs in: its workflow, details partial, intake
route, nav entry, clock and packet, with no edit to the shared modules."""

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.calendar.periods import Unit
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.cases.schemas import case_out
from casetracker.cases.types import CaseType, GuardContext, NavEntry, PacketSpec
from casetracker.core import clock
from casetracker.core.validation import Moment, PositiveId
from casetracker.web.deps import DbSession, require_api_role
from casetracker.workflows.engine import (
    ClockSpec,
    FieldSpec,
    FieldType,
    Guard,
    Label,
    StateSpec,
    TransitionSpec,
    Workflow,
    start,
    stop,
)

HERE = Path(__file__).parent
TYPE = "parcel"
NOT_EMPTY = Guard("has_contents", Label("写明寄件内容", "Contents are named"))

WORKFLOW = Workflow(
    type=TYPE,
    label=Label("寄件", "Parcel"),
    description="测试专用：收件后三个工作日内寄出。",
    initial="received",
    opening_event=Label("收件", "Received"),
    states=(
        StateSpec("received", Label("已收件", "Received"), on_enter=(start("dispatch"),)),
        StateSpec("sent", Label("已寄出", "Sent"), final=True, on_enter=(stop("dispatch"),)),
    ),
    transitions=(
        TransitionSpec(
            "send",
            Label("寄出", "Send"),
            ("received",),
            "sent",
            fields=(FieldSpec("sent_at", Label("寄出时间", "Sent at"), FieldType.DATETIME),),
            event_field="sent_at",
            guards=(NOT_EMPTY,),
        ),
    ),
    clocks=(
        ClockSpec("dispatch", Label("寄出时限", "Dispatch"), Unit.WORKING_DAYS, 3, "测试约定"),
    ),
)


@dataclass(frozen=True)
class ParcelDetails:
    contents: str


def _details(_session: Session, case: Case) -> ParcelDetails:
    return ParcelDetails(contents=case.title)


def _has_contents(context: GuardContext) -> str | None:
    return None if context.case.title.strip() else "没有寄件内容"


class ParcelIn(BaseModel):
    client_id: PositiveId
    region_id: PositiveId
    received_at: Moment
    contents: str


router = APIRouter(prefix="/api/v1")


@router.post("/parcels", status_code=201)
def receive(
    session: DbSession,
    user: Annotated[User, Depends(require_api_role())],
    body: Annotated[ParcelIn, Body()],
) -> JSONResponse:
    now = clock.now()
    case = case_service.open_case(
        session=session,
        case_type=TYPE,
        client_id=body.client_id,
        region_id=body.region_id,
        owner=user,
        event_at=body.received_at,
        now=now,
        title=body.contents,
    )
    return JSONResponse(case_out(case, user, now).model_dump(mode="json"), status_code=201)


CASE_TYPE = CaseType(
    workflow=WORKFLOW,
    guards={NOT_EMPTY.name: _has_contents},
    details_template="parcel/_details.html",
    load_details=_details,
    nav=(NavEntry("/parcels/new", Label("登记寄件", "Record a parcel")),),
    packets=(
        PacketSpec(
            "parcel_slip",
            Label("寄件单", "Parcel slip"),
            ("parcel/slip.html",),
            attachments=False,
            final_states=frozenset({"sent"}),
        ),
    ),
    templates_dir=HERE / "templates",
    forms_dir=HERE / "forms",
)
