"""Reads and writes of clients and insured people. Services flush; the caller commits."""

from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Select, case, literal, or_, select, union_all
from sqlalchemy.orm import Session, joinedload

from casetracker.audit import service as audit
from casetracker.auth.models import Role, User
from casetracker.core import clock
from casetracker.core.errors import Invalid, NotFound
from casetracker.core.i18n import _
from casetracker.core.pagination import Page, paginate
from casetracker.core.settings import Settings
from casetracker.core.sql import contains
from casetracker.people.matching import person_matches
from casetracker.people.models import Client, InsuredPerson, Region, SalesRep
from casetracker.people.schemas import ClientForm, InsuredForm

CLIENT_FIELDS = [
    "name",
    "credit_code",
    "contact_name",
    "contact_phone",
    "address",
    "sales_rep_id",
    "owner_id",
    "default_region_id",
]
INSURED_FIELDS = [
    "name",
    "id_number",
    "client_id",
    "region_id",
    "hire_on",
    "leave_on",
    "contribution_base",
    "phone",
]


def list_regions(*, session: Session) -> list[Region]:
    return list(session.scalars(select(Region).order_by(Region.is_local.desc(), Region.name)))


def list_sales_reps(*, session: Session) -> list[SalesRep]:
    return list(session.scalars(select(SalesRep).order_by(SalesRep.name)))


def list_specialists(*, session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User).where(User.role == Role.SPECIALIST, User.is_active).order_by(User.username)
        )
    )


def all_clients(*, session: Session) -> list[Client]:
    return list(session.scalars(select(Client).order_by(Client.name)))


@dataclass(frozen=True, slots=True)
class Choice:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class FilterMenus:
    """The drop-downs a case list filters by."""

    clients: list[Choice]
    regions: list[Choice]
    owners: list[Choice]


@cache
def _menus_query() -> Select[Any]:
    """The menus' one statement, built once: of the table columns, so it runs as plain SQL
    without the ORM's per-statement work."""
    clients, regions, users = Client.__table__.c, Region.__table__.c, User.__table__.c
    menus = union_all(
        select(  # the first select names the columns
            literal("client").label("kind"),
            clients.id.label("id"),
            clients.name.label("name"),
            literal(0).label("rank"),
            clients.name.label("sort"),
        ),
        select(
            literal("region"),
            regions.id,
            regions.name,
            case((regions.is_local, 0), else_=1),
            regions.name,
        ),
        select(  # specialists by login, as the other lists of people
            literal("owner"), users.id, users.display_name, literal(0), users.username
        ).where(users.role == Role.SPECIALIST.value, users.is_active),
    ).subquery()
    return select(menus.c.kind, menus.c.id, menus.c.name).order_by(
        menus.c.kind, menus.c.rank, menus.c.sort
    )


def filter_menus(*, session: Session) -> FilterMenus:
    """Every client, region and active specialist by id and name, in one query of plain rows
    (a list page draws these menus on every view; three ORM queries cost it a seventh of its
    time), each in its usual order: regions local first."""
    found: dict[str, list[Choice]] = {"client": [], "region": [], "owner": []}
    for kind, id_, name in session.execute(_menus_query()).all():
        found[kind].append(Choice(id_, name))
    return FilterMenus(clients=found["client"], regions=found["region"], owners=found["owner"])


def region_choices(*, session: Session) -> list[Choice]:
    """Every region's id and name as plain rows, local first (a case page's correction form
    offers them on every view)."""
    return [
        Choice(id_, name)
        for id_, name in session.execute(
            select(Region.id, Region.name).order_by(Region.is_local.desc(), Region.name)
        )
    ]


Row = TypeVar("Row", Client, InsuredPerson)


def _save(
    *,
    session: Session,
    model: type[Row],
    row: Row | None,
    fields: list[str],
    values: dict[str, Any],
    subject_type: str,
    actor: User,
) -> Row:
    """Create (`row` None) or update a row from checked values, and audit it: a creation
    as `<subject_type>.created` with what was stored, an update as `.updated` with before
    and after, and only when something changed."""
    before = None if row is None else audit.snapshot(row, fields)
    if row is None:
        row = model(created_at=clock.now())
    for field, value in values.items():
        setattr(row, field, value)
    session.add(row)
    session.flush()
    after = audit.snapshot(row, fields)
    if after != before:
        audit.record(
            session=session,
            actor=actor,
            action=f"{subject_type}.{'created' if before is None else 'updated'}",
            subject_type=subject_type,
            subject_id=row.id,
            before=before,
            after=after,
        )
    return row


# --- clients -------------------------------------------------------------------------------


def _client_query(q: str, region_id: int | None, sales_rep_id: int | None) -> Select[Any]:
    query = select(Client).options(joinedload(Client.default_region), joinedload(Client.sales_rep))
    if q:
        query = query.where(or_(contains(Client.name, q), contains(Client.credit_code, q)))
    if region_id:
        query = query.where(Client.default_region_id == region_id)
    if sales_rep_id:
        query = query.where(Client.sales_rep_id == sales_rep_id)
    return query.order_by(Client.name, Client.id)


def list_clients(
    *,
    session: Session,
    q: str = "",
    region_id: int | None = None,
    sales_rep_id: int | None = None,
    page: int = 1,
) -> Page[Client]:
    return paginate(session, _client_query(q.strip(), region_id, sales_rep_id), page=page)


def require_client(*, session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(_("客户不存在（编号 {id}）").format(id=client_id))
    return client


def _check_client_refs(session: Session, data: ClientForm, client_id: int | None) -> None:
    errors: dict[str, str] = {}
    if session.get(Region, data.default_region_id) is None:
        errors["default_region_id"] = _("默认参保地：不存在")
    if data.sales_rep_id is not None and session.get(SalesRep, data.sales_rep_id) is None:
        errors["sales_rep_id"] = _("业务员：不存在")
    if data.owner_id is not None:
        owner = session.get(User, data.owner_id)
        if owner is None or owner.role != Role.SPECIALIST:
            errors["owner_id"] = _("负责专员：不存在或不是专员")
    for field, value, label in (
        ("name", data.name, _("客户名称")),
        ("credit_code", data.credit_code, _("统一社会信用代码")),
    ):
        other = session.scalar(select(Client.id).where(getattr(Client, field) == value))
        if other is not None and other != client_id:
            errors[field] = _("{label}：已被其他客户使用").format(label=label)
    if errors:
        raise Invalid("；".join(errors.values()), field_errors=errors)


def save_client(
    *, session: Session, existing: Client | None, data: ClientForm, actor: User
) -> Client:
    """Create a client (`existing` None) or update one, with its audit row."""
    _check_client_refs(session, data, existing.id if existing else None)
    return _save(
        session=session,
        model=Client,
        row=existing,
        fields=CLIENT_FIELDS,
        values=data.model_dump(),
        subject_type="client",
        actor=actor,
    )


# --- insured people ------------------------------------------------------------------------


def insured_query(
    *,
    q: str = "",
    client_id: int | None = None,
    region_id: int | None = None,
    status: str = "",
) -> Select[Any]:
    """People matching a name fragment, a whole ID number or its last digits, and filters."""
    q = q.strip()
    query = select(InsuredPerson).options(
        joinedload(InsuredPerson.client), joinedload(InsuredPerson.region)
    )
    if q:
        query = query.where(person_matches(q))
    if client_id:
        query = query.where(InsuredPerson.client_id == client_id)
    if region_id:
        query = query.where(InsuredPerson.region_id == region_id)
    today = clock.today()
    if status == "active":
        query = query.where(or_(InsuredPerson.leave_on.is_(None), InsuredPerson.leave_on >= today))
    elif status == "left":
        query = query.where(InsuredPerson.leave_on < today)
    return query.order_by(InsuredPerson.name, InsuredPerson.id)


def list_insured(
    *,
    session: Session,
    q: str = "",
    client_id: int | None = None,
    region_id: int | None = None,
    status: str = "",
    page: int = 1,
    per_page: int = 50,
) -> Page[InsuredPerson]:
    query = insured_query(q=q, client_id=client_id, region_id=region_id, status=status)
    return paginate(session, query, page=page, per_page=per_page)


def require_insured(*, session: Session, person_id: int) -> InsuredPerson:
    person = session.get(InsuredPerson, person_id)
    if person is None:
        raise NotFound(_("参保人不存在（编号 {id}）").format(id=person_id))
    return person


def _resolve_insured(
    session: Session, data: InsuredForm, person: InsuredPerson | None
) -> dict[str, Any]:
    """Check references and uniqueness; fill the region from the client when left blank."""
    errors: dict[str, str] = {}
    values = data.model_dump()
    client = session.get(Client, data.client_id)
    if client is None:
        errors["client_id"] = _("客户：不存在")
    if data.region_id is None:
        values["region_id"] = client.default_region_id if client else None
    elif session.get(Region, data.region_id) is None:
        errors["region_id"] = _("参保地：不存在")
    if data.id_number is None:
        if person is None:
            errors["id_number"] = _("身份证号码：必填")
        else:
            values["id_number"] = person.id_number
    if client is not None and values.get("id_number"):
        other = session.scalar(
            select(InsuredPerson.id).where(
                InsuredPerson.client_id == client.id, InsuredPerson.id_number == values["id_number"]
            )
        )
        if other is not None and (person is None or other != person.id):
            errors["id_number"] = _("身份证号码：该客户下已有此人")
    if errors:
        raise Invalid("；".join(errors.values()), field_errors=errors)
    return values


def save_insured(
    *, session: Session, existing: InsuredPerson | None, data: InsuredForm, actor: User
) -> InsuredPerson:
    """Create an insured person (`existing` None) or update one, with its audit row; on
    update a blank ID number keeps the stored one."""
    return _save(
        session=session,
        model=InsuredPerson,
        row=existing,
        fields=INSURED_FIELDS,
        values=_resolve_insured(session, data, existing),
        subject_type="insured",
        actor=actor,
    )


def may_see_full_id(user: User, settings: Settings) -> bool:
    return user.role.value in settings.id_full_view_roles


def show_full_id(
    *, session: Session, person: InsuredPerson, actor: User, settings: Settings, via: str
) -> bool:
    """Whether the actor sees the person's ID number whole; when so, the view is audited
    (with the request's address, which the audit log takes from the request context)."""
    full = may_see_full_id(actor, settings)
    if full:
        record_full_id_view(session=session, people=[person], actor=actor, ip=None, via=via)
    return full


def record_full_id_view(
    *, session: Session, people: list[InsuredPerson], actor: User, ip: str | None, via: str
) -> None:
    """Every whole ID number shown is audited: who saw whose number, when and where."""
    if not people:
        return
    subject_id = str(people[0].id) if len(people) == 1 else f"{len(people)} people"
    audit.record(
        session=session,
        actor=actor,
        action="insured.id_number_viewed",
        subject_type="insured",
        subject_id=subject_id,
        ip=ip,
        after={"via": via, "insured_ids": [p.id for p in people]},
    )
