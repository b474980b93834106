"""Columns mapped by hand: when a region's bill has no header the reader recognises, the
user says which column holds what (from the file's first rows), and the mapping is kept for
that region's next files."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.core.errors import Invalid
from casetracker.core.i18n import N_, _
from casetracker.reconcile.files import read_sheets
from casetracker.reconcile.headers import FIELDS, REQUIRED, SCAN_ROWS, Layout
from casetracker.reconcile.models import ColumnMapping, ImportJob
from casetracker.reconcile.values import text

# What a bill's columns may be mapped to, in the order the form asks.
MAPPED = ("name", "id_number", "base", "period", "pay_type", "total")
MAX_COLUMNS = 26  # A … Z
SAMPLE_ROWS = 12


def letter(column: int) -> str:
    return chr(ord("A") + column)


def saved(session: Session, region_id: int) -> Layout | None:
    found = session.scalar(select(ColumnMapping).where(ColumnMapping.region_id == region_id))
    if found is None:
        return None
    return Layout(header_row=found.header_row, columns=dict(found.columns))


def sample(job: ImportJob) -> list[list[str]]:
    """The first rows of the file's first sheet with anything in it, as text, to map from."""
    for sheet in read_sheets(job.content, job.filename):
        rows = [[text(c)[:40] for c in row[:MAX_COLUMNS]] for row in sheet.rows[:SAMPLE_ROWS]]
        if any(any(cell for cell in row) for row in rows):
            width = max(len(row) for row in rows)
            return [row + [""] * (width - len(row)) for row in rows]
    return []


def save(
    *, session: Session, region_id: int, form: dict[str, str], actor: User, now: datetime
) -> Layout:
    """Check and keep a region's mapping: the header row (0–30) and a distinct column letter
    for each field, name and ID number required."""
    errors: dict[str, str] = {}
    header = form.get("header_row", "").strip()
    if not header.isdigit() or int(header) > SCAN_ROWS:
        errors["header_row"] = _("表头行：应为 0 到 {n} 的行号").format(n=SCAN_ROWS)
    columns: dict[str, int] = {}
    for key in MAPPED:
        written = form.get(key, "").strip().upper()
        if not written:
            if key in REQUIRED:
                errors[key] = _("{label}：必选").format(label=_(FIELDS[key]))
            continue
        if len(written) != 1 or not "A" <= written <= letter(MAX_COLUMNS - 1):
            errors[key] = _("{label}：应为列字母 A–Z").format(label=_(FIELDS[key]))
            continue
        columns[key] = ord(written) - ord("A")
    if len(set(columns.values())) != len(columns):
        errors["columns"] = _("每一列只能对应一项")
    if errors:
        raise Invalid("；".join(errors.values()), field_errors=errors)
    found = session.scalar(select(ColumnMapping).where(ColumnMapping.region_id == region_id))
    if found is None:
        found = ColumnMapping(region_id=region_id)
        session.add(found)
    found.header_row, found.columns = int(header), columns
    found.updated_by_id, found.updated_at = actor.id, now
    session.flush()
    return Layout(header_row=int(header), columns=columns)


def as_form(layout: Layout | None) -> dict[str, Any]:
    if layout is None:
        return {"header_row": "1"}
    return {"header_row": str(layout.header_row)} | {
        key: letter(column) for key, column in layout.columns.items() if key in MAPPED
    }


LABELS = {key: FIELDS[key] for key in MAPPED}
NOTE = N_("表头没有被识别：请指明每一项在哪一列，本参保地以后的账单将沿用")
