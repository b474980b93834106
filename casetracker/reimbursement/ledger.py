"""The ledger (上账台账): the claims posted to the clients' accounts in a month, by client,
with exact totals, and as a workbook."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.cases.models import Case
from casetracker.core import clock
from casetracker.core.i18n import N_
from casetracker.people.models import Client
from casetracker.reconcile import workbook
from casetracker.reconcile.classes import Month
from casetracker.reimbursement.models import ClaimDetails


@dataclass(frozen=True)
class Posting:
    claim_id: int
    title: str
    posted_on: date
    reference: str
    amount: Decimal


@dataclass
class ClientPostings:
    client_id: int | None
    client: str
    postings: list[Posting] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.postings), Decimal("0.00"))


@dataclass
class Ledger:
    month: str
    clients: list[ClientPostings]

    @property
    def total(self) -> Decimal:
        return sum((c.total for c in self.clients), Decimal("0.00"))


def this_month() -> Month:
    today = clock.local(clock.now()).date()
    return Month(today.year, today.month)


def ledger(*, session: Session, month: Month) -> Ledger:
    rows = session.execute(
        select(
            Case.id,
            Case.title,
            Case.client_id,
            Client.name,
            ClaimDetails.posted_on,
            ClaimDetails.posted_reference,
            ClaimDetails.paid_amount,
        )
        .join(ClaimDetails, ClaimDetails.case_id == Case.id)
        .outerjoin(Client, Client.id == Case.client_id)
        .where(ClaimDetails.posted_on.between(month.first_day, month.last_day))
        .order_by(Client.name, ClaimDetails.posted_on, Case.id)
    )
    by_client: dict[int | None, ClientPostings] = {}
    for claim_id, title, client_id, client, posted_on, reference, amount in rows:
        entry = by_client.setdefault(client_id, ClientPostings(client_id, client or "—"))
        entry.postings.append(
            Posting(
                claim_id, title, posted_on or month.first_day, reference, amount or Decimal("0.00")
            )
        )
    return Ledger(str(month), list(by_client.values()))


def export(found: Ledger, translate: Callable[[str], str]) -> bytes:
    """A sheet per month: every posting with its client, then each client's total."""
    rows: list[list[object]] = [
        [c.client, p.claim_id, p.title, p.posted_on, p.reference, p.amount]
        for c in found.clients
        for p in c.postings
    ]
    totals: list[list[object]] = [[c.client, len(c.postings), c.total] for c in found.clients]
    totals.append([translate(N_("合计")), sum(len(c.postings) for c in found.clients), found.total])
    return workbook.tables_workbook(
        [
            (
                translate(N_("上账明细")) + f" {found.month}",
                [
                    N_("用工单位"),
                    N_("报销案件"),
                    N_("标题"),
                    N_("上账日期"),
                    N_("上账凭证号"),
                    N_("金额"),
                ],
                rows,
            ),
            (
                translate(N_("按用工单位")) + f" {found.month}",
                [N_("用工单位"), N_("笔数"), N_("金额")],
                totals,
            ),
        ],
        translate,
    )
