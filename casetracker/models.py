"""Imports every domain's models so that metadata (Alembic, tests) sees all tables."""

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import ApiToken, User
from casetracker.core.db import Base
from casetracker.people.models import Client, InsuredPerson, Region, SalesRep

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "Client",
    "InsuredPerson",
    "Region",
    "SalesRep",
    "User",
]
