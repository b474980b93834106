"""What the reimbursement tests share: an injury with its accident facts (the page's
sections need them), an API client for its owner, and a receipt to record on it."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases.models import Case
from tests.conftest import World, bearer, open_injury

RECEIPT: dict[str, Any] = {
    "code": "31060124",
    "number": "0012345678",
    "issued_on": "2026-11-21",
    "hospital": "上海市第六人民医院",
    "amount": "1234.57",
    "kind": "outpatient",
}


@pytest.fixture
def injury(session: Session, world: World, anna: User) -> Case:
    return open_injury(session, world, anna, "2026-11-20T10:00", details=True)


@pytest.fixture
def api(client: TestClient, session: Session, anna: User) -> TestClient:
    client.headers.update(bearer(session, anna))
    return client
