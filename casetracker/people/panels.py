"""Sections other duties add to an insured person's page (the monthly reconciliation adds
the person's contribution history): registered once at start, each a template and a loader
of what it shows (None: the section is left out for this person)."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from casetracker.people.models import InsuredPerson

Loader = Callable[[Session, InsuredPerson], object | None]


@dataclass(frozen=True)
class PersonPanel:
    template: str
    load: Loader


_PANELS: dict[str, PersonPanel] = {}


def register(panel: PersonPanel) -> None:
    _PANELS[panel.template] = panel


def shown(session: Session, person: InsuredPerson) -> list[tuple[str, object]]:
    """(template, what it shows) for each registered panel with something to show."""
    found = []
    for panel in _PANELS.values():
        value = panel.load(session, person)
        if value is not None:
            found.append((panel.template, value))
    return found
