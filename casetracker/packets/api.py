"""JSON API: generate a packet, list a case's packets, download one."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from casetracker.auth.models import User
from casetracker.core import clock
from casetracker.core.clock import local
from casetracker.core.i18n import N_
from casetracker.core.validation import text
from casetracker.packets import service as packet_service
from casetracker.packets.models import Packet
from casetracker.web.deps import (
    ApiCase,
    ApiWorkableCase,
    AppSettings,
    DbSession,
    RowId,
    require_api_role,
)
from casetracker.web.errors import API_ERRORS
from casetracker.web.responses import file_response

router = APIRouter(prefix="/api/v1", tags=["packets"], responses=API_ERRORS)
ApiCaller = Annotated[User, Depends(require_api_role())]


class PacketIn(BaseModel):
    """Which packet to generate (accident_report, recognition_application, case_summary)."""

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"type": "recognition_application"}]}
    )

    type: text(40, min_length=1) = Field(title=N_("材料类型"))  # type: ignore[valid-type]


class PacketOut(BaseModel):
    id: int
    type: str
    version: int
    case_version: int
    sha256: str
    final: bool
    pages: int
    size: int
    created_at: str
    url: str


def packet_out(packet: Packet) -> PacketOut:
    return PacketOut(
        id=packet.id,
        type=packet.type,
        version=packet.version,
        case_version=packet.case_version,
        sha256=packet.sha256,
        final=packet.final,
        pages=packet.pages,
        size=packet.size,
        created_at=local(packet.created_at).isoformat(),
        url=f"/api/v1/cases/{packet.case_id}/packets/{packet.id}/pdf",
    )


@router.post(
    "/cases/{case_id}/packets",
    status_code=201,
    response_model=PacketOut,
    summary="生成申报材料 PDF",
    responses={
        200: {"model": PacketOut, "description": "同样的材料已生成过，返回已存的版本"},
        201: {"description": "新生成的版本"},
    },
)
def generate(
    session: DbSession,
    user: ApiCaller,
    case: ApiWorkableCase,
    settings: AppSettings,
    body: Annotated[PacketIn, Body()],
) -> Any:
    """201 with a new version; 200 with the stored version when nothing it is made from
    (case version, attachments, finality, forms) has changed since."""
    packet, created = packet_service.generate(
        session=session,
        case=case,
        packet_type=body.type,
        actor=user,
        settings=settings,
        now=clock.now(),
    )
    return JSONResponse(packet_out(packet).model_dump(), status_code=201 if created else 200)


@router.get("/cases/{case_id}/packets", summary="案件的申报材料（全部版本）")
def list_packets(session: DbSession, case: ApiCase) -> list[PacketOut]:
    return [packet_out(p) for p in packet_service.packets(session=session, case=case)]


@router.get(
    "/cases/{case_id}/packets/{packet_id}/pdf",
    summary="下载申报材料 PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def download(
    request: Request, session: DbSession, user: ApiCaller, case: ApiWorkableCase, packet_id: RowId
) -> Response:
    packet = packet_service.open_packet(
        session=session,
        case=case,
        packet_id=packet_id,
        actor=user,
        ip=request.client.host if request.client else None,
        via="api_packet_pdf",
    )
    return pdf_response(packet)


def pdf_response(packet: Packet) -> Response:
    return file_response(
        packet.content,
        media_type="application/pdf",
        inline=True,
        filename=f"case-{packet.case_id}-{packet.type}-v{packet.version}.pdf",
        headers={"X-Content-SHA256": packet.sha256},
    )
