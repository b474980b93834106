"""What the API promises: integers and dates parsed at one edge (ASCII digits, bounded
years), the OpenAPI schema describing the real bodies and errors, and masked ID lists."""

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import User
from casetracker.cases.models import Case, CaseTransition
from casetracker.core.validation import MAX_DB_INT, parse_int
from tests.conftest import LI_ID, NOW, World, bearer, log_in, open_injury, page_csrf

NEW_ID = "31011519900307123" + "9"
YEAR_ONE = "0001-01-01T00:00:00+08:00"
LAST_MOMENT = "9999-12-31T23:59:59-01:00"


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(session: Session, world: World, anna: User) -> Case:
    return open_injury(session, world, anna, "2026-11-20T22:30")


@pytest.fixture
def api(client: TestClient, session: Session, anna: User, world: World) -> TestClient:
    client.headers.update(bearer(session, anna))
    return client


def _transitions(session: Session, case: Case) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(CaseTransition)
            .where(CaseTransition.case_id == case.id)
        )
        or 0
    )


# --- 1. one integer parser: ASCII digits, within the database's range ----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("42", 42),
        (" 7 ", 7),
        ("007", 7),
        ("-3", -3),
        (str(MAX_DB_INT), MAX_DB_INT),
        (str(MAX_DB_INT + 1), None),
        ("99999999999999999999", None),
        ("²", None),  # str.isdigit() says yes, int() says no
        ("١", None),  # Arabic-Indic one: int() reads 1, we do not
        ("１", None),  # full-width one
        ("1_000", None),
        ("+1", None),
        ("1.0", None),
        ("", None),
        ("-", None),
        (None, None),
    ],
)
def test_parse_int_accepts_ascii_digits_in_the_database_range(
    text: str | None, expected: int | None
) -> None:
    assert parse_int(text) == expected


@pytest.mark.parametrize("owner", ["²", "١", "99999999999999999999", "nobody"])
def test_an_owner_filter_that_names_no_user_is_a_422(api: TestClient, owner: str) -> None:
    response = api.get("/api/v1/cases", params={"owner": owner})
    assert response.status_code == 422, response.text
    assert "owner" in response.json()["errors"]


def test_an_owner_filter_by_id_or_login_name(
    api: TestClient, session: Session, world: World, anna: User, sam: User
) -> None:
    mine = open_injury(session, world, anna, "2026-11-23T20:00")
    open_injury(session, world, sam, "2026-11-22T20:00")
    for owner in (str(anna.id), "anna"):
        body = api.get("/api/v1/cases", params={"owner": owner}).json()
        assert [c["id"] for c in body["items"]] == [mine.id]


@pytest.mark.parametrize("version", ["²", "١", "１", "99999999999999999999", "", "1.0"])
def test_the_case_page_refuses_a_version_that_is_not_ascii_digits(
    client: TestClient, anna: User, case: Case, session: Session, version: str
) -> None:
    log_in(client, anna)
    response = client.post(
        f"/cases/{case.id}/transitions/file_report",
        data={
            "version": version,
            "filed_at": "2026-11-21T09:00",
            "csrf_token": page_csrf(client),
        },
    )
    assert response.status_code == 422
    assert "案件版本无效" in response.text
    assert _transitions(session, case) == 1


@pytest.mark.parametrize("year", ["²", "٢٠٢٧", "２０２７", "99999999999999999999"])
def test_the_calendar_form_refuses_a_year_that_is_not_ascii_digits(
    client: TestClient, ada: User, year: str
) -> None:
    log_in(client, ada)
    response = client.post(
        "/admin/calendar",
        data={
            "year": year,
            "holidays": "2027-10-01 国庆节",
            "csrf_token": page_csrf(client, "/admin/calendar"),
        },
    )
    assert response.status_code == 422
    assert "年份应为 2000–2100 之间的整数" in response.text


def test_an_id_number_in_other_digits_is_refused(api: TestClient, world: World) -> None:
    arabic = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in LI_ID)
    response = api.post(
        "/api/v1/injury-cases",
        json={
            "client_id": world.client.id,
            "employee": {"name": "李秀英", "id_number": arabic},
            "accident_at": "2026-11-20T22:30:00+08:00",
            "place": "二号车间",
            "description": "扭伤",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"]["employee.id_number"] == "身份证号码：只能由数字和末位 X 组成"


# --- 2. dates and times within 1900..2100 -------------------------------------------------


@pytest.mark.parametrize(
    "due_before",
    ["0001-01-01", "9999-12-31", LAST_MOMENT, YEAR_ONE, "1899-12-31", "2101-01-01T00:00"],
)
def test_due_before_outside_the_years_is_a_422(api: TestClient, due_before: str) -> None:
    response = api.get("/api/v1/cases", params={"due_before": due_before})
    assert response.status_code == 422, response.text
    assert "1950 年至 2100 年之间" in response.json()["detail"]


@pytest.mark.parametrize("due_before", ["1950-01-01", "2100-12-31T23:59:59-01:00"])
def test_due_before_at_the_edges_of_the_years_is_accepted(api: TestClient, due_before: str) -> None:
    assert api.get("/api/v1/cases", params={"due_before": due_before}).status_code == 200


@pytest.mark.parametrize(
    ("transition", "field", "value", "message"),
    [
        ("file_report", "filed_at", YEAR_ONE, "快报时间：时间应在 1950 年至 2100 年之间"),
        ("file_report", "filed_at", LAST_MOMENT, "快报时间：时间应在 1950 年至 2100 年之间"),
        ("file_report", "filed_at", "0001-01-01T00:00", "快报时间：时间应在 1950 年至 2100 年之间"),
    ],
)
def test_transition_times_outside_the_years_are_a_422(
    api: TestClient,
    session: Session,
    case: Case,
    transition: str,
    field: str,
    value: str,
    message: str,
) -> None:
    response = api.post(
        f"/api/v1/cases/{case.id}/transitions",
        json={"transition": transition, "version": 1, field: value},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][field] == message
    assert _transitions(session, case) == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0001-01-01", "提交日期：日期应在 1950 年至 2100 年之间"),
        ("9999-12-31", "提交日期：日期应在 1950 年至 2100 年之间"),
        ("1899-12-31", "提交日期：日期应在 1950 年至 2100 年之间"),
    ],
)
def test_transition_dates_outside_the_years_are_a_422(
    api: TestClient, session: Session, case: Case, anna: User, value: str, message: str
) -> None:
    from tests.conftest import complete_materials, fire

    fire(session, case, "file_report", anna, filed_at="2026-11-21T09:00")
    complete_materials(session, case, anna)
    response = api.post(
        f"/api/v1/cases/{case.id}/transitions",
        json={"transition": "submit_application", "version": case.version, "submitted_on": value},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"]["submitted_on"] == message
    assert _transitions(session, case) == 2


def _intake(world: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client_id": world.client.id,
        "employee": {"name": "赵六", "id_number": NEW_ID},
        "accident_at": "2026-11-20T22:30:00+08:00",
        "place": "二号车间",
        "description": "搬运货物时扭伤腰部",
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize("accident_at", [YEAR_ONE, LAST_MOMENT, "1899-12-31T23:00:00+08:00"])
def test_an_accident_outside_the_years_is_a_422(
    api: TestClient, world: World, session: Session, accident_at: str
) -> None:
    before = session.scalar(select(func.count()).select_from(Case))
    response = api.post("/api/v1/injury-cases", json=_intake(world, accident_at=accident_at))
    assert response.status_code == 422, response.text
    assert response.json()["errors"]["accident_at"] == "事故时间：时间应在 1950 年至 2100 年之间"
    assert session.scalar(select(func.count()).select_from(Case)) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contacted_at", YEAR_ONE, "联系时间：时间应在 1950 年至 2100 年之间"),
        ("contacted_at", LAST_MOMENT, "联系时间：时间应在 1950 年至 2100 年之间"),
        ("follow_up_on", "0001-01-01", "跟进日期：日期应在 1950 年至 2100 年之间"),
        ("follow_up_on", "9999-12-31", "跟进日期：日期应在 1950 年至 2100 年之间"),
    ],
)
def test_contact_times_outside_the_years_are_a_422(
    api: TestClient, case: Case, field: str, value: str, message: str
) -> None:
    response = api.post(
        f"/api/v1/cases/{case.id}/contacts",
        json={"party": "client", "channel": "phone", "note": "回访", field: value},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][field] == message


# --- 3. the OpenAPI schema says what the API does -----------------------------------------


@pytest.fixture
def openapi(client: TestClient) -> dict[str, Any]:
    schema: dict[str, Any] = client.get("/api/openapi.json").json()
    return schema


def _operations(openapi: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def _resolve(openapi: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if not ref:
        return schema
    found: dict[str, Any] = openapi["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return found


def test_every_operation_documents_its_errors_as_they_are(openapi: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in openapi["components"]["schemas"]
    for method, path, operation in _operations(openapi):
        responses = operation["responses"]
        for status in ("400", "401", "403", "404", "409", "413", "422", "503"):
            assert status in responses, (method, path, status)
            schema = _resolve(openapi, responses[status]["content"]["application/json"]["schema"])
            assert schema["properties"]["detail"]["type"] == "string"
            assert "errors" in schema["properties"]
            assert schema["required"] == ["detail"]
        assert "Retry-After" in responses["503"]["headers"]
        assert "WWW-Authenticate" in responses["401"]["headers"]


def test_422_bodies_are_detail_and_labelled_errors(
    api: TestClient, world: World, openapi: dict[str, Any]
) -> None:
    response = api.post(
        "/api/v1/injury-cases",
        json=_intake(world, employee={"name": "", "id_number": NEW_ID}, place=""),
    )
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["errors"] == {"employee.name": "员工姓名：必填", "place": "事故地点：必填"}
    assert "员工姓名：必填" in body["detail"]
    assert "事故地点：必填" in body["detail"]


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/api/v1/injury-cases", "AccidentIn"),
        ("/api/v1/cases/{case_id}/contacts", "ContactIn"),
        ("/api/v1/cases/{case_id}/packets", "PacketIn"),
        ("/api/v1/cases/{case_id}/transitions", "TransitionIn"),
    ],
)
def test_json_bodies_are_typed(openapi: dict[str, Any], path: str, model: str) -> None:
    body = openapi["paths"][path]["post"]["requestBody"]
    assert body["required"] is True
    schema = body["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/" + model)
    assert openapi["components"]["schemas"][model]["properties"]


def test_the_transition_body_names_its_parts_and_allows_the_transition_s_fields(
    openapi: dict[str, Any],
) -> None:
    schema = openapi["components"]["schemas"]["TransitionIn"]
    assert set(schema["required"]) == {"transition", "version"}
    assert {"transition", "version", "note"} <= set(schema["properties"])
    assert schema["additionalProperties"] is True


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/api/v1/injury-cases", "CaseOut"),
        ("/api/v1/cases/{case_id}/packets", "PacketOut"),
    ],
)
def test_creating_answers_201_or_200_both_documented(
    openapi: dict[str, Any], path: str, model: str
) -> None:
    responses = openapi["paths"][path]["post"]["responses"]
    for status in ("200", "201"):
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/" + model), status


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"version": 1}, "transition", "操作：必填"),
        ({"transition": "file_report"}, "version", "案件版本：必填"),
        ({"transition": "file_report", "version": "1"}, "version", "案件版本：请填写数字，例如 3"),
        ({"transition": "file_report", "version": True}, "version", "案件版本：请填写数字，例如 3"),
        ({"transition": 5, "version": 1}, "transition", "操作：应为文字"),
        ({"transition": "file_report", "version": 1, "note": 5}, "note", "备注：应为文字"),
    ],
)
def test_a_malformed_transition_body_gets_labelled_errors(
    api: TestClient, case: Case, payload: dict[str, Any], field: str, message: str
) -> None:
    response = api.post(f"/api/v1/cases/{case.id}/transitions", json=payload)
    assert response.status_code == 422
    assert response.json()["errors"][field] == message


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'"text"', b""],
)
def test_a_body_that_is_not_an_object_gets_one_error(
    api: TestClient, case: Case, content: bytes
) -> None:
    response = api.post(
        f"/api/v1/cases/{case.id}/packets",
        content=content,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["body"]
    assert response.json()["errors"]["body"].startswith("请求体：")


def test_a_packet_without_a_type_is_labelled(api: TestClient, case: Case) -> None:
    response = api.post(f"/api/v1/cases/{case.id}/packets", json={})
    assert response.status_code == 422
    assert response.json()["errors"] == {"type": "材料类型：必填"}


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/api/v1/clients", "GET"),
        ("PUT", "/api/v1/injury-cases", "POST"),
        ("PATCH", "/login", "GET, POST"),
    ],
)
def test_405_names_the_allowed_methods(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert sorted(response.headers["allow"].split(", ")) == sorted(allow.split(", "))


# --- 4. ID numbers: lists masked for everyone, the detail whole for those allowed -----------


def _viewed(session: Session) -> list[AuditEvent]:
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.action == "insured.id_number_viewed"))
    )


def test_the_insured_list_is_masked_even_for_an_admin_and_not_audited(
    client: TestClient, session: Session, ada: User, world: World
) -> None:
    body = client.get("/api/v1/insured", headers=bearer(session, ada)).json()
    assert body["total"] == 2
    assert all(p["id_number_masked"] for p in body["items"])
    assert LI_ID not in {p["id_number"] for p in body["items"]}
    assert "1101**********002X" in {p["id_number"] for p in body["items"]}
    assert _viewed(session) == []


def test_the_insured_detail_is_whole_for_an_admin_and_audited(
    client: TestClient, session: Session, ada: User, world: World
) -> None:
    response = client.get(f"/api/v1/insured/{world.li.id}", headers=bearer(session, ada))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["id_number"], body["id_number_masked"]) == (world.li.id, LI_ID, False)
    [event] = _viewed(session)
    assert event.actor_id == ada.id
    assert event.after == {"via": "api_insured_detail", "insured_ids": [world.li.id]}


def test_the_insured_detail_is_masked_for_a_specialist(
    client: TestClient, session: Session, anna: User, world: World
) -> None:
    body = client.get(f"/api/v1/insured/{world.li.id}", headers=bearer(session, anna)).json()
    assert (body["id_number"], body["id_number_masked"]) == ("1101**********002X", True)
    assert _viewed(session) == []


def test_an_unknown_insured_person_is_a_404(
    client: TestClient, session: Session, ada: User, world: World
) -> None:
    response = client.get("/api/v1/insured/999999", headers=bearer(session, ada))
    assert response.status_code == 404
    assert "参保人不存在" in response.json()["detail"]
    assert client.get(f"/api/v1/insured/{world.li.id}").status_code == 401
