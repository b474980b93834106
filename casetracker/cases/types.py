"""What a duty (case type) brings to the engine: one `CaseType` entry, registered once.

The generic code — case pages and lists, the desk, packets, the audit log, navigation —
asks the registry (`cases.registry`) for these and never names a type.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from casetracker.cases.models import Case
from casetracker.people.panels import PersonPanel
from casetracker.workflows.engine import FieldSpec, Label, Workflow


@dataclass(frozen=True)
class GuardContext:
    """What a guard may look at when a transition is about to fire."""

    session: Session
    case: Case
    fields: Mapping[str, object]
    now: datetime


# A guard's implementation: the refusal in words, or None when the transition may go.
GuardCheck = Callable[[GuardContext], str | None]
# The type's own facts about a case (the injury's accident report), for its details partial.
DetailsLoader = Callable[[Session, Case], object | None]


# A clock's length worked out from the case (e.g. from its region's cut-off day): the length
# in the clock's unit and the basis the explanation cites.
LengthRule = Callable[[Session, Case], tuple[int, str]]


# What a type does when one of its transitions fires, besides the engine's state, clocks and
# timeline (a batch's bill import stores the bill's lines): given the case before it moves, the
# transition's checked fields, the actor and now. It runs after the guards pass and before the
# case moves; it checks before it writes, and a refusal (a DomainError) changes nothing.
Effect = Callable[[Session, Case, Mapping[str, Any], Any, datetime], None]


# What a packet still lacks to be complete, in both languages: the packet prints the Chinese
# (and keeps it in its fingerprint), pages show the reader's. Empty: complete.
PacketCheck = Callable[[Session, Case], list[Label]]


@dataclass(frozen=True)
class PacketData:
    """What a packet prints beyond the case, its person and its uploads (a batch's lists):

    - `values`: added to its forms' context;
    - `inputs`: those values in a stable written form, kept in the packet's fingerprint (the
      lists change without the case's version moving), so changed lists give a new version;
    - `id_numbers`: how many whole ID numbers it prints; every look at such a packet is
      audited as a list view (`case.id_numbers_viewed`) with that count.
    """

    values: Mapping[str, Any]
    inputs: str
    id_numbers: int = 0


PacketLoader = Callable[[Session, Case], PacketData]


@dataclass(frozen=True)
class PacketSpec:
    """A packet a case of this type can print: its forms (Jinja2 templates under forms/,
    in order) and whether the checklist's uploads follow them.

    - `missing`: what the packet still lacks (its completeness check). A packet is final as
      soon as nothing is missing; until then it carries a 草稿 watermark and its first page
      lists what is missing.
    - `final_states`: the states in which the step this packet serves has been recorded
      (the packet was handed in). For a packet with `attachments`, from then on its uploads
      are on file with the bureau: they can be replaced (the old file stays, superseded) but
      no longer removed. A packet without `missing` is final in these states only.
    - `data`: what it prints beyond the case (`PacketData`).
    """

    name: str
    label: Label
    forms: tuple[str, ...]
    attachments: bool
    final_states: frozenset[str] = frozenset()
    missing: PacketCheck | None = None
    data: PacketLoader | None = None


@dataclass(frozen=True)
class IntakeField:
    """A fact recorded when the case was opened that a person may correct later, with a
    reason, on the record (`cases.corrections`).

    - `spec`: its name, label, type and length, validated like a transition's field.
    - `read` / `write`: where the type keeps it (its details table).
    - `opening_event`: it is the time the case's clocks start from (the accident time); a
      correction moves the opening event and counts every clock again.
    - `check`: the type's plausibility rule for a new value (None: plausible), given the
      value and now.
    """

    spec: FieldSpec
    read: Callable[[Session, Case], Any]
    write: Callable[[Session, Case, Any], None]
    opening_event: bool = False
    check: Callable[[Session, Case, Any, datetime], str | None] | None = None


@dataclass(frozen=True)
class NavEntry:
    """A link in the header, e.g. the intake page."""

    path: str
    label: Label


@dataclass(frozen=True)
class OpenedFrom:
    """A type whose cases are opened from another's (an appraisal from its injury): the
    parent's page offers it (`label`, posting to `/cases/{id}/{path}`) when `available`
    says the parent is ready (recognised), and lists the cases opened from it."""

    parent_type: str
    path: str
    label: Label
    available: Callable[[Case], bool]


@dataclass(frozen=True)
class CaseType:
    """One duty on the engine.

    - `workflow`: its declarative state machine (`casetracker/workflows/<type>.py`).
    - `guards`: the implementation of every guard the workflow names.
    - `details_template` / `load_details`: the partial the case page and the packets
      include with what `load_details` returns (None: the type has no details table);
      `details_template` adds facts to the case's facts list, `sections_template` whole
      sections after it.
    - `nav`: header links (its intake page).
    - `packets`: the packets it prints.
    - `audit_labels`: names for its own audit actions besides its transitions (which are
      labelled from the workflow).
    - `intake_fields`: what was recorded at the opening that may be corrected (the region,
      which every case has, is corrected by the engine itself).
    - Its materials checklist is data (`material_items`), seeded by its migration and edited
      at /admin/materials.
    """

    workflow: Workflow
    guards: Mapping[str, GuardCheck] = field(default_factory=dict)
    details_template: str | None = None
    load_details: DetailsLoader | None = None
    # Sections of its own on the case page, after the facts (a batch's bill and items).
    sections_template: str | None = None
    nav: tuple[NavEntry, ...] = ()
    packets: tuple[PacketSpec, ...] = ()
    audit_labels: Mapping[str, str] = field(default_factory=dict)
    intake_fields: tuple[IntakeField, ...] = ()
    # Folders of its own page partials and form templates, when it keeps them outside
    # `templates/` and `forms/` (a duty shipped as a separate package, the tests' own type).
    templates_dir: Path | None = None
    forms_dir: Path | None = None
    # The implementation of every `ClockSpec.length_rule` its workflow names.
    length_rules: Mapping[str, LengthRule] = field(default_factory=dict)
    # Its own work when a transition fires, by transition name.
    effects: Mapping[str, Effect] = field(default_factory=dict)
    # What a correction of such a step does to that work (called with the corrected step's
    # fields; it checks before it writes). A step with an effect and no entry here cannot be
    # corrected: its record would change and the data it wrote would not.
    corrections: Mapping[str, Effect] = field(default_factory=dict)
    # Sections it adds to an insured person's page.
    person_panels: tuple[PersonPanel, ...] = ()
    # Opened from a case of another type (its page offers this one).
    opened_from: OpenedFrom | None = None

    @property
    def name(self) -> str:
        return self.workflow.type

    @property
    def label(self) -> Label:
        return self.workflow.label

    def details(self, session: Session, case: Case) -> object | None:
        return self.load_details(session, case) if self.load_details else None

    def intake_field(self, name: str) -> IntakeField | None:
        return next((f for f in self.intake_fields if f.spec.name == name), None)

    def packet(self, name: str) -> PacketSpec | None:
        return next((p for p in self.packets if p.name == name), None)

    def problems(self) -> list[str]:
        """What makes the entry unusable: a guard without its implementation, two packets
        with one name."""
        named = {g.name for t in self.workflow.transitions for g in t.guards}
        found = [f"guard {name} has no implementation" for name in sorted(named - set(self.guards))]
        transitions = {t.name for t in self.workflow.transitions}
        found += [
            f"effect {name} names no transition" for name in sorted(set(self.effects) - transitions)
        ]
        found += [
            f"correction {name} names no step with an effect"
            for name in sorted(set(self.corrections) - set(self.effects))
        ]
        rules = {c.length_rule for c in self.workflow.clocks if c.length_rule}
        found += [
            f"length rule {name} has no implementation"
            for name in sorted(rules - set(self.length_rules))
        ]
        names = [p.name for p in self.packets]
        found += [
            f"packet {n} listed twice" for n in sorted({n for n in names if names.count(n) > 1})
        ]
        return found
