"""Imports every domain's models so that metadata (Alembic, tests) sees all tables."""

from casetracker.alerts.models import Alert, Attempt, Delivery
from casetracker.audit.models import AuditEvent
from casetracker.auth.models import ApiToken, User, UserSession
from casetracker.benefits.models import WageStandard
from casetracker.calendar.models import CalendarDay, CalendarYear
from casetracker.cases.models import Case, CaseTransition, Clock, ClockTerm
from casetracker.contacts.models import Contact
from casetracker.core.db import Base
from casetracker.injury.models import InjuryDetails
from casetracker.materials.models import Attachment, MaterialItem
from casetracker.packets.models import Packet
from casetracker.people.models import Client, InsuredPerson, Region, SalesRep
from casetracker.reconcile.models import (
    BatchDetails,
    BatchItem,
    BillLine,
    ColumnMapping,
    DailyCheck,
    ImportJob,
)
from casetracker.reimbursement.models import ClaimDetails, Invoice

__all__ = [
    "Alert",
    "Attempt",
    "Delivery",
    "ApiToken",
    "Attachment",
    "BatchDetails",
    "BatchItem",
    "BillLine",
    "ImportJob",
    "AuditEvent",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CaseTransition",
    "ClaimDetails",
    "DailyCheck",
    "Client",
    "Clock",
    "ColumnMapping",
    "ClockTerm",
    "Contact",
    "InjuryDetails",
    "Invoice",
    "InsuredPerson",
    "MaterialItem",
    "Packet",
    "Region",
    "SalesRep",
    "User",
    "UserSession",
    "WageStandard",
]
