"""Wrong data cannot get in: the bounds of accident and hire dates, by table, on each backend.
Each refusal names the field and the bound; nothing is written."""

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases.models import Case
from casetracker.people.models import InsuredPerson
from tests.conftest import LI_ID, NOW, World, bearer

NEW_ID = "110105201001010010"  # born 2010-01-01: 16 on 2026-01-01


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _intake(world: World, accident_at: str, **employee: Any) -> dict[str, Any]:
    return {
        "client_id": world.client.id,
        "employee": {"name": "李秀英", "id_number": LI_ID, **employee},
        "accident_at": accident_at,
        "place": "二号车间",
        "description": "搬运货物时扭伤腰部",
    }


@pytest.mark.parametrize(
    ("accident_at", "employee", "field", "message"),
    [
        ("0201-11-20T22:30:00+08:00", {}, "accident_at", "1950 年至 2100 年之间"),
        ("1990-11-20T22:30:00+08:00", {}, "accident_at", "不能早于 3 年前"),
        ("2023-11-20T22:30:00+08:00", {}, "accident_at", "不能早于 3 年前（2023-11-24）"),
        ("2026-11-25T08:00:00+08:00", {}, "accident_at", "不能晚于当前时间"),
        # 李秀英 was hired on 2024-03-01 (the world's record).
        ("2024-02-28T10:00:00+08:00", {}, "accident_at", "早于该员工的入职日期 2024-03-01"),
        # A new person born 2010-01-01 is 16 only from 2026-01-01.
        (
            "2025-12-20T10:00:00+08:00",
            {"name": "赵小军", "id_number": NEW_ID},
            "accident_at",
            "未满 16 周岁",
        ),
        (
            "2026-11-20T22:30:00+08:00",
            {"hire_on": "2026-12-01"},
            "employee.hire_on",
            "不能晚于今天",
        ),
        (
            "2026-11-20T22:30:00+08:00",
            {"name": "赵小军", "id_number": NEW_ID, "hire_on": "2026-11-21"},
            "accident_at",
            "早于该员工的入职日期 2026-11-21",
        ),
        (
            "2026-11-20T22:30:00+08:00",
            {"hire_on": "2025-01-01"},
            "employee.hire_on",
            "系统记录为 2024-03-01，以系统记录为准",
        ),
    ],
)
def test_implausible_intakes_are_refused_naming_the_field(
    client: TestClient,
    session: Session,
    world: World,
    anna: User,
    accident_at: str,
    employee: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = client.post(
        "/api/v1/injury-cases",
        headers=bearer(session, anna),
        json=_intake(world, accident_at, **employee),
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert message in body["detail"]
    assert field in body["errors"], body
    assert session.scalar(select(func.count()).select_from(Case)) == 0
    assert session.scalar(select(func.count()).select_from(InsuredPerson)) == 2  # the world's


def test_the_page_refusal_keeps_no_person_it_created(
    client: TestClient, session: Session, world: World, anna: User
) -> None:
    from tests.conftest import log_in, page_csrf

    log_in(client, anna)
    response = client.post(
        "/injury/new",
        data={
            "accident_at": "2025-12-20T10:00",
            "client_id": str(world.client.id),
            "employee_name": "赵小军",
            "employee_id_number": NEW_ID,
            "place": "二号车间",
            "description": "扭伤",
            "csrf_token": page_csrf(client),
        },
    )
    assert response.status_code == 422
    assert "未满 16 周岁" in response.text
    assert session.scalar(select(func.count()).select_from(InsuredPerson)) == 2


def test_a_plausible_intake_goes_through(
    client: TestClient, session: Session, world: World, anna: User
) -> None:
    response = client.post(
        "/api/v1/injury-cases",
        headers=bearer(session, anna),
        json=_intake(world, "2026-11-20T22:30:00+08:00", hire_on="2024-03-01"),
    )
    assert response.status_code == 201, response.text
