"""Client and insured-person pages: validation that names the field, masking, audit."""

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from casetracker.audit.models import AuditEvent
from casetracker.core.identifiers import ric_check_char
from casetracker.people.models import Client, InsuredPerson, SalesRep
from casetracker.web.forms import form_refused
from tests.conftest import LI_ID, VALID_CREDIT_CODE, World, page_csrf


def _client_form(world: World, **overrides: str) -> dict[str, str]:
    form = {
        "name": "上海新客户有限公司",
        "credit_code": "91310115MA1K4BXX5W",
        "default_region_id": str(world.local.id),
        "sales_rep_id": str(world.rep.id),
        "owner_id": "",
        "contact_name": "陈经理",
        "contact_phone": "021-60000000",
        "address": "",
    }
    form.update(overrides)
    return form


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _valid_code() -> str:
    from casetracker.core.identifiers import uscc_check_char

    return "91310115MA1K4BXX5" + uscc_check_char("91310115MA1K4BXX5")


def test_it_creates_a_client_and_audits_it(
    as_anna: TestClient, world: World, session: Session
) -> None:
    form = _client_form(world, credit_code=_valid_code().lower(), csrf_token=page_csrf(as_anna))
    response = as_anna.post("/clients/new", data=form)
    assert response.status_code == 303
    client = session.scalar(select(Client).where(Client.name == "上海新客户有限公司"))
    assert client is not None
    assert client.credit_code == _valid_code()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "client.created"))
    assert event is not None
    assert event.actor_name == "anna"
    assert event.after is not None
    assert event.after["credit_code"] == _valid_code()


def test_it_refuses_a_wrong_credit_code_naming_the_field(
    as_anna: TestClient, world: World, session: Session
) -> None:
    before = _count(session, Client)
    bad = _valid_code()[:17] + ("0" if _valid_code()[17] != "0" else "1")
    form = _client_form(world, credit_code=bad, csrf_token=page_csrf(as_anna))
    response = as_anna.post("/clients/new", data=form)
    assert response.status_code == 422
    assert "统一社会信用代码：校验位不正确" in response.text
    assert "上海新客户有限公司" in response.text  # what was typed is kept
    assert _count(session, Client) == before


def test_it_refuses_a_duplicate_credit_code(as_anna: TestClient, world: World) -> None:
    form = _client_form(world, credit_code=VALID_CREDIT_CODE, csrf_token=page_csrf(as_anna))
    response = as_anna.post("/clients/new", data=form)
    assert response.status_code == 422
    assert "已被其他客户使用" in response.text


def test_it_refuses_a_wrong_id_number_naming_the_field(
    as_anna: TestClient, world: World, session: Session
) -> None:
    before = _count(session, InsuredPerson)
    form = {
        "name": "赵六",
        "id_number": "110105194912310021",
        "client_id": str(world.client.id),
        "hire_on": "2026-01-05",
        "contribution_base": "8500",
        "csrf_token": page_csrf(as_anna),
    }
    response = as_anna.post("/insured/new", data=form)
    assert response.status_code == 422
    assert "身份证号码：校验位不正确" in response.text
    assert _count(session, InsuredPerson) == before


def test_it_creates_an_insured_person_with_a_lowercase_x(
    as_anna: TestClient, world: World, session: Session
) -> None:
    form = {
        "name": "赵六",
        "id_number": "11010519491231002x",
        "client_id": str(world.remote.id and world.client.id),
        "hire_on": "2026-01-05",
        "contribution_base": "8,500.00".replace(",", ""),
        "region_id": "",
        "csrf_token": page_csrf(as_anna),
    }
    session.delete(world.li)
    session.commit()
    response = as_anna.post("/insured/new", data=form)
    assert response.status_code == 303, response.text
    person = session.scalar(select(InsuredPerson).where(InsuredPerson.name == "赵六"))
    assert person is not None
    assert person.id_number == "11010519491231002X"
    assert person.region_id == world.local.id  # the client's default region


def test_it_refuses_a_leave_date_before_the_hire_date(as_anna: TestClient, world: World) -> None:
    form = {
        "name": "李秀英",
        "client_id": str(world.client.id),
        "hire_on": "2026-03-01",
        "leave_on": "2026-02-01",
        "contribution_base": "8500",
        "csrf_token": page_csrf(as_anna),
    }
    response = as_anna.post(f"/insured/{world.li.id}/edit", data=form)
    assert response.status_code == 422
    assert "离职日期：不能早于入职日期" in response.text


def test_it_keeps_the_id_number_when_the_edit_leaves_it_blank(
    as_anna: TestClient, world: World, session: Session
) -> None:
    form = {
        "name": "李秀英",
        "id_number": "",
        "client_id": str(world.client.id),
        "hire_on": "2024-03-01",
        "contribution_base": "9100.50",
        "csrf_token": page_csrf(as_anna),
    }
    assert as_anna.post(f"/insured/{world.li.id}/edit", data=form).status_code == 303
    session.expire_all()
    person = session.get(InsuredPerson, world.li.id)
    assert person is not None
    assert person.id_number == LI_ID
    assert str(person.contribution_base) == "9100.50"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "insured.updated"))
    assert event is not None
    assert event.before is not None
    assert event.after is not None
    assert (event.before["contribution_base"], event.after["contribution_base"]) == (
        "8500.00",
        "9100.50",
    )


def test_a_specialist_sees_id_numbers_masked(as_anna: TestClient, world: World) -> None:
    listing = as_anna.get("/insured", params={"q": "李秀英"}).text
    detail = as_anna.get(f"/insured/{world.li.id}").text
    for page in (listing, detail):
        assert "1101**********002X" in page
        assert LI_ID not in page


def test_an_admin_sees_the_whole_number_and_the_view_is_audited(
    as_ada: TestClient, world: World, session: Session
) -> None:
    assert LI_ID not in as_ada.get("/insured").text  # lists stay masked for everyone
    assert LI_ID in as_ada.get(f"/insured/{world.li.id}").text
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "insured.id_number_viewed")
    )
    assert event is not None
    assert event.actor_name == "ada"
    assert event.subject_id == str(world.li.id)
    assert event.ip == "testclient"
    assert event.after == {"via": "insured_detail", "insured_ids": [world.li.id]}
    assert "insured.id_number_viewed" in as_ada.get("/admin/audit").text


def test_it_finds_people_by_the_last_digits_of_their_id(as_anna: TestClient, world: World) -> None:
    page = as_anna.get("/insured", params={"q": "002x"}).text
    assert "李秀英" in page
    assert "王建国" not in page


def test_it_filters_and_paginates(as_anna: TestClient, world: World) -> None:
    page = as_anna.get(
        "/insured", params={"client": world.client.id, "region": "", "status": "active", "page": 1}
    ).text
    assert "李秀英" in page
    assert "王建国" in page
    assert "没有符合条件" in as_anna.get("/insured", params={"region": world.remote.id}).text
    assert as_anna.get("/insured", params={"page": 0}).status_code == 422


def test_unknown_records_answer_404_in_chinese(as_anna: TestClient) -> None:
    response = as_anna.get("/clients/999999")
    assert response.status_code == 404
    assert "客户不存在" in response.text


def test_the_client_page_lists_its_people(as_anna: TestClient, world: World) -> None:
    page = as_anna.get(f"/clients/{world.client.id}").text
    assert "李秀英" in page
    assert "周建国" in page
    assert as_anna.get(f"/clients/{world.client.id}/edit").status_code == 200
    assert as_anna.get("/clients", params={"q": "浦江"}).text.count("上海浦江精密机械有限公司") >= 1


def _person_form(world: World, client: TestClient, **overrides: str) -> dict[str, str]:
    form = {
        "name": "赵六",
        "id_number": "11010519491231002X",
        "client_id": str(world.client.id),
        "hire_on": "2026-01-05",
        "contribution_base": "8500",
        "phone": "138 1662 0001",
        "csrf_token": page_csrf(client),
    }
    form.update(overrides)
    return form


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contribution_base": "-100"}, "缴费基数：应大于 0"),
        ({"contribution_base": "abc"}, "缴费基数：应为数字，例如 8500.00"),
        ({"phone": "abc"}, "联系电话：只能包含数字"),
        ({"hire_on": "1960-01-01"}, "入职日期：入职时未满 16 周岁"),
        (
            {"id_number": "31011520300101123" + ric_check_char("31011520300101123")},
            "身份证号码：出生日期无效",
        ),
    ],
)
def test_it_refuses_implausible_people(
    as_anna: TestClient, world: World, session: Session, overrides: dict[str, str], message: str
) -> None:
    session.delete(world.li)
    session.commit()
    response = as_anna.post("/insured/new", data=_person_form(world, as_anna, **overrides))
    assert response.status_code == 422
    assert message in response.text
    assert "{" not in response.text.split("flash error")[1].split("</p>")[0]
    # what was typed stays in the form, the ID number included
    assert f'value="{overrides.get("id_number", "11010519491231002X")}"' in response.text


def test_a_page_past_the_end_shows_the_last_page(as_anna: TestClient, world: World) -> None:
    page = as_anna.get("/insured", params={"page": 99}).text
    assert "李秀英" in page


def test_client_search_ignores_case(as_anna: TestClient, world: World) -> None:
    assert "上海浦江精密机械有限公司" in as_anna.get("/clients", params={"q": "ma1fl"}).text


def test_editing_a_client_is_audited_with_before_and_after(
    as_anna: TestClient, world: World, session: Session
) -> None:
    path = f"/clients/{world.client.id}/edit"
    form = _client_form(
        world,
        name=world.client.name,
        credit_code=VALID_CREDIT_CODE,
        contact_name="周经理",
        csrf_token=page_csrf(as_anna, path),
    )
    assert as_anna.post(path, data=form).status_code == 303
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "client.updated"))
    assert event is not None
    assert event.before is not None
    assert event.after is not None
    assert event.after["contact_name"] == "周经理"
    assert event.before["contact_name"] != "周经理"
    # saving the same values again changes nothing and writes no second row
    assert as_anna.post(path, data=form).status_code == 303
    updates = select(func.count()).where(AuditEvent.action == "client.updated")
    assert session.scalar(updates) == 1


def test_a_refused_form_rolls_back_what_the_request_had_written(
    session_factory: sessionmaker[Session],
) -> None:
    scope = {
        "type": "http",
        "method": "POST",
        "scheme": "http",
        "server": ("testserver", 80),
        "path": "/clients/new",
        "query_string": b"",
        "headers": [],
        "session": {},
    }
    # as web/deps.get_session runs a request: one `begin()` block that commits on success
    with session_factory.begin() as half_done:
        half_done.add(SalesRep(name="半途写入"))
        half_done.flush()
        response = form_refused(
            Request(scope),
            half_done,
            "people/client_form.html",
            {"client": None, "values": {}, "errors": {}, "error": "测试原因"},
        )
    assert response.status_code == 422
    assert "测试原因" in bytes(response.body).decode()
    with session_factory() as fresh:
        assert fresh.scalar(select(SalesRep).where(SalesRep.name == "半途写入")) is None
