"""The JSON API: bearer tokens, masking, Chinese error details."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import User
from tests.conftest import LI_ID, World, bearer


def test_clients_need_a_token(
    client: TestClient, anna: User, session: Session, world: World
) -> None:
    refused = client.get("/api/v1/clients")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "请先登录或提供有效的 API 令牌"
    assert refused.headers["www-authenticate"] == "Bearer"
    assert (
        client.get("/api/v1/clients", headers={"Authorization": "Bearer nope"}).status_code == 401
    )
    response = client.get("/api/v1/clients", headers=bearer(session, anna))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(c["id"], c["name"]) for c in items] == [(world.client.id, "上海浦江精密机械有限公司")]


def test_a_browser_session_is_not_an_api_credential(as_anna: TestClient) -> None:
    assert as_anna.get("/api/v1/clients").status_code == 401


def test_insured_ids_are_masked_for_a_specialist(
    client: TestClient, anna: User, session: Session, world: World
) -> None:
    body = client.get("/api/v1/insured", params={"q": "李"}, headers=bearer(session, anna)).json()
    assert body["total"] == 1
    person = body["items"][0]
    assert (person["id"], person["name"], person["id_number"]) == (
        world.li.id,
        "李秀英",
        "1101**********002X",
    )
    assert person["id_number_masked"] is True
    assert (
        session.scalar(select(AuditEvent).where(AuditEvent.action == "insured.id_number_viewed"))
        is None
    )


def test_insured_lists_are_masked_even_for_an_admin_and_the_detail_is_whole_and_audited(
    client: TestClient, ada: User, session: Session, world: World
) -> None:
    headers = bearer(session, ada)
    body = client.get("/api/v1/insured", headers=headers).json()
    assert LI_ID not in {p["id_number"] for p in body["items"]}
    assert all(p["id_number_masked"] for p in body["items"])
    detail = client.get(f"/api/v1/insured/{world.li.id}", headers=headers).json()
    assert detail["id_number"] == LI_ID
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "insured.id_number_viewed")
    )
    assert event is not None
    assert event.after is not None
    assert event.after == {"via": "api_insured_detail", "insured_ids": [world.li.id]}
    assert event.ip == "testclient"


def test_it_pages_with_offset_and_limit(
    client: TestClient, anna: User, session: Session, world: World
) -> None:
    headers = bearer(session, anna)
    first = client.get("/api/v1/insured", params={"limit": 1}, headers=headers).json()
    second = client.get("/api/v1/insured", params={"limit": 1, "offset": 1}, headers=headers).json()
    assert first["total"] == second["total"] == 2
    assert first["items"][0]["id"] != second["items"][0]["id"]


def test_bad_parameters_get_a_chinese_detail(
    client: TestClient, anna: User, session: Session
) -> None:
    response = client.get(
        "/api/v1/insured", params={"limit": "lots"}, headers=bearer(session, anna)
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("提交的数据无效")
    assert "请填写数字" in response.json()["detail"]


def test_healthz_answers_without_login(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/clients", "/api/v1/insured"} <= set(paths)
