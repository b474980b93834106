"""The audit log is append-only, enforced by the database itself."""

import pytest
from fastapi import FastAPI
from sqlalchemy import Connection, delete, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.audit.models import AuditEvent
from casetracker.auth.models import User
from tests.routes import app_routes


@pytest.fixture
def event(session: Session, anna: User) -> AuditEvent:
    row = audit.record(
        session=session,
        actor=anna,
        action="test.event",
        subject_type="test",
        subject_id=1,
        after={"名称": "值"},
    )
    session.commit()
    return row


def test_it_records_who_what_and_when(event: AuditEvent) -> None:
    assert (event.actor_name, event.action, event.after) == ("anna", "test.event", {"名称": "值"})
    assert event.at.utcoffset() is not None


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEvent).values(action="tampered"),
        delete(AuditEvent),
    ],
)
def test_the_database_refuses_to_change_or_delete_audit_rows(
    session: Session, connection: Connection, event: AuditEvent, statement: object
) -> None:
    savepoint = connection.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        connection.execute(statement)  # type: ignore[call-overload]
    savepoint.rollback()
    assert (
        connection.execute(
            text("SELECT action FROM audit_events WHERE id = :id"), {"id": event.id}
        ).scalar()
        == "test.event"
    )


def test_the_app_offers_no_way_to_edit_the_log(app: FastAPI) -> None:
    assert [r for r in app_routes(app) if "audit" in r[1]] == [("GET", "/admin/audit")]
