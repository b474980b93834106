"""Generating, storing and listing packets. Each stored version keeps its SHA-256, the case
version it was made from and its author; the same inputs give back the stored version."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import segno
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.cases import registry
from casetracker.cases.models import Case
from casetracker.cases.schemas import case_out
from casetracker.cases.types import PacketData, PacketSpec
from casetracker.contacts import service as contact_service
from casetracker.contacts.models import CHANNEL_LABELS, PARTY_LABELS
from casetracker.core.clock import CHINA_TZ, local
from casetracker.core.errors import Invalid, NotFound
from casetracker.core.i18n import N_, _, in_locale
from casetracker.core.identifiers import birth_date
from casetracker.core.money import money_text
from casetracker.core.settings import Settings
from casetracker.materials import service as materials_service
from casetracker.packets import render
from casetracker.packets.models import Packet
from casetracker.workflows.engine import Label

TEMPLATE_REVISION = "2"  # bump when forms change, so unchanged cases still get new versions
# What a packet without its own completeness check lacks below its final states.
NOT_YET_FINAL = N_("办理到可定稿的环节")


def _not_yet_final() -> Label:
    return Label(NOT_YET_FINAL, in_locale("en", NOT_YET_FINAL))


def cn_date(value: Any) -> str:
    """2026年11月20日."""
    if value is None:
        return ""
    day = local(value).date() if isinstance(value, datetime) else value
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    moment = local(value)
    return f"{cn_date(moment)} {moment:%H:%M}"


render.environment().filters.update(cn_date=cn_date, cn_datetime=cn_datetime, money=money_text)


def require_type(*, case: Case, packet_type: str) -> PacketSpec:
    spec = registry.packet(case.type, packet_type)
    if spec is None:
        raise Invalid(
            _("没有这种申报材料：{type}").format(type=packet_type[:40]),
            field_errors={"type": _("材料类型：不存在")},
        )
    return spec


def missing(*, session: Session, case: Case, spec: PacketSpec) -> list[Label]:
    """What the packet still lacks, in both languages; empty: complete, so final."""
    if spec.missing is not None:
        return list(spec.missing(session, case))
    return [] if case.state in spec.final_states else [_not_yet_final()]


def _qr(url: str) -> Markup:
    # our own SVG, generated from a URL we built
    return Markup(segno.make(url, error="m").svg_inline(border=1, omitsize=True))


def data(*, session: Session, case: Case, spec: PacketSpec) -> PacketData:
    """What the packet prints beyond the case (nothing for most)."""
    return spec.data(session, case) if spec.data is not None else PacketData({}, "")


def context(
    *,
    session: Session,
    case: Case,
    spec: PacketSpec,
    actor: User,
    settings: Settings,
    now: datetime,
    extra: PacketData | None = None,
) -> tuple[dict[str, Any], list[render.AttachmentPlan]]:
    """The forms' values and how the uploads enter; `extra`: the type's own (read here
    unless the caller has them already)."""
    extra = extra or data(session=session, case=case, spec=spec)
    person = case.insured
    checklist = materials_service.checklist(session=session, case=case)
    plans = (
        [render.plan(a, line.item.name) for line in checklist for a in line.attachments]
        if spec.attachments
        else []
    )
    lacking = missing(session=session, case=case, spec=spec)
    born = birth_date(person.id_number) if person else None
    case_url = f"{settings.base_url.rstrip('/')}/cases/{case.id}"
    view = case_out(case, actor, now)
    return {
        "packet_label": spec.label.zh,
        "case": case,
        "view": view,
        "client": case.client,
        "person": person,
        "id_number": person.id_number if person else "",
        "person_sex": ("男" if int(person.id_number[16]) % 2 else "女") if person else "",
        "person_birth": cn_date(born),
        "details": registry.get(case.type).details(session, case),
        "checklist": checklist,
        "clocks": view.clocks,
        "contacts": contact_service.contacts(session=session, case=case),
        "parties": PARTY_LABELS,
        "channels": CHANNEL_LABELS,
        "company": {"name": settings.company_name, "credit_code": settings.company_credit_code},
        "today_cn": cn_date(now.astimezone(CHINA_TZ).date()),
        "generated_by": actor.display_name,
        "final": not lacking,
        "missing": [label.zh for label in lacking],  # the packet is in Chinese
        "qr_svg": _qr(case_url),
        "case_url": case_url,
        **extra.values,
    }, plans


def _record_whole_id_view(
    *,
    session: Session,
    case: Case,
    actor: User,
    ip: str | None,
    via: str,
    listed: int,
    **where: Any,
) -> None:
    """A packet shows the person's whole ID number (the bureau needs it): every look at one
    is audited like any other whole-number view; a packet listing many people (`listed`
    whole numbers) is audited once on the case, with the count."""
    if listed:
        audit.id_numbers_listed(
            session=session, actor=actor, case_id=case.id, count=listed, ip=ip, via=via, **where
        )
    if case.insured_id is None:
        return
    audit.record(
        session=session,
        actor=actor,
        action="insured.id_number_viewed",
        subject_type="insured",
        subject_id=case.insured_id,
        ip=ip,
        after={"via": via, "case_id": case.id, **where},
    )


def preview_html(
    *,
    session: Session,
    case: Case,
    packet_type: str,
    actor: User,
    settings: Settings,
    now: datetime,
    ip: str | None = None,
) -> str:
    spec = require_type(case=case, packet_type=packet_type)
    extra = data(session=session, case=case, spec=spec)
    values, plans = context(
        session=session, case=case, spec=spec, actor=actor, settings=settings, now=now, extra=extra
    )
    html = render.html(spec.forms, values, plans, preview=True)
    _record_whole_id_view(
        session=session,
        case=case,
        actor=actor,
        ip=ip,
        via="packet_preview",
        listed=extra.id_numbers,
        type=spec.name,
    )
    return html


def _fingerprint(
    case: Case,
    spec: PacketSpec,
    plans: list[render.AttachmentPlan],
    missing: list[str],
    inputs: str,
) -> str:
    parts = [
        TEMPLATE_REVISION,
        spec.name,
        str(case.id),
        str(case.version),
        str(not missing),
        "、".join(missing),
        *(f"{p.attachment.id}:{p.attachment.sha256}" for p in plans),
        *([hashlib.sha256(inputs.encode()).hexdigest()] if inputs else []),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def generate(
    *,
    session: Session,
    case: Case,
    packet_type: str,
    actor: User,
    settings: Settings,
    now: datetime,
) -> tuple[Packet, bool]:
    """Render and store a new version, or return the stored one made from the same inputs.
    Returns (packet, created)."""
    spec = require_type(case=case, packet_type=packet_type)
    extra = data(session=session, case=case, spec=spec)
    values, plans = context(
        session=session, case=case, spec=spec, actor=actor, settings=settings, now=now, extra=extra
    )
    fingerprint = _fingerprint(case, spec, plans, values["missing"], extra.inputs)
    existing = session.scalar(
        select(Packet).where(
            Packet.case_id == case.id, Packet.type == spec.name, Packet.fingerprint == fingerprint
        )
    )
    if existing is not None:
        return existing, False
    pdf, pages = render.assemble(render.html(spec.forms, values, plans), plans)
    version = (
        session.scalar(
            select(func.max(Packet.version)).where(
                Packet.case_id == case.id, Packet.type == spec.name
            )
        )
        or 0
    ) + 1
    packet = Packet(
        case_id=case.id,
        type=spec.name,
        version=version,
        case_version=case.version,
        fingerprint=fingerprint,
        sha256=hashlib.sha256(pdf).hexdigest(),
        final=values["final"],
        pages=pages,
        size=len(pdf),
        listed_ids=extra.id_numbers,
        content=pdf,
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(packet)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="case.packet_generated",
        subject_type="case",
        subject_id=case.id,
        at=now,
        after={
            "packet_id": packet.id,
            "type": spec.name,
            "version": version,
            "case_version": case.version,
            "sha256": packet.sha256,
            "final": packet.final,
            "missing": values["missing"],
            "pages": pages,
            "broken_attachments": [p.attachment.filename for p in plans if p.kind == "broken"],
        },
    )
    return packet, True


def packets(*, session: Session, case: Case) -> list[Packet]:
    return list(
        session.scalars(
            select(Packet)
            .where(Packet.case_id == case.id)
            .order_by(Packet.type, Packet.version.desc())
        )
    )


def require_packet(*, session: Session, case_id: int, packet_id: int) -> Packet:
    packet = session.get(Packet, packet_id)
    if packet is None or packet.case_id != case_id:
        raise NotFound(_("申报材料不存在（编号 {id}）").format(id=packet_id))
    return packet


def open_packet(
    *, session: Session, case: Case, packet_id: int, actor: User, ip: str | None, via: str
) -> Packet:
    """A stored packet to download; the download is audited (it carries the whole ID)."""
    packet = require_packet(session=session, case_id=case.id, packet_id=packet_id)
    _record_whole_id_view(
        session=session,
        case=case,
        actor=actor,
        ip=ip,
        via=via,
        listed=packet.listed_ids,
        packet_id=packet.id,
    )
    return packet


@dataclass(frozen=True)
class PacketOffer:
    """A packet the case page offers, with what it would still lack if generated now."""

    spec: PacketSpec
    missing: list[Label]

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def label(self) -> Label:
        return self.spec.label

    @property
    def final(self) -> bool:
        return not self.missing


def types_for(case: Case, *, session: Session | None = None) -> list[PacketOffer]:
    """The packets the case's type prints, each with what it still lacks (the case's own
    session unless one is given)."""
    session = session or Session.object_session(case)
    assert session is not None, "the case is not attached to a session"
    return [
        PacketOffer(spec, missing(session=session, case=case, spec=spec))
        for spec in registry.get(case.type).packets
    ]
