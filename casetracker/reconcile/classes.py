"""The reconciliation of one month: the roster (who works for us, when, on which base)
against the bureau's bill (who is billed, on which base, for which period), by ID number.

How the classes combine (DOMAIN.md): an unreadable row is reported once, as `invalid`, and
takes part in nothing else. A bill line of another period than the month, or of type 补缴
(back-pay) or 退收 (refund), is `other_period` and takes part in nothing else. Every other
class is independent: one person can be billed twice on another base and is then listed
under both `duplicate` and `base_mismatch`.

- `to_enroll`: in the roster, employed during the month (hired on or before its last day,
  not left before its first), and not billed for it.
- `to_stop`: billed for the month, but left (in the roster) before its first day. Someone
  who leaves inside the month is still billed for it: not a difference.
- `not_in_roster`: billed, and no roster row carries the ID.
- `base_mismatch`: billed on another base than the roster's (Decimal, to the cent).
- `name_mismatch`: the bill's name is not the roster's (compared without spaces).
- `duplicate`: billed more than once for the month.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from casetracker.core.i18n import N_
from casetracker.reconcile.records import NORMAL, Problem, Record

CLASSES: dict[str, str] = {
    "to_enroll": N_("应增员"),
    "to_stop": N_("应减员"),
    "not_in_roster": N_("名册中没有"),
    "base_mismatch": N_("基数不符"),
    "name_mismatch": N_("姓名不符"),
    "duplicate": N_("重复计费"),
    "other_period": N_("其他所属期（补缴、退收）"),
    "invalid": N_("无法读取的行"),
}


@dataclass(frozen=True, slots=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, written: str) -> "Month":
        """2026-11 (ValueError otherwise)."""
        year, sep, month = written.strip().partition("-")
        if not (sep and year.isdigit() and month.isdigit() and len(year) == 4):
            raise ValueError(written)
        if not 1 <= int(month) <= 12:
            raise ValueError(written)
        return cls(int(year), int(month))

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        following = date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return following - timedelta(days=1)

    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(slots=True)
class Item:
    """One difference: its class, the person, and the rows it comes from."""

    category: str
    id_number: str
    name: str
    roster: Record | None = None
    bills: list[Record] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The item with what it comes from; a fact the files do not give is left out."""
        found: dict[str, Any] = {
            "category": self.category,
            "id_number": self.id_number,
            "name": self.name,
        }
        if self.roster is not None:
            found.update(
                roster_name=self.roster.name,
                roster_base=_money(self.roster.base),
                hire_on=_day(self.roster.hire_on),
                leave_on=_day(self.roster.leave_on),
                client=self.roster.client,
                roster_row={"sheet": self.roster.sheet, "row": self.roster.row},
            )
        if self.bills:
            first = self.bills[0]
            found.update(
                bill_name=first.name,
                bill_base=_money(first.base),
                period=first.period,
                pay_type=first.pay_type,
                bill_total=_money(first.total),
                bill_rows=[{"sheet": b.sheet, "row": b.row} for b in self.bills],
            )
        if self.category == "duplicate":
            found["count"] = len(self.bills)
        return {key: value for key, value in found.items() if value is not None}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(slots=True)
class Reconciliation:
    month: Month
    items: list[Item]
    problems: list[Problem]

    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(CLASSES, 0)
        for item in self.items:
            counts[item.category] += 1
        counts["invalid"] = len(self.problems)
        return counts

    def as_json(self) -> dict[str, Any]:
        """The CLI's contract: month, summary, items, errors."""
        return {
            "month": str(self.month),
            "summary": self.summary(),
            "items": [item.as_json() for item in self.items],
            "errors": [
                {"file": p.file, "sheet": p.sheet, "row": p.row, "reason": p.text()}
                for p in self.problems
            ],
        }


def _same_name(name: str) -> str:
    """What names compare by: without half- or full-width spaces anywhere (欧阳 娜娜 and
    欧阳　娜娜 are one name; names are already trimmed when read)."""
    return name.replace(" ", "").replace("\u3000", "")


def _employed_during(person: Record, month: Month) -> bool:
    hired = person.hire_on is None or person.hire_on <= month.last_day
    return hired and (person.leave_on is None or person.leave_on >= month.first_day)


def _roster_by_id(roster: Iterable[Record], month: Month) -> dict[str, Record]:
    """One roster row per ID: the one employed during the month if any (a person rehired
    appears twice), else the latest."""
    found: dict[str, Record] = {}
    for person in roster:
        known = found.get(person.id_number)
        if known is None or (
            _employed_during(person, month) and not _employed_during(known, month)
        ):
            found[person.id_number] = person
        elif _employed_during(person, month) == _employed_during(known, month) and (
            person.hire_on or date.min
        ) >= (known.hire_on or date.min):
            found[person.id_number] = person
    return found


def reconcile(
    *, month: Month, roster: Iterable[Record], bill: Iterable[Record], problems: list[Problem]
) -> Reconciliation:
    """Every difference between the roster and the bill for `month`, in class order, each
    class in the order of the rows it comes from."""
    people = _roster_by_id(roster, month)
    billed: dict[str, list[Record]] = {}
    by_class: dict[str, list[Item]] = {key: [] for key in CLASSES}
    wanted = str(month)
    for line in bill:
        if line.pay_type not in ("", NORMAL) or (line.period or wanted) != wanted:
            by_class["other_period"].append(
                Item("other_period", line.id_number, line.name, bills=[line])
            )
        else:
            billed.setdefault(line.id_number, []).append(line)
    for ident, lines in billed.items():
        person = people.get(ident)
        first = lines[0]
        if person is None:
            by_class["not_in_roster"].append(Item("not_in_roster", ident, first.name, None, lines))
            continue
        if len(lines) > 1:
            by_class["duplicate"].append(Item("duplicate", ident, person.name, person, lines))
        if person.leave_on is not None and person.leave_on < month.first_day:
            by_class["to_stop"].append(Item("to_stop", ident, person.name, person, lines))
        if person.base is not None and any(
            line.base is not None and line.base != person.base for line in lines
        ):
            by_class["base_mismatch"].append(
                Item("base_mismatch", ident, person.name, person, lines)
            )
        if any(_same_name(line.name) != _same_name(person.name) for line in lines):
            by_class["name_mismatch"].append(
                Item("name_mismatch", ident, person.name, person, lines)
            )
    for ident, person in people.items():
        if ident not in billed and _employed_during(person, month):
            by_class["to_enroll"].append(Item("to_enroll", ident, person.name, person))
    return Reconciliation(
        month=month,
        items=[item for key in CLASSES for item in by_class[key]],
        problems=problems,
    )
