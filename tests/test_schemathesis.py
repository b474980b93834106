"""The API against its own OpenAPI schema, with schemathesis: every operation, generated valid
and invalid requests, never a 5xx, and every answer documented (status code, content type,
headers, body schema; a 405 names the allowed methods).

The schema is read once, in-process, from an app that never opens its database; each
operation's test then sends its requests in-process (ASGI) to the per-test app on the per-test
database, with a supervisor's bearer token, so case work is allowed. Half of the generated ids
(the even ones) are aimed at real rows, so the success answers are checked too, not only 404s.

Reproducible and bounded: a fixed seed, derandomized generation, no example database, no
shrinking, `MAX_EXAMPLES` per operation in the fuzzing phase (about 30 s for all operations).
"""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases.models import Case
from casetracker.core import clock
from casetracker.core.settings import Settings
from casetracker.main import create_app
from tests.conftest import World, bearer, complete_materials, open_injury
from tests.routes import app_routes

ApiCase = schemathesis.Case[Any]  # one generated request
MAX_EXAMPLES = 20
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261124,
        "cache": {"enabled": False},
        "generation": {
            "mode": "all",  # valid and invalid requests
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",  # reproducible runs
            "no-shrink": True,  # a failure is reported as found: shrinking replays it many times
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},  # boundary values, and methods the path lacks (405)
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        "checks": {
            "enabled": False,
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_headers_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "unsupported_method": {"enabled": True},
        },
    }
)

# Hypothesis keeps caches (constants, Unicode tables) in `.hypothesis` even without an example
# database, and schemathesis builds part of its tests while pytest collects this module: so
# from here until this module's tests end, Hypothesis works in a temporary directory.
_HYPOTHESIS_HOME = Path(tempfile.mkdtemp(prefix="casetracker-hypothesis-"))
set_hypothesis_home_dir(_HYPOTHESIS_HOME)


@pytest.fixture(autouse=True, scope="module")
def _no_hypothesis_directory_left() -> Iterator[None]:
    yield
    set_hypothesis_home_dir(None)  # the default again, for the tests after this module
    shutil.rmtree(_HYPOTHESIS_HOME, ignore_errors=True)


def _schema_app() -> FastAPI:
    """An app built only to publish its OpenAPI schema; it never opens its database."""
    unused = Settings(
        data_dir=Path(tempfile.gettempdir()), database_url="sqlite://", secret_key="s" * 40
    )
    return create_app(unused, verify_schema=False)


schema = schemathesis.openapi.from_asgi("/api/openapi.json", _schema_app(), config=CONFIG)


def test_the_schema_lists_every_api_route(app: FastAPI) -> None:
    """Every API route is in the schema, so the test below covers all of them."""
    served = {(m, p) for m, p in app_routes(app) if p.startswith("/api/v1/")}
    documented = {
        (method.upper(), path)
        for path, item in schema.raw_schema["paths"].items()
        for method in item
    }
    assert served == documented
    assert app.openapi() == schema.raw_schema  # the per-test app publishes the same schema


class Targets:
    """Real rows for generated requests to hit: a case with its materials, and a packet."""

    def __init__(self, session: Session, world: World, owner: User, supervisor: User) -> None:
        self.session = session
        self.world = world
        self.supervisor = supervisor
        self.case = open_injury(session, world, owner, "2026-11-20T22:30")
        complete_materials(session, self.case, owner)
        self._packet_id: int | None = None

    def packet_id(self, app_settings: Settings) -> int:
        if self._packet_id is None:  # rendered only for the operations that need one
            from casetracker.packets import service as packet_service

            packet, _created = packet_service.generate(
                session=self.session,
                case=self.case,
                packet_type="case_summary",
                actor=self.supervisor,
                settings=app_settings,
                now=clock.now(),
            )
            self.session.commit()
            self._packet_id = packet.id
        return self._packet_id

    def version(self) -> int:
        self.session.expire_all()
        case = self.session.get(Case, self.case.id)
        assert case is not None
        return case.version


@pytest.fixture
def targets(session: Session, world: World, anna: User, sam: User) -> Targets:
    return Targets(session, world, anna, sam)


@pytest.fixture
def as_supervisor(session: Session, sam: User) -> dict[str, str]:
    return bearer(session, sam)


def _even(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value % 2 == 0


def _aim(case: ApiCase, targets: Targets, app_settings: Settings) -> None:
    """Point even generated ids at real rows (odd ones and invalid values stay as generated)."""
    path = case.path_parameters
    if path is not None:
        if _even(path.get("case_id")):
            path["case_id"] = targets.case.id
        if _even(path.get("insured_id")):
            path["insured_id"] = targets.world.li.id
        if _even(path.get("packet_id")):
            path["packet_id"] = targets.packet_id(app_settings)
    body: Any = case.body
    if not isinstance(body, dict):
        return
    if case.operation.path.endswith("/transitions") and _even(body.get("version")):
        body["version"] = targets.version()
    if _even(body.get("client_id")):
        body["client_id"] = targets.world.client.id
        if isinstance(body.get("employee"), dict):  # a person the client employs
            wang = targets.world.wang
            body["employee"].update(name=wang.name, id_number=wang.id_number)


@schema.parametrize()
@settings(
    # The fixtures (one rolled-back transaction, its rows, the token) are shared on purpose by
    # all requests sent to one operation.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_contract(
    case: ApiCase, app: FastAPI, as_supervisor: dict[str, str], targets: Targets
) -> None:
    _aim(case, targets, app.state.settings)
    case.call_and_validate(app=app, headers=as_supervisor)
