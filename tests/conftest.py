"""Fixtures: a throwaway database per run, each test in a rolled-back transaction, the app
over HTTP, and personas (anna the specialist, sam the supervisor, ada the admin)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from casetracker.auth import service as auth_service
from casetracker.auth.models import Role, User
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.core import clock, migrations
from casetracker.core.clock import CHINA_TZ
from casetracker.core.db import make_engine
from casetracker.core.settings import Settings
from casetracker.injury.case_type import regional_terms
from casetracker.injury.models import InjuryDetails
from casetracker.main import create_app
from casetracker.people.models import Client, InsuredPerson, Region, SalesRep
from tests.databases import throwaway_database

# the robot and mailbox fixtures of the alert tests
pytest_plugins = ["tests.alert_fixtures"]

PASSWORD = "correct-horse-battery"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(tmp_path_factory.mktemp("db"), "run") as url:
        migrations.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """The test's one outer transaction; everything the test and the app write is rolled back."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as s:
        yield s


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, secret_key="k" * 40)


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    return create_app(settings, session_factory=session_factory, verify_schema=False)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        yield c


def make_user(session: Session, username: str, role: Role, display_name: str) -> User:
    user = auth_service.add_user(
        session=session, username=username, role=role, password=PASSWORD, display_name=display_name
    )
    session.commit()
    return user


@pytest.fixture
def anna(session: Session) -> User:
    """A specialist (专员)."""
    return make_user(session, "anna", Role.SPECIALIST, "安娜")


@pytest.fixture
def sam(session: Session) -> User:
    """A supervisor (主管)."""
    return make_user(session, "sam", Role.SUPERVISOR, "山姆")


@pytest.fixture
def ada(session: Session) -> User:
    """An admin (管理员)."""
    return make_user(session, "ada", Role.ADMIN, "艾达")


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def log_in(client: TestClient, user: User) -> TestClient:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    return client


def page_csrf(client: TestClient, path: str = "/") -> str:
    return csrf_from(client.get(path).text)


@pytest.fixture
def as_anna(client: TestClient, anna: User) -> TestClient:
    return log_in(client, anna)


@pytest.fixture
def as_ada(client: TestClient, ada: User) -> TestClient:
    return log_in(client, ada)


def bearer(session: Session, user: User) -> dict[str, str]:
    token = auth_service.create_token(session=session, user=user, name="test")
    session.commit()
    return {"Authorization": f"Bearer {token}"}


@dataclass
class World:
    """A small, fixed piece of the trade: one 本市 region, one 外地, a client, two people."""

    local: Region
    remote: Region
    rep: SalesRep
    client: Client
    li: InsuredPerson
    wang: InsuredPerson


VALID_CREDIT_CODE = "91310000MA1FL4XX2C"
LI_ID = "11010519491231002X"
WANG_ID = "310101199003071234"


@pytest.fixture
def world(session: Session) -> World:
    from casetracker.core.identifiers import ric_check_char

    wang_id = WANG_ID[:17] + ric_check_char(WANG_ID[:17])
    local = Region(name="上海市", is_local=True, cutoff_day=15)
    remote = Region(name="杭州市", is_local=False, cutoff_day=25)
    rep = SalesRep(name="周建国", phone="13816620001")
    session.add_all([local, remote, rep])
    session.flush()
    session.add_all(regional_terms(local, report_hours=24, written_days=5))
    session.add_all(regional_terms(remote, report_hours=72, written_days=5))
    client_row = Client(
        name="上海浦江精密机械有限公司",
        credit_code=VALID_CREDIT_CODE,
        contact_name="陈经理",
        sales_rep_id=rep.id,
        default_region_id=local.id,
        created_at=clock.now(),
    )
    session.add(client_row)
    session.flush()
    li = InsuredPerson(
        name="李秀英",
        id_number=LI_ID,
        client_id=client_row.id,
        region_id=local.id,
        hire_on=date(2024, 3, 1),
        contribution_base=Decimal("8500.00"),
        created_at=clock.now(),
    )
    wang = InsuredPerson(
        name="王建国",
        id_number=wang_id,
        client_id=client_row.id,
        region_id=local.id,
        hire_on=date(2025, 6, 1),
        contribution_base=Decimal("12000.00"),
        created_at=clock.now(),
    )
    session.add_all([li, wang])
    session.commit()
    return World(local, remote, rep, client_row, li, wang)


NOW = datetime(2026, 11, 24, 12, 0, tzinfo=CHINA_TZ)


def open_injury(
    session: Session,
    world: World,
    owner: User,
    accident: str,
    *,
    region: Region | None = None,
    details: bool = False,
) -> Case:
    """An injury case opened at `accident` (China time) in the world's client; `details`:
    with the accident's facts recorded, as intake leaves them (the page's sections need them)."""
    case = case_service.open_case(
        session=session,
        case_type="injury",
        client_id=world.client.id,
        region_id=(region or world.local).id,
        owner=owner,
        insured_id=world.li.id,
        event_at=(at := datetime.fromisoformat(accident).replace(tzinfo=CHINA_TZ)),
        now=NOW,
        title="李秀英 工伤",
    )
    if details:
        session.add(
            InjuryDetails(case_id=case.id, accident_at=at, place="车间", description="扭伤")
        )
    session.commit()
    return case


def fire(session: Session, case: Case, name: str, actor: User, **fields: object) -> Case:
    case_service.fire(
        session=session,
        case=case,
        transition=name,
        version=case.version,
        raw_fields=fields,
        actor=actor,
        now=NOW,
    )
    session.commit()
    return case


def tiny_pdf() -> bytes:
    """A valid one-page PDF (the demo's stand-in for a scanned document)."""
    from casetracker.demo import blank_pdf

    return blank_pdf()


def complete_materials(session: Session, case: Case, actor: User) -> None:
    """Upload a document for every required checklist item of the case."""
    from casetracker.demo import attach_required_documents

    attach_required_documents(session=session, case=case, actor=actor, now=NOW)
    session.commit()


def store_as_uploaded_before_checks(
    session: Session,
    case: Case,
    owner: User,
    *,
    item: str,
    filename: str,
    content: bytes,
    content_type: str = "image/png",
) -> None:
    """An attachment as an older release stored it, before uploads were decoded: the packet
    renderer must cope with whatever is in the table."""
    from casetracker.materials.models import Attachment

    session.add(
        Attachment(
            case_id=case.id,
            item_code=item,
            filename=filename,
            content_type=content_type,
            size=len(content),
            sha256="0" * 64,
            content=content,
            uploaded_at=NOW,
            uploaded_by_id=owner.id,
        )
    )
    session.commit()


def api_fire(api: TestClient, body: dict[str, Any], name: str, **fields: Any) -> Any:
    """Fire a transition through the API on the case as `body` last showed it."""
    return api.post(
        f"/api/v1/cases/{body['id']}/transitions",
        json={"transition": name, "version": body["version"], **fields},
    )


def api_step(api: TestClient, body: dict[str, Any], name: str, **fields: Any) -> dict[str, Any]:
    """`api_fire` that must succeed: the case as it now is."""
    answer = api_fire(api, body, name, **fields)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result
