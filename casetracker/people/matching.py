"""Finding an insured person by what the user typed: a name fragment, or an ID number whole
or by its last digits (what people read out over the phone)."""

import re

from sqlalchemy import ColumnElement, false

from casetracker.core.sql import ends_with, name_contains
from casetracker.people.models import InsuredPerson

# Stored ID numbers are 17 digits and a digit or X (normalise_id_number); names hold no
# digits. So digits (with a final X) are looked up as an ID number only and anything else
# as a name only: the same people found, and neither index probe the search cannot use (a
# name search's rows were each re-checked against the ID condition, a third of its time).
_ID_TEXT = re.compile(r"[0-9]+X?")
SUFFIX_MIN = 4  # fewer digits than this name too many people to be a search


def is_id_text(text: str) -> bool:
    """Whether `text` is looked up as (the end of) an ID number rather than as a name."""
    return _ID_TEXT.fullmatch(text.strip().upper()) is not None


def person_matches(text: str) -> ColumnElement[bool]:
    """The people `text` finds (an empty text finds nobody)."""
    text = text.strip()
    ident = text.upper()
    if is_id_text(ident):
        if len(ident) == 18:
            return InsuredPerson.id_number == ident
        return ends_with(InsuredPerson.id_number, ident) if len(ident) >= SUFFIX_MIN else false()
    return name_contains(InsuredPerson.name, text) if text else false()
