"""The sales reps' roster changes (hires, departures, base changes) applied to the insured
people: a plan first (who is new, who leaves, whose base or dates change, and every row
that cannot be applied, with its row number), then, when nothing is wrong, all of it in one
unit of work with an audit row per person. A person is their client (派遣单位, by name) and
ID number; the file never renames anyone."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.core.i18n import N_
from casetracker.people.models import Client, InsuredPerson
from casetracker.people.service import INSURED_FIELDS
from casetracker.reconcile.records import Problem, Record, Table

CHANGED = ("hire_on", "leave_on", "contribution_base")
PREVIEW_ROWS = 200  # rows of each kind the preview lists (the counts are always whole)


@dataclass(slots=True)
class Change:
    """One person's change: `person_id` None for someone new."""

    record: Record
    client_id: int
    person_id: int | None
    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def kinds(self) -> list[str]:
        if self.person_id is None:
            return ["new"]
        found = []
        if self.before["leave_on"] != self.after["leave_on"]:
            found.append("leaver" if self.after["leave_on"] else "rehired")
        if self.before["contribution_base"] != self.after["contribution_base"]:
            found.append("base")
        if self.before["hire_on"] != self.after["hire_on"]:
            found.append("hire_on")
        return found


@dataclass(slots=True)
class RosterPlan:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = {"new": 0, "leaver": 0, "rehired": 0, "base": 0, "hire_on": 0}
        for change in self.changes:
            for kind in change.kinds:
                found[kind] += 1
        return found | {"unchanged": self.unchanged, "errors": len(self.problems)}

    def preview(self) -> dict[str, Any]:
        """What the preview page shows (JSON-safe): counts, and the first rows of each kind
        with the values before and after."""
        shown: dict[str, list[dict[str, Any]]] = {}
        for change in self.changes:
            for kind in change.kinds:
                rows = shown.setdefault(kind, [])
                if len(rows) < PREVIEW_ROWS:
                    rows.append(
                        {
                            "row": change.record.row,
                            "sheet": change.record.sheet,
                            "name": change.record.name,
                            "id_number": change.record.id_number,
                            "client": change.record.client,
                            "before": change.before,
                            "after": change.after,
                        }
                    )
        return {
            "counts": self.counts(),
            "rows": shown,
            "errors": [
                {"sheet": p.sheet, "row": p.row, "reason": p.text()} for p in self.problems[:1000]
            ],
        }


def _values(person: InsuredPerson | None) -> dict[str, Any]:
    if person is None:
        return {"hire_on": None, "leave_on": None, "contribution_base": None}
    return {
        "hire_on": _iso(person.hire_on),
        "leave_on": _iso(person.leave_on),
        "contribution_base": _money(person.contribution_base),
    }


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def plan(*, session: Session, table: Table) -> RosterPlan:
    """What applying the file would change; rows that cannot be applied are problems."""
    found = RosterPlan(problems=list(table.problems))
    clients = {name: cid for cid, name in session.execute(select(Client.id, Client.name))}
    wanted = {(clients.get(r.client.strip()), r.id_number) for r in table.records}
    known: dict[tuple[int, str], InsuredPerson] = {}
    keys = [key for key in wanted if key[0] is not None]
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        for row in session.scalars(
            select(InsuredPerson).where(
                tuple_(InsuredPerson.client_id, InsuredPerson.id_number).in_(chunk)
            )
        ):
            known[(row.client_id, row.id_number)] = row
    seen: set[tuple[int, str]] = set()
    for record in table.records:
        problem = _check(record, clients, known, seen)
        if problem is not None:
            found.problems.append(problem)
            continue
        client_id = clients[record.client.strip()]
        seen.add((client_id, record.id_number))
        person = known.get((client_id, record.id_number))
        before = _values(person)
        after = {
            "hire_on": _iso(record.hire_on) if record.hire_on else before["hire_on"],
            "leave_on": _iso(record.leave_on),
            "contribution_base": _money(record.base)
            if record.base is not None
            else before["contribution_base"],
        }
        if person is not None and after == before:
            found.unchanged += 1
            continue
        found.changes.append(
            Change(record, client_id, person.id if person else None, before, after)
        )
    found.problems.sort(key=lambda p: (p.sheet, p.row))
    return found


def _problem(record: Record, reason: str, detail: str = "") -> Problem:
    return Problem("", record.sheet, record.row, reason=reason, detail=detail)


def fingerprint(roster: RosterPlan) -> str:
    """What a plan would do, in one digest: applying refuses a plan that differs from the
    one previewed (someone changed the people in between)."""
    digest = hashlib.sha256()
    for change in roster.changes:
        digest.update(repr((change.client_id, change.person_id, change.record.id_number)).encode())
        digest.update(repr(sorted(change.after.items())).encode())
    digest.update(repr((roster.unchanged, len(roster.problems))).encode())
    return digest.hexdigest()


def _check(
    record: Record,
    clients: dict[str, int],
    known: dict[tuple[int, str], InsuredPerson],
    seen: set[tuple[int, str]],
) -> Problem | None:
    client_id = clients.get(record.client.strip())
    if not record.client.strip():
        return _problem(record, N_("派遣单位为空"))
    if client_id is None:
        return _problem(record, N_("派遣单位不在客户名单中"), record.client)
    if (client_id, record.id_number) in seen:
        return _problem(record, N_("同一派遣单位下此人出现了两次"))
    person = known.get((client_id, record.id_number))
    if person is not None and person.name.replace(" ", "") != record.name.replace(" ", ""):
        return _problem(record, N_("姓名与系统记录不符"), person.name)
    hired = record.hire_on or (person.hire_on if person else None)
    if record.leave_on is not None and hired is not None and record.leave_on < hired:
        return _problem(record, N_("离职日期早于入职日期"))
    if record.base is not None and record.base < 0:
        return _problem(record, N_("缴费基数不能为负数"))
    if person is None and record.hire_on is None:
        return _problem(record, N_("新入职人员须填写入职日期"))
    return None


def apply(*, session: Session, roster: RosterPlan, actor: User, now: datetime) -> dict[str, int]:
    """Every change of a plan with no problems, with an audit row per person."""
    if roster.problems:
        raise ValueError("a roster plan with problems is not applied")
    regions: dict[int, int] = dict(
        session.execute(select(Client.id, Client.default_region_id)).all()
    )
    for change in roster.changes:
        record = change.record
        if change.person_id is None:
            person = InsuredPerson(
                name=record.name,
                id_number=record.id_number,
                client_id=change.client_id,
                region_id=regions[change.client_id],
                phone="",
                created_at=now,
            )
            before = None
        else:
            found = session.get(InsuredPerson, change.person_id)
            assert found is not None
            person = found
            before = audit.snapshot(person, INSURED_FIELDS)
        person.hire_on = _day(change.after["hire_on"])
        person.leave_on = _day(change.after["leave_on"])
        base = change.after["contribution_base"]
        person.contribution_base = None if base is None else Decimal(base)
        session.add(person)
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action="insured.created" if before is None else "insured.updated",
            subject_type="insured",
            subject_id=person.id,
            before=before,
            after=audit.snapshot(person, INSURED_FIELDS),
            at=now,
        )
    return roster.counts()


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
