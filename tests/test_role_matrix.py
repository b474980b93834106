"""The role matrix: every route the app serves × every role → the HTTP status it must answer.

`MATRIX` is the one table: (method, path template) → the five expected statuses, one column
per role. `test_the_matrix_names_every_route` compares its keys with the routes the app
actually serves (`tests.routes.app_routes`), so a new route without an entry fails, and so
does an entry for a route that is gone. `test_cell` runs every (route, role) cell in its own
rolled-back transaction, on fresh rows: a successful POST in one cell cannot change what the
next cell sees.

Roles: `anonymous` (no session, no token), `owner` (the specialist who owns the case in the
path), `other` (a second specialist who does not), `supervisor`, `admin`. Pages sign in
through `/login` and post the real CSRF token of their own session, so a 403 here is an
authorisation decision, never a CSRF refusal (checked). `/api/v1` routes send
`Authorization: Bearer`; anonymous sends none.

The rules (README, "Decisions"): any signed-in user reads pages and cases; case work
(transitions, uploads, contacts, packets) is for the case owner and supervisors, other
specialists and admins get 403; `/admin/...` is for admins; reassignment for supervisors.
Pages send anonymous callers to `/login` (303), the API answers them 401.

Where the app answers otherwise than those rules (or with a 500), the table keeps the status
the rules call for and the cell is listed in `CONTRARY` with what the app answers now. Such a
cell is a strict xfail that expects exactly that answer (`StillContrary`): once the app is
fixed the cell passes, which fails the run until the `CONTRARY` entry is deleted; any third
answer fails at once.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple
from urllib.parse import urlsplit

import pytest
import time_machine
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from casetracker.alerts.models import Alert
from casetracker.alerts.scan import scan
from casetracker.auth import service as auth_service
from casetracker.auth.models import Role, User
from casetracker.cases.models import Case
from casetracker.core.identifiers import ric_check_char, uscc_check_char
from casetracker.core.settings import Settings
from casetracker.injury.models import InjuryDetails
from casetracker.main import create_app
from casetracker.materials import service as materials_service
from casetracker.materials.models import MaterialItem
from casetracker.packets import service as packet_service
from casetracker.reconcile import batch as batch_service
from casetracker.reconcile import jobs, roster_import
from casetracker.reconcile.classes import Month
from casetracker.reconcile.models import BatchItem
from tests.conftest import (
    LI_ID,
    NOW,
    PASSWORD,
    VALID_CREDIT_CODE,
    World,
    bearer,
    csrf_from,
    log_in,
    make_user,
    open_injury,
    page_csrf,
    tiny_pdf,
)
from tests.routes import app_routes

RoleName = Literal["anonymous", "owner", "other", "supervisor", "admin"]
ROLES: tuple[RoleName, ...] = ("anonymous", "owner", "other", "supervisor", "admin")
Key = tuple[str, str]  # (method, path template) as the router names it


class Expect(NamedTuple):
    """The status each role must get; the columns of the matrix."""

    anonymous: int
    owner: int
    other: int
    supervisor: int
    admin: int


# fmt: off
MATRIX: dict[Key, Expect] = {
    #                                                         anon owner other  sup admin
    # Public: API docs, fonts and packet styles, the health probe.
    ("GET",  "/api/openapi.json"):                      Expect(200, 200, 200, 200, 200),
    ("GET",  "/api/docs"):                              Expect(200, 200, 200, 200, 200),
    ("GET",  "/docs/oauth2-redirect"):                  Expect(200, 200, 200, 200, 200),
    ("GET",  "/fonts/noto-sans-sc.otf"):                Expect(200, 200, 200, 200, 200),
    ("GET",  "/fonts/noto-serif-sc.otf"):               Expect(200, 200, 200, 200, 200),
    ("GET",  "/fonts/packet-fonts.css"):                Expect(200, 200, 200, 200, 200),
    ("GET",  "/packet-assets/{name}"):                  Expect(200, 200, 200, 200, 200),
    ("GET",  "/healthz"):                               Expect(200, 200, 200, 200, 200),
    # Signing in and out, the language switch.
    ("GET",  "/login"):                                 Expect(200, 303, 303, 303, 303),
    ("POST", "/login"):                                 Expect(303, 303, 303, 303, 303),
    ("POST", "/logout"):                                Expect(303, 303, 303, 303, 303),
    ("GET",  "/lang/{code}"):                           Expect(303, 303, 303, 303, 303),
    # Alerts: one's own inbox; an escalation the owner and supervisors received, which
    # only a supervisor acknowledges (admins see every alert, receive none).
    ("GET",  "/alerts"):                                Expect(303, 200, 200, 200, 200),
    ("POST", "/alerts/{alert_id}/read"):                Expect(303, 303, 404, 303, 303),
    ("POST", "/alerts/{alert_id}/acknowledge"):         Expect(303, 403, 403, 303, 403),
    ("GET",  "/api/v1/alerts"):                         Expect(401, 200, 200, 200, 200),
    ("GET",  "/api/v1/alerts/{alert_id}"):              Expect(401, 200, 404, 200, 200),
    ("POST", "/api/v1/alerts/{alert_id}/read"):         Expect(401, 200, 404, 200, 200),
    ("POST", "/api/v1/alerts/{alert_id}/acknowledge"):  Expect(401, 403, 403, 200, 403),
    # One's own profile (where alerts reach one).
    ("GET",  "/profile"):                               Expect(303, 200, 200, 200, 200),
    ("POST", "/profile"):                               Expect(303, 303, 303, 303, 303),
    ("POST", "/profile/calendar"):                      Expect(303, 200, 200, 200, 200),
    ("POST", "/profile/calendar/revoke"):               Expect(303, 303, 303, 303, 303),
    # A calendar app fetches the feed with its secret alone; an unknown one is not found.
    ("GET",  "/calendar/{secret}.ics"):                 Expect(404, 404, 404, 404, 404),
    # The supervisor's overview (admins read it too).
    ("GET",  "/overview"):                              Expect(303, 403, 403, 200, 200),
    ("GET",  "/api/v1/overview"):                       Expect(401, 403, 403, 200, 200),
    # The benefit calculator stores nothing: any signed-in caller.
    ("POST", "/api/v1/benefits/calculate"):             Expect(401, 200, 200, 200, 200),
    # Pages any signed-in user reads (and the people records any of them keeps).
    ("GET",  "/"):                                      Expect(303, 200, 200, 200, 200),
    ("GET",  "/clients"):                               Expect(303, 200, 200, 200, 200),
    ("GET",  "/clients/new"):                           Expect(303, 200, 200, 200, 200),
    ("POST", "/clients/new"):                           Expect(303, 303, 303, 303, 303),
    ("GET",  "/clients/{client_id}"):                   Expect(303, 200, 200, 200, 200),
    ("GET",  "/clients/{client_id}/edit"):              Expect(303, 200, 200, 200, 200),
    ("POST", "/clients/{client_id}/edit"):              Expect(303, 303, 303, 303, 303),
    ("GET",  "/insured"):                               Expect(303, 200, 200, 200, 200),
    ("GET",  "/insured/new"):                           Expect(303, 200, 200, 200, 200),
    ("POST", "/insured/new"):                           Expect(303, 303, 303, 303, 303),
    ("GET",  "/insured/{person_id}"):                   Expect(303, 200, 200, 200, 200),
    ("GET",  "/insured/{person_id}/edit"):              Expect(303, 200, 200, 200, 200),
    ("POST", "/insured/{person_id}/edit"):              Expect(303, 303, 303, 303, 303),
    ("GET",  "/workflows"):                             Expect(303, 200, 200, 200, 200),
    ("GET",  "/workflows/{case_type}"):                 Expect(303, 200, 200, 200, 200),
    ("GET",  "/cases"):                                 Expect(303, 200, 200, 200, 200),
    ("GET",  "/cases/{case_id}"):                       Expect(303, 200, 200, 200, 200),
    ("GET",  "/cases/{case_id}/attachments/{attachment_id}"):
                                                        Expect(303, 200, 403, 200, 403),
    ("GET",  "/injury/new"):                            Expect(303, 200, 200, 200, 200),
    # Recording an accident opens a case the recorder owns: case work, not for admins.
    ("POST", "/injury/new"):                            Expect(303, 303, 303, 303, 403),
    # Case work on the page: the owner and supervisors.
    ("POST", "/cases/{case_id}/transitions/{name}"):    Expect(303, 303, 403, 303, 403),
    ("POST", "/cases/{case_id}/attachments"):           Expect(303, 303, 403, 303, 403),
    ("POST", "/cases/{case_id}/contacts"):              Expect(303, 303, 403, 303, 403),
    ("POST", "/cases/{case_id}/attachments/{attachment_id}/remove"):
                                                        Expect(303, 303, 403, 303, 403),
    ("POST", "/cases/{case_id}/attachments/{attachment_id}/replace"):
                                                        Expect(303, 303, 403, 303, 403),
    ("GET",  "/cases/{case_id}/packets/{packet_type}/preview"):
                                                        Expect(303, 200, 403, 200, 403),
    ("POST", "/cases/{case_id}/packets"):               Expect(303, 303, 403, 303, 403),
    # An appraisal opens from a recognised injury only (the scene's is not yet: 409).
    ("POST", "/cases/{case_id}/appraisals"):            Expect(303, 409, 403, 409, 403),
    ("GET",  "/cases/{case_id}/packets/{packet_id}.pdf"):
                                                        Expect(303, 200, 403, 200, 403),
    ("POST", "/cases/{case_id}/corrections"):           Expect(303, 303, 403, 303, 403),
    # Reassignment: supervisors only. So is reopening (the scene's case is open: refused
    # as not closed once the role has been let through).
    ("POST", "/cases/{case_id}/owner"):                 Expect(303, 403, 403, 303, 403),
    ("POST", "/cases/{case_id}/reopen"):                Expect(303, 403, 403, 422, 403),
    # Admin pages.
    ("GET",  "/admin/audit"):                           Expect(303, 403, 403, 403, 200),
    ("GET",  "/admin/calendar"):                        Expect(303, 403, 403, 403, 200),
    ("POST", "/admin/calendar"):                        Expect(303, 403, 403, 403, 303),
    ("GET",  "/admin/materials"):                       Expect(303, 403, 403, 403, 200),
    ("POST", "/admin/materials"):                       Expect(303, 403, 403, 403, 303),
    ("POST", "/admin/materials/{item_id}"):             Expect(303, 403, 403, 403, 303),
    ("GET",  "/admin/users"):                           Expect(303, 403, 403, 403, 200),
    ("POST", "/admin/users"):                           Expect(303, 403, 403, 403, 303),
    ("POST", "/admin/users/{user_id}/password"):        Expect(303, 403, 403, 403, 303),
    ("POST", "/admin/users/{user_id}/unlock"):          Expect(303, 403, 403, 403, 303),
    ("POST", "/admin/users/{user_id}/deactivate"):      Expect(303, 403, 403, 403, 303),
    ("POST", "/admin/users/{user_id}/reactivate"):      Expect(303, 403, 403, 403, 303),
    ("GET",  "/admin/robots"):                          Expect(303, 403, 403, 403, 200),
    ("POST", "/admin/robots/{region_id}"):              Expect(303, 403, 403, 403, 303),
    ("GET",  "/admin/wages"):                           Expect(303, 403, 403, 403, 200),
    ("POST", "/admin/wages/{region_id}"):               Expect(303, 403, 403, 403, 303),
    # The calculator page computes what is typed, stores nothing: anyone signed in.
    ("GET",  "/benefits"):                              Expect(303, 200, 200, 200, 200),
    # The monthly reconciliation: the specialists' and supervisors' work, not the admin's.
    ("GET",  "/reconcile/roster"):                      Expect(303, 200, 200, 200, 403),
    ("POST", "/reconcile/roster"):                      Expect(303, 303, 303, 303, 403),
    ("GET",  "/reconcile/roster/{job_id}"):             Expect(303, 200, 200, 200, 403),
    ("POST", "/reconcile/roster/{job_id}/apply"):       Expect(303, 303, 303, 303, 403),
    ("GET",  "/reconcile"):                             Expect(303, 200, 200, 200, 403),
    ("POST", "/reconcile/batches"):                     Expect(303, 303, 303, 303, 403),
    ("GET",  "/reconcile/bills/{job_id}"):              Expect(303, 200, 200, 200, 403),
    ("GET",  "/reconcile/batches/{case_id}/items.xlsx"):
                                                        Expect(303, 200, 200, 200, 403),
    ("GET",  "/reconcile/batches/{case_id}/report"):    Expect(303, 200, 200, 200, 403),
    ("GET",  "/reconcile/batches/{case_id}/report.xlsx"):
                                                        Expect(303, 200, 200, 200, 403),
    ("GET",  "/reconcile/batches/{case_id}/declaration.xlsx"):
                                                        Expect(303, 200, 200, 200, 403),
    # A batch's work is its owner's and the supervisors', like any case's.
    ("POST", "/reconcile/batches/{case_id}/bill"):      Expect(303, 303, 403, 303, 403),
    ("POST", "/reconcile/bills/{job_id}/apply"):        Expect(303, 303, 403, 303, 403),
    ("POST", "/reconcile/bills/{job_id}/columns"):      Expect(303, 303, 403, 303, 403),
    ("POST", "/reconcile/batches/{case_id}/items/{item_id}"):
                                                        Expect(303, 303, 403, 303, 403),
    ("POST", "/reconcile/batches/{case_id}/report.pdf"):
                                                        Expect(303, 303, 403, 303, 403),
    ("POST", "/reconcile/daily"):                       Expect(303, 303, 303, 303, 403),
    # Two files are required (the partner's list and the reps' changes): the one-file body
    # every cell sends is refused as incomplete before anything else.
    ("POST", "/reconcile/daily/{case_id}/check"):       Expect(303, 422, 422, 422, 403),
    # The API: reading for any token holder.
    ("GET",  "/api/v1/clients"):                        Expect(401, 200, 200, 200, 200),
    ("GET",  "/api/v1/insured"):                        Expect(401, 200, 200, 200, 200),
    ("GET",  "/api/v1/insured/{insured_id}"):           Expect(401, 200, 200, 200, 200),
    ("GET",  "/api/v1/cases"):                          Expect(401, 200, 200, 200, 200),
    ("GET",  "/api/v1/cases/{case_id}"):                Expect(401, 200, 200, 200, 200),
    ("GET",  "/api/v1/cases/{case_id}/packets"):        Expect(401, 200, 200, 200, 200),
    # The API: case work.
    ("POST", "/api/v1/injury-cases"):                   Expect(401, 201, 201, 201, 403),
    ("POST", "/api/v1/cases/{case_id}/transitions"):    Expect(401, 200, 403, 200, 403),
    ("POST", "/api/v1/cases/{case_id}/contacts"):       Expect(401, 201, 403, 201, 403),
    ("POST", "/api/v1/cases/{case_id}/corrections"):    Expect(401, 200, 403, 200, 403),
    ("POST", "/api/v1/cases/{case_id}/reopen"):         Expect(401, 403, 403, 422, 403),
    ("POST", "/api/v1/cases/{case_id}/attachments"):    Expect(401, 201, 403, 201, 403),
    ("POST", "/api/v1/cases/{case_id}/attachments/{attachment_id}/remove"):
                                                        Expect(401, 200, 403, 200, 403),
    ("POST", "/api/v1/cases/{case_id}/attachments/{attachment_id}/replace"):
                                                        Expect(401, 200, 403, 200, 403),
    ("POST", "/api/v1/cases/{case_id}/packets"):        Expect(401, 201, 403, 201, 403),
    ("POST", "/api/v1/cases/{injury_id}/appraisals"):   Expect(401, 409, 403, 409, 403),
    ("POST", "/api/v1/cases/{injury_id}/invoices"):     Expect(401, 201, 403, 201, 403),
    ("GET",  "/api/v1/cases/{injury_id}/invoices"):     Expect(401, 200, 200, 200, 200),
    # The scene's claim names an invoice that does not exist (422 once the caller may act).
    ("POST", "/api/v1/cases/{injury_id}/claims"):       Expect(401, 422, 403, 422, 403),
    # Reading an invoice's QR code stores nothing: anyone signed in.
    ("POST", "/api/v1/cases/{injury_id}/invoices/scan"): Expect(401, 200, 200, 200, 200),
    ("POST", "/api/v1/invoices/{invoice_id}/original"): Expect(401, 404, 404, 404, 404),
    ("POST", "/api/v1/invoices/{invoice_id}/reversal"): Expect(401, 404, 404, 404, 404),
    ("POST", "/api/v1/invoices/{invoice_id}/scan"):     Expect(401, 404, 404, 404, 404),
    # The ledger is the specialists' and supervisors' money work, not the admin's.
    ("GET",  "/api/v1/ledger"):                         Expect(401, 200, 200, 200, 403),
    ("GET",  "/ledger"):                                Expect(303, 200, 200, 200, 403),
    ("GET",  "/ledger.xlsx"):                           Expect(303, 200, 200, 200, 403),
    ("GET",  "/cases/{case_id}/invoices.xlsx"):         Expect(303, 200, 200, 200, 403),
    ("POST", "/cases/{case_id}/invoices"):              Expect(303, 303, 403, 303, 403),
    # No invoice chosen: refused on the page (422) once the caller may act.
    ("POST", "/cases/{case_id}/claims"):                Expect(303, 422, 403, 422, 403),
    ("POST", "/invoices/{invoice_id}/original"):        Expect(303, 404, 404, 404, 404),
    ("POST", "/invoices/{invoice_id}/reversal"):        Expect(303, 404, 404, 404, 404),
    ("POST", "/invoices/{invoice_id}/scan"):            Expect(303, 404, 404, 404, 404),
    # A photo read for its QR code is kept on the case: the owner's and supervisors' work.
    ("POST", "/cases/{case_id}/invoices/read"):         Expect(303, 200, 403, 200, 403),
    ("GET",  "/api/v1/cases/{case_id}/packets/{packet_id}/pdf"):
                                                        Expect(401, 200, 403, 200, 403),
}
# fmt: on

# Cells where the app contradicts the README's rules: (method, path, role) → what the app
# answers now. MATRIX keeps the status the rules call for; these cells are strict xfails.
CONTRARY: dict[tuple[str, str, RoleName], int] = {}

# Routes that serve callers who have not signed in: their redirects need not go to /login.
NO_SIGN_IN: frozenset[Key] = frozenset(
    {
        ("GET", "/api/openapi.json"),
        ("GET", "/api/docs"),
        ("GET", "/docs/oauth2-redirect"),
        ("GET", "/fonts/noto-sans-sc.otf"),
        ("GET", "/fonts/noto-serif-sc.otf"),
        ("GET", "/fonts/packet-fonts.css"),
        ("GET", "/packet-assets/{name}"),
        ("GET", "/healthz"),
        ("GET", "/login"),
        ("POST", "/login"),
        ("POST", "/logout"),
        ("GET", "/lang/{code}"),
    }
)


# --- the rows each cell works on ------------------------------------------------------------


@dataclass(frozen=True)
class BatchScene:
    """The owner's monthly batch, a bill read and waiting to be confirmed, and one item."""

    case_id: int
    job_id: int
    item_id: int


@dataclass
class Scene:
    """Fresh rows for one cell: the world's client and people, four users, the owner's case
    with an attachment, a checklist item, and (when the route needs one) a packet."""

    world: World
    users: dict[RoleName, User]
    case: Case
    attachment_id: int
    item_id: int
    alert_id: int
    job_id: int
    batch: "BatchScene"
    packet_id: int = 0

    def path_params(self) -> dict[str, object]:
        return {
            "name": "file_report",
            "code": "en",
            "client_id": self.world.client.id,
            "person_id": self.world.li.id,
            "insured_id": self.world.li.id,
            "case_type": "injury",
            "case_id": self.case.id,
            "injury_id": self.case.id,
            "attachment_id": self.attachment_id,
            "packet_type": "accident_report",
            "packet_id": self.packet_id,
            "item_id": self.item_id,
            "alert_id": self.alert_id,
            "secret": "cal_not-a-feed",
            "user_id": self.users["other"].id,
            "region_id": self.world.remote.id,
            "job_id": self.job_id,
        }


@dataclass(frozen=True)
class Call:
    """What a cell sends beyond the path: path parameters that differ from the scene's
    defaults, a form (pages; the CSRF token is added), a JSON body, or a one-page PDF as the
    multipart `file` field."""

    path: dict[str, object] = field(default_factory=dict)
    form: dict[str, str] | None = None
    json: dict[str, Any] | None = None
    upload: bool = False
    upload_field: str = "file"


NEW_CREDIT_CODE = "91310115MA1K4BXX5" + uscc_check_char("91310115MA1K4BXX5")
NEW_ID = "31010119850612123" + ric_check_char("31010119850612123")
CONTACT = {"party": "client", "channel": "phone", "note": "与客户确认事故经过"}
CORRECTION = {"field": "hospital", "value": "瑞金医院", "reason": "就诊医院记错"}
ACCIDENT = {"accident_at": "2026-11-23T10:00", "place": "成品仓库", "description": "搬运时扭伤"}


def _client_form(s: Scene, name: str, credit_code: str) -> dict[str, str]:
    return {
        "name": name,
        "credit_code": credit_code,
        "contact_name": "陈经理",
        "sales_rep_id": str(s.world.rep.id),
        "default_region_id": str(s.world.local.id),
    }


def _insured_form(s: Scene, name: str, id_number: str, hire_on: str) -> dict[str, str]:
    return {
        "name": name,
        "id_number": id_number,
        "client_id": str(s.world.client.id),
        "region_id": str(s.world.local.id),
        "hire_on": hire_on,
        "contribution_base": "8500.00",
    }


def _login(s: Scene, role: RoleName) -> Call:
    user = s.users["owner" if role == "anonymous" else role]
    return Call(form={"username": user.username, "password": PASSWORD})


# A body valid enough that an allowed caller succeeds; routes not named send nothing.
CALLS: dict[Key, Callable[[Scene, RoleName], Call]] = {
    ("GET", "/packet-assets/{name}"): lambda s, r: Call(path={"name": "packet.css"}),
    ("POST", "/login"): _login,
    ("POST", "/logout"): lambda s, r: Call(form={}),
    ("POST", "/reconcile/roster"): lambda s, r: Call(upload=True),
    ("POST", "/reconcile/roster/{job_id}/apply"): lambda s, r: Call(form={}),
    ("POST", "/reconcile/batches"): lambda s, r: Call(
        form={"region_id": str(s.world.remote.id), "month": "2026-11"}
    ),
    ("GET", "/reconcile/bills/{job_id}"): lambda s, r: Call(path={"job_id": s.batch.job_id}),
    ("POST", "/reconcile/daily"): lambda s, r: Call(form={"region_id": str(s.world.remote.id)}),
    ("POST", "/reconcile/daily/{case_id}/check"): lambda s, r: Call(
        form={"checked_on": "2026-11-24"}, upload=True
    ),
    ("GET", "/reconcile/batches/{case_id}/items.xlsx"): lambda s, r: Call(
        path={"case_id": s.batch.case_id}
    ),
    ("GET", "/reconcile/batches/{case_id}/report"): lambda s, r: Call(
        path={"case_id": s.batch.case_id}
    ),
    ("GET", "/reconcile/batches/{case_id}/report.xlsx"): lambda s, r: Call(
        path={"case_id": s.batch.case_id}
    ),
    ("GET", "/reconcile/batches/{case_id}/declaration.xlsx"): lambda s, r: Call(
        path={"case_id": s.batch.case_id}
    ),
    ("POST", "/reconcile/batches/{case_id}/report.pdf"): lambda s, r: Call(
        path={"case_id": s.batch.case_id}, form={}
    ),
    ("POST", "/reconcile/batches/{case_id}/bill"): lambda s, r: Call(
        path={"case_id": s.batch.case_id}, upload=True
    ),
    ("POST", "/reconcile/bills/{job_id}/columns"): lambda s, r: Call(
        path={"job_id": s.batch.job_id},
        form={"header_row": "1", "name": "A", "id_number": "B"},
    ),
    ("POST", "/reconcile/bills/{job_id}/apply"): lambda s, r: Call(
        path={"job_id": s.batch.job_id}, form={}
    ),
    ("POST", "/reconcile/batches/{case_id}/items/{item_id}"): lambda s, r: Call(
        path={"case_id": s.batch.case_id, "item_id": s.batch.item_id},
        form={"resolution": "ignored", "reason": "已向社保局核实"},
    ),
    ("POST", "/clients/new"): lambda s, r: Call(
        form=_client_form(s, "上海新桥物流有限公司", NEW_CREDIT_CODE)
    ),
    ("POST", "/clients/{client_id}/edit"): lambda s, r: Call(
        form=_client_form(s, s.world.client.name, VALID_CREDIT_CODE)
    ),
    ("POST", "/insured/new"): lambda s, r: Call(
        form=_insured_form(s, "赵敏", NEW_ID, "2025-01-02")
    ),
    ("POST", "/insured/{person_id}/edit"): lambda s, r: Call(
        form=_insured_form(s, s.world.li.name, "", "2024-03-01")
    ),
    ("POST", "/injury/new"): lambda s, r: Call(
        form={
            "client_id": str(s.world.client.id),
            "employee_name": s.world.li.name,
            "employee_id_number": LI_ID,
            **ACCIDENT,
        }
    ),
    ("POST", "/cases/{case_id}/transitions/{name}"): lambda s, r: Call(
        form={"version": str(s.case.version), "filed_at": "2026-11-21T09:00"}
    ),
    ("POST", "/cases/{case_id}/attachments"): lambda s, r: Call(
        form={"item": "labour_contract"}, upload=True
    ),
    ("POST", "/cases/{case_id}/contacts"): lambda s, r: Call(form=CONTACT),
    ("POST", "/alerts/{alert_id}/read"): lambda s, r: Call(form={}),
    ("POST", "/profile/calendar"): lambda s, r: Call(form={}),
    ("POST", "/profile/calendar/revoke"): lambda s, r: Call(form={}),
    ("POST", "/profile"): lambda s, r: Call(
        form={"email": "me@example.com", "alert_email": "true"}
    ),
    ("POST", "/alerts/{alert_id}/acknowledge"): lambda s, r: Call(form={"note": "已督办"}),
    ("POST", "/api/v1/alerts/{alert_id}/acknowledge"): lambda s, r: Call(json={"note": "已督办"}),
    ("POST", "/api/v1/cases/{injury_id}/invoices"): lambda s, r: Call(
        json={
            "code": "",
            "number": f"2631200000001234{len(r):04d}",  # one paper per caller
            "issued_on": "2026-11-21",
            "hospital": "上海市第六人民医院",
            "amount": "1234.57",
            "kind": "outpatient",
        }
    ),
    ("POST", "/api/v1/cases/{injury_id}/claims"): lambda s, r: Call(json={"invoice_ids": [999999]}),
    ("POST", "/api/v1/cases/{injury_id}/invoices/scan"): lambda s, r: Call(upload=True),
    ("POST", "/cases/{case_id}/invoices"): lambda s, r: Call(
        form={
            "code": "",
            "number": f"2631200000009876{len(r):04d}",
            "issued_on": "2026-11-21",
            "hospital": "上海市第六人民医院",
            "amount": "12.30",
            "kind": "pharmacy",
        }
    ),
    ("POST", "/cases/{case_id}/claims"): lambda s, r: Call(form={}),
    ("POST", "/invoices/{invoice_id}/original"): lambda s, r: Call(
        path={"invoice_id": 999999}, form={"outcome": "returned"}
    ),
    ("POST", "/api/v1/invoices/{invoice_id}/original"): lambda s, r: Call(
        path={"invoice_id": 999999}, json={"outcome": "returned"}
    ),
    ("POST", "/api/v1/invoices/{invoice_id}/reversal"): lambda s, r: Call(
        path={"invoice_id": 999999}, json={"replaced_by_id": 1}
    ),
    ("POST", "/api/v1/invoices/{invoice_id}/scan"): lambda s, r: Call(
        path={"invoice_id": 999999}, upload=True
    ),
    ("POST", "/invoices/{invoice_id}/reversal"): lambda s, r: Call(
        path={"invoice_id": 999999}, form={"replaced_by_id": "1"}
    ),
    ("POST", "/invoices/{invoice_id}/scan"): lambda s, r: Call(
        path={"invoice_id": 999999}, form={}, upload=True, upload_field="scan"
    ),
    ("POST", "/cases/{case_id}/invoices/read"): lambda s, r: Call(
        form={}, upload=True, upload_field="scan"
    ),
    ("POST", "/api/v1/benefits/calculate"): lambda s, r: Call(
        json={
            "monthly_wages": ["8000.00"],
            "area_average_monthly_wage": "10000.00",
            "previous_year_area_average_monthly_wage": "9500.00",
            "grade": 7,
        }
    ),
    ("POST", "/cases/{case_id}/attachments/{attachment_id}/remove"): lambda s, r: Call(
        form={"reason": "传错了案件"}
    ),
    ("POST", "/cases/{case_id}/attachments/{attachment_id}/replace"): lambda s, r: Call(
        form={"reason": "换清晰扫描件"}, upload=True
    ),
    ("POST", "/api/v1/cases/{case_id}/attachments/{attachment_id}/remove"): lambda s, r: Call(
        json={"reason": "传错了案件"}
    ),
    ("POST", "/api/v1/cases/{case_id}/attachments/{attachment_id}/replace"): lambda s, r: Call(
        form={"reason": "换清晰扫描件"}, upload=True
    ),
    ("POST", "/cases/{case_id}/corrections"): lambda s, r: Call(
        form={"version": str(s.case.version), **CORRECTION}
    ),
    ("POST", "/cases/{case_id}/reopen"): lambda s, r: Call(
        form={"version": str(s.case.version), "reason": "误结案"}
    ),
    ("POST", "/cases/{case_id}/packets"): lambda s, r: Call(form={"type": "accident_report"}),
    ("POST", "/cases/{case_id}/owner"): lambda s, r: Call(
        form={"owner": s.users["other"].username, "reason": "休假"}
    ),
    ("POST", "/admin/calendar"): lambda s, r: Call(
        form={"year": "2099", "holidays": "2099-01-01 元旦", "workdays": "", "source": "测试"}
    ),
    ("POST", "/admin/materials"): lambda s, r: Call(
        form={
            "case_type": "injury",
            "code": "medical_bills",
            "name": "医疗费票据",
            "position": "90",
        }
    ),
    ("POST", "/admin/materials/{item_id}"): lambda s, r: Call(
        form={"required": "true", "active": "true"}
    ),
    ("POST", "/admin/users"): lambda s, r: Call(
        form={
            "username": "newcomer",
            "display_name": "新人",
            "role": "specialist",
            "email": "",
            "password": "a-long-password",
            "password2": "a-long-password",
        }
    ),
    ("POST", "/admin/wages/{region_id}"): lambda s, r: Call(
        form={"year": "2026", "average_monthly_wage": "12183.00", "minimum_wage": "2690"}
    ),
    ("POST", "/admin/robots/{region_id}"): lambda s, r: Call(
        form={"url": "https://oapi.dingtalk.com/robot/send?access_token=x", "kind": "dingtalk"}
    ),
    ("POST", "/admin/users/{user_id}/password"): lambda s, r: Call(
        form={"password": "a-new-password", "password2": "a-new-password"}
    ),
    ("POST", "/api/v1/injury-cases"): lambda s, r: Call(
        json={
            "client_id": s.world.client.id,
            "employee": {"name": s.world.li.name, "id_number": LI_ID},
            **ACCIDENT,
            "accident_at": "2026-11-23T10:00:00+08:00",
        }
    ),
    ("POST", "/api/v1/cases/{case_id}/transitions"): lambda s, r: Call(
        json={
            "transition": "file_report",
            "version": s.case.version,
            "filed_at": "2026-11-21T09:00:00+08:00",
        }
    ),
    ("POST", "/api/v1/cases/{case_id}/contacts"): lambda s, r: Call(json=CONTACT),
    ("POST", "/api/v1/cases/{case_id}/corrections"): lambda s, r: Call(
        json={"version": s.case.version, **CORRECTION}
    ),
    ("POST", "/api/v1/cases/{case_id}/reopen"): lambda s, r: Call(
        json={"version": s.case.version, "reason": "误结案"}
    ),
    ("POST", "/api/v1/cases/{case_id}/attachments"): lambda s, r: Call(
        form={"item": "labour_contract"}, upload=True
    ),
    ("POST", "/api/v1/cases/{case_id}/packets"): lambda s, r: Call(
        json={"type": "accident_report"}
    ),
}


def _nothing(_scene: Scene, _role: RoleName) -> Call:
    return Call()


@pytest.fixture(scope="module")
def one_app(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> FastAPI:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("matrix"), database_url=database_url, secret_key="k" * 40
    )
    return create_app(settings, session_factory=sessionmaker(), verify_schema=False)


@pytest.fixture
def app(one_app: FastAPI, session_factory: sessionmaker[Session]) -> FastAPI:
    """One app for the ~300 cells (building and warming one per cell would double the
    file's time), pointed at each cell's own rolled-back connection."""
    one_app.state.sessionmaker = session_factory
    return one_app


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at test strength: ~300 cells each hash four passwords and verify one; the
    matrix is about who may do what, not about the hash."""
    monkeypatch.setattr(
        auth_service, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


def _roster_job(session: Session, world: World, owner: User) -> int:
    """A previewed roster import (Li's base changes), ready to confirm."""
    rows = [
        ["姓名", "身份证号", "派遣单位", "缴费基数"],
        ["李秀英", LI_ID, world.client.name, "9100"],
    ]
    content = "\n".join(",".join(row) for row in rows).encode()
    job = jobs.create(
        session=session, kind="roster", filename="r.csv", content=content, actor=owner, now=NOW
    )
    jobs.check_now(session=session, job=job, work=roster_import.preview)
    return job.id


def _batch(session: Session, world: World, owner: User) -> BatchScene:
    case = batch_service.open_batch(
        session=session, region_id=world.local.id, month=Month(2026, 11), owner=owner, now=NOW
    )
    bill = [["姓名", "证件号码", "申报基数"], ["李秀英", LI_ID, "8500"]]
    content = "\n".join(",".join(row) for row in bill).encode()
    job = jobs.create(
        session=session,
        kind="bill",
        filename="bill.csv",
        content=content,
        actor=owner,
        now=NOW,
        case_id=case.id,
    )
    jobs.check_now(session=session, job=job, work=batch_service.bill_preview)
    item = BatchItem(case_id=case.id, category="to_enroll", id_number=LI_ID, name="李秀英")
    session.add(item)
    session.flush()
    return BatchScene(case.id, job.id, item.id)


def make_scene(session: Session, world: World, settings: Settings, *, packet: bool) -> Scene:
    users: dict[RoleName, User] = {
        "owner": make_user(session, "anna", Role.SPECIALIST, "安娜"),
        "other": make_user(session, "bob", Role.SPECIALIST, "鲍勃"),
        "supervisor": make_user(session, "sam", Role.SUPERVISOR, "山姆"),
        "admin": make_user(session, "ada", Role.ADMIN, "艾达"),
    }
    case = open_injury(session, world, users["owner"], "2026-11-20T22:30")
    session.add(
        InjuryDetails(
            case_id=case.id,
            accident_at=case.transitions[0].event_at,
            place="二号车间冲压线",
            description="操作冲床时右手被模具夹伤",
            injured_part="右手食指",
            hospital="上海市第六人民医院",
            reporter_name="陈经理",
            reporter_contact="13816620001",
        )
    )
    attachment = materials_service.attach(
        session=session,
        case=case,
        item_code="id_card",
        filename="身份证.pdf",
        content=tiny_pdf(),
        actor=users["owner"],
        now=NOW,
    )
    item_id = session.scalar(
        select(MaterialItem.id).where(MaterialItem.case_type == "injury").order_by(MaterialItem.id)
    )
    assert item_id is not None, "the migration seeds the injury checklist"
    scan(session=session, settings=settings, now=NOW)  # the case's filing report is overdue
    alert_id = session.scalar(
        select(Alert.id).where(Alert.case_id == case.id, Alert.level == "escalation")
    )
    assert alert_id is not None, "an escalation to the owner and the supervisor"
    scene = Scene(
        world,
        users,
        case,
        attachment.id,
        item_id,
        alert_id,
        _roster_job(session, world, users["owner"]),
        _batch(session, world, users["owner"]),
    )
    if packet:
        made, _created = packet_service.generate(
            session=session,
            case=case,
            packet_type="accident_report",
            actor=users["owner"],
            settings=settings,
            now=NOW,
        )
        scene.packet_id = made.id
    session.commit()
    return scene


# --- the tests ------------------------------------------------------------------------------


def test_the_matrix_names_every_route(app: FastAPI) -> None:
    served = app_routes(app)
    assert len(served) == len(set(served)), "a (method, path) is served twice"
    missing = sorted(set(served) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(served))
    assert (missing, stale) == ([], []), (
        f"routes with no row in MATRIX (add their five statuses): {missing}; "
        f"MATRIX rows for routes the app does not serve: {stale}"
    )
    assert set(CALLS) <= set(MATRIX), sorted(set(CALLS) - set(MATRIX))
    assert set(NO_SIGN_IN) <= set(MATRIX), sorted(NO_SIGN_IN - set(MATRIX))
    assert {(m, p) for m, p, _r in CONTRARY} <= set(MATRIX)


class StillContrary(Exception):
    """A `CONTRARY` cell where the app still answers what it is known to answer."""


def _cells() -> Iterator[Any]:
    for (method, path), expect in MATRIX.items():
        for role in ROLES:
            marks = []
            actual = CONTRARY.get((method, path, role))
            if actual is not None:
                reason = (
                    f"the app answers {actual}; the README's rules call for {getattr(expect, role)}"
                )
                marks.append(pytest.mark.xfail(strict=True, raises=StillContrary, reason=reason))
            yield pytest.param(method, path, role, marks=marks, id=f"{method} {path} {role}")


def _goes_to_login(response: Response) -> bool:
    location: str = response.headers.get("location", "")
    return urlsplit(location).path == "/login"


@pytest.mark.parametrize(("method", "path", "role"), list(_cells()))
def test_cell(
    method: str,
    path: str,
    role: RoleName,
    client: TestClient,
    session: Session,
    world: World,
    app: FastAPI,
) -> None:
    key = (method, path)
    expected = getattr(MATRIX[key], role)
    settings: Settings = app.state.settings
    scene = make_scene(session, world, settings, packet="{packet_id}" in path)
    call = CALLS.get(key, _nothing)(scene, role)
    url = path.format(**{**scene.path_params(), **call.path})
    headers: dict[str, str] = {}
    data: dict[str, str] | None = None
    if path.startswith("/api/v1/"):
        if role != "anonymous":
            headers = bearer(session, scene.users[role])
        data = call.form
    else:
        if role != "anonymous":
            log_in(client, scene.users[role])
        if method == "POST":
            token = (
                page_csrf(client) if role != "anonymous" else csrf_from(client.get("/login").text)
            )
            data = {**(call.form or {}), "csrf_token": token}
    files = (
        {call.upload_field: ("劳动合同.pdf", tiny_pdf(), "application/pdf")}
        if call.upload
        else None
    )

    response = client.request(method, url, data=data, json=call.json, files=files, headers=headers)

    body = response.content[:600].decode(errors="replace")
    said = f"{method} {url} as {role}: {response.status_code}\n{body}"
    if CONTRARY.get((method, path, role)) == response.status_code:
        raise StillContrary(f"{said}\nthe README's rules call for {expected}")
    assert response.status_code == expected, said
    if response.status_code == 403:  # refused by the authorisation rules, not the CSRF check
        assert "页面已过期" not in response.text, said
    if response.status_code == 303:
        # A 303 is a success unless it sends the caller to sign in, which only anonymous
        # callers of pages that need a signed-in user get (and everyone who signs out).
        to_login = (role == "anonymous" and key not in NO_SIGN_IN) or key == ("POST", "/logout")
        assert _goes_to_login(response) == to_login, f"{said}\n→ {response.headers['location']}"
