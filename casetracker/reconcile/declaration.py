"""What a batch declares at the bureau's counter (参保人员增减员申报表): the people resolved as
enrolled (增员), as stopped (减员) and with their base corrected (基数调整), as a packet on
the packet framework (PDF, kept with its hash) and as a workbook.

A line takes what the files said about the person (the item's roster and bill facts); an
item carried from last month, which has none, takes them from the person held here."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.cases.models import Case
from casetracker.cases.types import PacketData
from casetracker.core.i18n import N_, in_locale
from casetracker.people.models import Client, InsuredPerson
from casetracker.reconcile import workbook
from casetracker.reconcile.batch import CATEGORIES, details
from casetracker.reconcile.models import BatchItem, Resolution
from casetracker.workflows.engine import Label
from casetracker.workflows.monthly_batch import WORKFLOW

# The states before the differences exist: nothing to declare yet.
_BEFORE_RECONCILED = frozenset({"draft", "imported"})
assert _BEFORE_RECONCILED <= {s.name for s in WORKFLOW.states}, "monthly_batch states renamed"


@dataclass(frozen=True)
class Line:
    """One person on the list, as the counter wants them."""

    id_number: str
    name: str
    sex: str
    client: str
    on: date | None  # hired (增员) or left (减员)
    base: Decimal | None  # the base declared (增员, 基数调整: the roster's; 减员: the bill's)
    old_base: Decimal | None  # 基数调整: the bill's
    category: str  # the difference it resolves
    reason: str  # what the specialist wrote

    def note(self, translate: Callable[[str], str] = str) -> str:
        """Why the person is on the list."""
        return "：".join(filter(None, [translate(CATEGORIES.get(self.category, "")), self.reason]))


@dataclass(frozen=True)
class Declaration:
    month: str
    region: str
    enrol: list[Line]
    stop: list[Line]
    base: list[Line]

    @property
    def people(self) -> int:
        return len(self.enrol) + len(self.stop) + len(self.base)


def _sex(id_number: str) -> str:
    return ("男" if int(id_number[16]) % 2 else "女") if len(id_number) == 18 else ""


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _money(value: object) -> Decimal | None:
    return Decimal(value) if isinstance(value, str) and value else None


def _held(session: Session, region_id: int, idents: set[str]) -> dict[str, InsuredPerson]:
    """The people held here for the items whose files said nothing of them."""
    if not idents:
        return {}
    found: dict[str, InsuredPerson] = {}
    for person in session.scalars(
        select(InsuredPerson)
        .join(Client, Client.id == InsuredPerson.client_id)
        .where(InsuredPerson.region_id == region_id, InsuredPerson.id_number.in_(idents))
        .order_by(InsuredPerson.id)
    ):
        found[person.id_number] = person  # the latest record of a person rehired
    return found


def declaration(session: Session, case: Case) -> Declaration:
    batch = details(session, case)
    items = list(
        session.scalars(
            select(BatchItem)
            .where(
                BatchItem.case_id == case.id,
                BatchItem.resolution.in_(
                    (
                        Resolution.ENROLLED.value,
                        Resolution.STOPPED.value,
                        Resolution.BASE_CORRECTED.value,
                    )
                ),
            )
            .order_by(BatchItem.id)
        )
    )
    held = _held(
        session, batch.region_id, {i.id_number for i in items if "roster_name" not in i.details}
    )
    lists: dict[str, list[Line]] = {r: [] for r in ("enrolled", "stopped", "base_corrected")}
    listed: set[tuple[str, str]] = set()
    for item in items:
        key = (item.resolution or "", item.id_number)
        if key in listed:  # a person resolved twice the same way is declared once
            continue
        listed.add(key)
        d = item.details
        person = held.get(item.id_number)
        stopped = item.resolution == Resolution.STOPPED.value
        on = _day(d.get("leave_on" if stopped else "hire_on"))
        if on is None and person is not None:
            on = person.leave_on if stopped else person.hire_on
        base = _money(d.get("bill_base" if stopped else "roster_base"))
        if base is None and person is not None and not stopped:
            base = person.contribution_base
        client = d.get("client") or (person.client.name if person is not None else "")
        lists[item.resolution or ""].append(
            Line(
                id_number=item.id_number,
                name=item.name,
                sex=_sex(item.id_number),
                client=str(client),
                on=on,
                base=base,
                old_base=_money(d.get("bill_base"))
                if item.resolution == Resolution.BASE_CORRECTED.value
                else None,
                category=item.category,
                reason=item.reason,
            )
        )
    return Declaration(
        month=batch.month,
        region=case.region.name,
        enrol=lists["enrolled"],
        stop=lists["stopped"],
        base=lists["base_corrected"],
    )


def _both(message: str) -> Label:
    return Label(message, in_locale("en", message))


def missing(session: Session, case: Case) -> list[Label]:
    """The list is final once the month is reconciled and every difference has its
    resolution (nothing left that might still join it)."""
    if case.state in _BEFORE_RECONCILED:
        return [_both(N_("对账（核对账单与名册）"))]
    left = (
        session.scalar(
            select(BatchItem.id)
            .where(BatchItem.case_id == case.id, BatchItem.resolution.is_(None))
            .limit(1)
        )
        is not None
    )
    return [_both(N_("处理完全部差异"))] if left else []


def packet_data(session: Session, case: Case) -> PacketData:
    found = declaration(session, case)
    return PacketData({"declaration": found}, repr(found), id_numbers=found.people)


_ENROL_HEADERS = [
    N_("序号"),
    N_("姓名"),
    N_("公民身份号码"),
    N_("性别"),
    N_("用工单位"),
    N_("入职日期"),
    N_("缴费基数"),
    N_("参保起始年月"),
    N_("说明"),
]
_STOP_HEADERS = [
    N_("序号"),
    N_("姓名"),
    N_("公民身份号码"),
    N_("性别"),
    N_("用工单位"),
    N_("离职日期"),
    N_("缴费基数"),
    N_("停保年月"),
    N_("说明"),
]
_BASE_HEADERS = [
    N_("序号"),
    N_("姓名"),
    N_("公民身份号码"),
    N_("用工单位"),
    N_("原缴费基数"),
    N_("新缴费基数"),
    N_("调整年月"),
    N_("说明"),
]


def export(*, session: Session, case: Case, actor: User, translate: Callable[[str], str]) -> bytes:
    """The list as a workbook: a sheet each for 增员, 减员 and 基数调整; audited on the batch
    with the count of whole ID numbers it prints."""
    found = declaration(session, case)
    audit.id_numbers_listed(
        session=session, actor=actor, case_id=case.id, count=found.people, via="declaration_xlsx"
    )

    def dated(lines: list[Line]) -> list[list[object]]:
        return [
            [n, x.name, x.id_number, x.sex, x.client, x.on, x.base, found.month, x.note(translate)]
            for n, x in enumerate(lines, start=1)
        ]

    based: list[list[object]] = [
        [n, x.name, x.id_number, x.client, x.old_base, x.base, found.month, x.note(translate)]
        for n, x in enumerate(found.base, start=1)
    ]
    return workbook.tables_workbook(
        [
            (translate(N_("增员")) + f" {found.month}", _ENROL_HEADERS, dated(found.enrol)),
            (translate(N_("减员")) + f" {found.month}", _STOP_HEADERS, dated(found.stop)),
            (translate(N_("基数调整")) + f" {found.month}", _BASE_HEADERS, based),
        ],
        translate,
    )
