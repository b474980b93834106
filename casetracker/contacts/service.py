"""Logging a contact; a follow-up date becomes a `follow_up` clock, met by the next contact."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.cases import deadlines
from casetracker.cases.models import Case
from casetracker.cases.rules import NO_FOLLOW_UPS, require_open
from casetracker.contacts.models import Contact
from casetracker.contacts.schemas import ContactIn
from casetracker.core.clock import CHINA_TZ
from casetracker.core.errors import Invalid
from casetracker.core.i18n import N_, _

CONTACT_EVENT = N_("联系记录")  # what starts a follow-up, stored as the message id


def log_contact(
    *, session: Session, case: Case, data: ContactIn, actor: User, now: datetime
) -> Contact:
    if data.follow_up_on is not None:  # a note of a later call is history; a follow-up is work
        require_open(case, NO_FOLLOW_UPS)
    contacted_at = data.contacted_at or now
    if contacted_at.tzinfo is None:
        contacted_at = contacted_at.replace(tzinfo=CHINA_TZ)
    if contacted_at > now:
        raise Invalid(
            _("联系时间不能晚于当前时间"),
            field_errors={"contacted_at": _("联系时间：不能晚于当前时间")},
        )
    if (
        data.follow_up_on is not None
        and data.follow_up_on < contacted_at.astimezone(CHINA_TZ).date()
    ):
        raise Invalid(
            _("跟进日期不能早于联系日期"),
            field_errors={"follow_up_on": _("跟进日期：不能早于联系日期")},
        )
    deadlines.meet_follow_ups(case=case, at=contacted_at)
    contact = Contact(
        case_id=case.id,
        party=data.party,
        channel=data.channel,
        note=data.note,
        follow_up_on=data.follow_up_on,
        contacted_at=contacted_at,
        author_id=actor.id,
        author_name=actor.display_name,
    )
    session.add(contact)
    if data.follow_up_on is not None:
        deadlines.start_follow_up(
            case=case, on=data.follow_up_on, at=contacted_at, start_event=CONTACT_EVENT
        )
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="case.contact_logged",
        subject_type="case",
        subject_id=case.id,
        at=now,
        after={
            "party": data.party.value,
            "channel": data.channel.value,
            "follow_up_on": data.follow_up_on.isoformat() if data.follow_up_on else None,
        },
    )
    return contact


def contacts(*, session: Session, case: Case) -> list[Contact]:
    return list(
        session.scalars(
            select(Contact)
            .where(Contact.case_id == case.id)
            .order_by(Contact.contacted_at.desc(), Contact.id.desc())
        )
    )
