"""A case type plugs in: the tests' own duty (tests/parcel/duty.py), registered in one line,
gets intake, desk rows, a case page with its details partial, transitions, a clock that a
region's ClockTerm overrides, and a packet — with no edit to any shared module."""

import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker

from casetracker import case_types
from casetracker.auth.models import User
from casetracker.cases.models import ClockTerm
from casetracker.core.clock import CHINA_TZ
from casetracker.core.settings import Settings
from casetracker.main import create_app
from tests.conftest import World, bearer, log_in
from tests.parcel import duty

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=CHINA_TZ)  # a Tuesday


@pytest.fixture
def parcel_client(
    settings: Settings, session_factory: sessionmaker[Session], world: World
) -> Iterator[TestClient]:
    case_types.register(duty.CASE_TYPE, duty.router)  # the one registration line
    try:
        app = create_app(settings, session_factory=session_factory, verify_schema=False)
        with (
            time_machine.travel(NOW, tick=False),
            TestClient(app, follow_redirects=False) as client,
        ):
            yield client
    finally:
        case_types.unregister(duty.TYPE)


def _receive(client: TestClient, world: World, headers: dict[str, str], contents: str) -> Any:
    response = client.post(
        "/api/v1/parcels",
        headers=headers,
        json={
            "client_id": world.client.id,
            "region_id": world.local.id,
            "received_at": "2026-11-24T09:00:00+08:00",
            "contents": contents,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_the_duty_works_end_to_end_on_the_generic_pages(
    parcel_client: TestClient, world: World, anna: User, session: Session
) -> None:
    headers = bearer(session, anna)
    case = _receive(parcel_client, world, headers, "劳动合同原件两份")
    dispatch = next(c for c in case["clocks"] if c["kind"] == "dispatch")
    # Received on a Tuesday: three working days later is Friday, end of day.
    assert dispatch["due_at"].startswith("2026-11-27T23:59:59")
    log_in(parcel_client, anna)
    desk = parcel_client.get("/").text
    assert f"/cases/{case['id']}" in desk
    assert "寄出时限" in desk
    assert 'href="/parcels/new"' in desk  # its nav entry
    page = parcel_client.get(f"/cases/{case['id']}").text
    assert 'data-testid="parcel-contents">劳动合同原件两份<' in page
    assert "寄件单" in page  # its packet on the case page
    packet = parcel_client.post(
        f"/api/v1/cases/{case['id']}/packets", headers=headers, json={"type": "parcel_slip"}
    )
    assert packet.status_code == 201, packet.text
    pdf = parcel_client.get(packet.json()["url"], headers=headers)
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "劳动合同原件两份" in text
    fired = parcel_client.post(
        f"/api/v1/cases/{case['id']}/transitions",
        headers=headers,
        json={"transition": "send", "version": case["version"], "sent_at": "2026-11-24T11:00"},
    )
    assert fired.status_code == 200, fired.text
    body = fired.json()
    assert body["state"] == "sent"
    assert next(c for c in body["clocks"] if c["kind"] == "dispatch")["status"] == "met"
    help_page = parcel_client.get("/workflows/parcel")
    assert help_page.status_code == 200
    assert "寄出时限" in help_page.text


def test_its_guard_is_the_one_it_registered(
    parcel_client: TestClient, world: World, anna: User, session: Session
) -> None:
    headers = bearer(session, anna)
    case = _receive(parcel_client, world, headers, " ")
    refused = parcel_client.post(
        f"/api/v1/cases/{case['id']}/transitions",
        headers=headers,
        json={"transition": "send", "version": case["version"], "sent_at": "2026-11-24T11:00"},
    )
    assert refused.status_code == 422
    assert "没有寄件内容" in refused.json()["detail"]


def test_a_region_term_overrides_its_clock(
    parcel_client: TestClient, world: World, anna: User, session: Session
) -> None:
    session.add(
        ClockTerm(
            region_id=world.local.id,
            case_type=duty.TYPE,
            kind="dispatch",
            unit="hours",
            length=4,
            basis="上海市寄件规定",
            overrides=True,
        )
    )
    session.commit()
    case = _receive(parcel_client, world, bearer(session, anna), "社保卡")
    dispatch = next(c for c in case["clocks"] if c["kind"] == "dispatch")
    assert dispatch["due_at"].startswith("2026-11-24T13:00:00")
    assert dispatch["basis"] == "上海市寄件规定"


def test_unregistered_it_is_gone(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    # Registered for a test only: no route of it leaks into other tests' apps.
    response = client.post("/api/v1/parcels", headers=bearer(session, anna), json={})
    assert response.status_code == 404
