"""Recording an accident: find or create the employee, open the case, start its clocks."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import Role, User
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.core.clock import CHINA_TZ
from casetracker.core.errors import Forbidden, Invalid
from casetracker.core.i18n import _
from casetracker.core.identifiers import birth_date
from casetracker.core.validation import accident_problem
from casetracker.injury.models import InjuryDetails
from casetracker.injury.schemas import AccidentIn
from casetracker.people.models import Client, InsuredPerson, Region
from casetracker.workflows.injury import TYPE, WITHDRAWN


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()).replace("\u3000", "") == "".join(b.split()).replace("\u3000", "")


def _region(session: Session, client: Client, wanted: int | str | None) -> Region:
    if wanted is None:
        return client.default_region
    region = (
        session.get(Region, wanted)
        if isinstance(wanted, int)
        else session.scalar(select(Region).where(Region.name == wanted))
    )
    if region is None:
        raise Invalid(_("参保地：不存在"), field_errors={"region": _("参保地：不存在")})
    return region


def _employee(
    session: Session, client: Client, region: Region, data: AccidentIn, actor: User, now: datetime
) -> InsuredPerson:
    """The insured person with this ID at this client; created on the spot when new."""
    known = list(
        session.scalars(
            select(InsuredPerson)
            .where(InsuredPerson.id_number == data.employee.id_number)
            .order_by(InsuredPerson.id)
        )
    )
    for person in known:
        if not _same_name(person.name, data.employee.name):
            message = _("身份证号码已登记为「{name}」，请核对姓名或号码").format(name=person.name)
            raise Invalid(message, field_errors={"employee.id_number": message})
    here = next((p for p in known if p.client_id == client.id), None)
    if here is not None:  # complete what the record lacks, never overwrite it
        typed = data.employee.hire_on
        if here.hire_on is not None and typed is not None and typed != here.hire_on:
            message = _(
                "入职日期：系统记录为 {stored}，以系统记录为准。如记录有误，请先到参保人页面"
                "更正；本次登记请留空或填写 {stored}"
            ).format(stored=here.hire_on.isoformat())
            raise Invalid(message, field_errors={"employee.hire_on": message})
        here.phone = here.phone or data.employee.phone
        here.hire_on = here.hire_on or typed
        return here
    person = InsuredPerson(
        name=data.employee.name,
        id_number=data.employee.id_number,
        client_id=client.id,
        region_id=region.id,
        phone=data.employee.phone,
        hire_on=data.employee.hire_on,
        leave_on=None,
        contribution_base=None,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(person)
            session.flush()
    except IntegrityError:
        # The same call recorded a moment ago by someone else created this person first
        # (their transaction has committed, so the row is there to read now). Rolling the
        # savepoint back has already taken the new row out of the session, or not: either
        # way it must not stay.
        if person in session:
            session.expunge(person)
        existing = session.scalar(
            select(InsuredPerson).where(
                InsuredPerson.client_id == client.id,
                InsuredPerson.id_number == data.employee.id_number,
            )
        )
        if existing is None:
            raise
        return existing
    audit.record(
        session=session,
        actor=actor,
        action="insured.created",
        subject_type="insured",
        subject_id=person.id,
        at=now,
        after={
            "name": person.name,
            "id_number": person.id_number,
            "client_id": client.id,
            "via": "injury_intake",
        },
    )
    return person


def _already_recorded(
    session: Session, person: InsuredPerson, accident_at: datetime
) -> Case | None:
    """The live case of this person's accident at this time, if one exists. The person's row
    is locked first, so two intakes of the same call queue here instead of both opening."""
    session.execute(select(InsuredPerson.id).where(InsuredPerson.id == person.id).with_for_update())
    return session.scalar(
        select(Case)
        .join(InjuryDetails, InjuryDetails.case_id == Case.id)
        .where(
            Case.insured_id == person.id,
            InjuryDetails.accident_at == accident_at,
            Case.state != WITHDRAWN,
        )
        .order_by(Case.id)
        .limit(1)
    )


def record_accident(
    *, session: Session, data: AccidentIn, actor: User, now: datetime
) -> tuple[Case, bool]:
    """Open an injury case from a phone call and return it with True; or, when this person's
    accident at this very time is already on record (the same call entered twice), return
    that case with False. Whoever records it owns it (any specialist may take the call for
    any client) until a supervisor reassigns it."""
    if actor.role == Role.ADMIN:  # the recorder owns the case, and admins do not work cases
        raise Forbidden(_("管理员不处理案件：请由专员或主管登记事故"))
    accident_at = (
        data.accident_at if data.accident_at.tzinfo else data.accident_at.replace(tzinfo=CHINA_TZ)
    )
    client = session.get(Client, data.client_id)
    if client is None:
        message = _("客户不存在（编号 {id}）").format(id=data.client_id)
        raise Invalid(message, field_errors={"client_id": message})
    region = _region(session, client, data.region)
    person = _employee(session, client, region, data, actor, now)
    problem = accident_problem(
        accident_at, now=now, hire_on=person.hire_on, born=birth_date(person.id_number)
    )
    if problem:
        raise Invalid(problem, field_errors={"accident_at": problem})
    existing = _already_recorded(session, person, accident_at)
    if existing is not None:
        return existing, False
    case = case_service.open_case(
        session=session,
        case_type=TYPE,
        client_id=client.id,
        region_id=region.id,
        owner=actor,
        event_at=accident_at,
        now=now,
        insured_id=person.id,
        title=_("{name} {date} 工伤").format(
            name=person.name, date=accident_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d")
        ),
    )
    session.add(
        InjuryDetails(
            case_id=case.id,
            accident_at=accident_at,
            place=data.place,
            description=data.description,
            injured_part=data.injured_part,
            hospital=data.hospital,
            reporter_name=data.reporter_name,
            reporter_contact=data.reporter_contact,
        )
    )
    session.flush()
    return case, True


def details(*, session: Session, case: Case) -> InjuryDetails | None:
    return session.get(InjuryDetails, case.id)
