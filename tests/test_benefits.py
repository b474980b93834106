"""The benefit calculator: table tests by grade and nursing level, both clamp edges, fewer
than twelve months, the minimum-wage top-up; properties (never negative, linear in 本人工资
inside the clamp); and its API contract, bad input included."""

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.appraisal import service
from casetracker.audit.models import AuditEvent
from casetracker.auth.models import User
from casetracker.benefits.calculator import Inputs, calculate
from casetracker.benefits.models import WageStandard
from casetracker.core.clock import CHINA_TZ
from casetracker.injury.models import InjuryDetails
from casetracker.reconcile.models import BillLine
from tests.conftest import (
    LI_ID,
    World,
    bearer,
    complete_materials,
    fire,
    log_in,
    open_injury,
    page_csrf,
)

D = Decimal
AVERAGE = D("10000.00")  # the area's average monthly wage: clamp 6,000.00 – 30,000.00
PREVIOUS = D("11396.00")  # the previous year's


def _amounts(wages: list[str], grade: int | None, nursing: int | None = None, **kw: Any) -> Any:
    result = calculate(
        Inputs(
            monthly_wages=[D(w) for w in wages],
            area_average_monthly_wage=kw.get("average", AVERAGE),
            previous_year_area_average_monthly_wage=PREVIOUS,
            grade=grade,
            nursing_level=nursing,
            minimum_wage=kw.get("minimum"),
        )
    )
    return result.personal_wage, {item.code: item.amount for item in result.items}


@pytest.mark.parametrize(
    ("grade", "subsidy", "allowance"),
    [
        (1, "216000.00", "7200.00"),  # 27 months; 90 %
        (5, "144000.00", "5600.00"),  # 18 months; 70 %
        (7, "104000.00", None),  # 13 months; no allowance
        (10, "56000.00", None),  # 7 months
    ],
)
def test_each_grade_by_its_months_and_share(
    grade: int, subsidy: str, allowance: str | None
) -> None:
    wage, items = _amounts(["8000.00"] * 12, grade)
    assert (wage.amount, wage.clamp) == (D("8000.00"), None)
    assert items["disability_subsidy"] == D(subsidy)
    assert items.get("disability_allowance_monthly") == (D(allowance) if allowance else None)
    assert "nursing_fee_monthly" not in items


@pytest.mark.parametrize(("level", "fee"), [(1, "5698.00"), (2, "4558.40"), (3, "3418.80")])
def test_each_nursing_level_from_the_previous_years_average(level: int, fee: str) -> None:
    _wage, items = _amounts(["8000.00"], None, level)
    assert items == {"nursing_fee_monthly": D(fee)}  # 未达级: no subsidy, no allowance


@pytest.mark.parametrize(
    ("wages", "personal", "clamp"),
    [
        (["5999.99"], "6000.00", "floor"),  # just under 60 %
        (["6000.00"], "6000.00", None),
        (["30000.00"], "30000.00", None),
        (["30000.01"], "30000.00", "ceiling"),  # just over 300 %
    ],
)
def test_the_clamp_at_both_edges(wages: list[str], personal: str, clamp: str | None) -> None:
    wage, items = _amounts(wages, 10)
    assert (wage.amount, wage.clamp) == (D(personal), clamp)
    assert items["disability_subsidy"] == D(personal) * 7
    assert ("按" in wage.formula) == (clamp is not None)  # the page says when it applied


def test_fewer_than_twelve_months_and_rounding_half_up() -> None:
    wage, items = _amounts(["8000.00", "8100.00", "8201.00"], 10)
    assert (wage.months, wage.mean) == (3, D("8100.33"))
    assert items["disability_subsidy"] == D("56702.31")
    half, _items = _amounts(["8000.00", "8000.01"], 10)
    assert half.mean == D("8000.01")  # 8000.005 rounds up


def test_an_allowance_below_the_minimum_wage_is_topped_up() -> None:
    wage, items = _amounts(["2000.00"], 6, average=D("4000.00"), minimum=D("2690.00"))
    assert (wage.amount, wage.clamp) == (D("2400.00"), "floor")
    assert items["disability_allowance_monthly"] == D("2690.00")  # 60 % is 1,440.00
    _wage, above = _amounts(["8000.00"], 6, minimum=D("2690.00"))
    assert above["disability_allowance_monthly"] == D("4800.00")


cents = st.integers(min_value=0, max_value=10_000_000).map(lambda c: D(c) / 100)


@settings(max_examples=200, deadline=None)
@given(
    wages=st.lists(cents, min_size=1, max_size=12),
    grade=st.none() | st.integers(1, 10),
    level=st.none() | st.integers(1, 3),
    minimum=st.none() | cents,
)
def test_no_amount_is_negative(
    wages: list[Decimal], grade: int | None, level: int | None, minimum: Decimal | None
) -> None:
    wage, items = _amounts([str(w) for w in wages], grade, level, minimum=minimum)
    assert wage.amount >= 0
    assert all(amount >= 0 for amount in items.values())


@settings(max_examples=200, deadline=None)
@given(
    cents_wage=st.integers(min_value=600_000, max_value=1_500_000),
    factor=st.integers(min_value=1, max_value=2),
    grade=st.integers(1, 10),
)
def test_amounts_scale_linearly_with_the_personal_wage_inside_the_clamp(
    cents_wage: int, factor: int, grade: int
) -> None:
    one = D(cents_wage) / 100
    wage, items = _amounts([str(one)], grade)
    scaled_wage, scaled = _amounts([str(one * factor)], grade)
    assert wage.clamp is None
    assert scaled_wage.clamp is None
    assert scaled_wage.amount == wage.amount * factor
    for code, amount in items.items():  # each amount rounded once: within a cent per factor
        assert abs(scaled[code] - amount * factor) <= D("0.01") * factor


# --- the API ---------------------------------------------------------------------------------

BODY: dict[str, Any] = {
    "monthly_wages": ["8000.00"] * 11 + ["8,000.00"],
    "area_average_monthly_wage": "10000.00",
    "previous_year_area_average_monthly_wage": "11396.00",
    "minimum_wage": "2690.00",
    "grade": 5,
    "nursing_level": 2,
}


@pytest.fixture
def api(client: TestClient, session: Session, anna: User) -> TestClient:
    client.headers.update(bearer(session, anna))
    return client


def test_the_api_answers_every_figure_with_its_formula_and_article(api: TestClient) -> None:
    answer = api.post("/api/v1/benefits/calculate", json=BODY)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["personal_wage"], body["clamp"]) == ("8000.00", None)
    items = {item["code"]: item for item in body["items"]}
    assert list(items) == [
        "disability_subsidy",
        "disability_allowance_monthly",
        "nursing_fee_monthly",
    ]
    assert items["disability_subsidy"]["amount"] == "144000.00"
    assert items["disability_subsidy"]["formula"] == "本人工资 8,000.00 元 × 18 个月（5 级伤残）"
    assert items["disability_subsidy"]["basis"] == "《工伤保险条例》第三十六条"
    assert items["disability_allowance_monthly"]["amount"] == "5600.00"
    assert items["nursing_fee_monthly"]["amount"] == "4558.40"
    assert items["nursing_fee_monthly"]["basis"] == "《工伤保险条例》第三十四条"
    api.cookies.set("lang", "en")
    english = api.post("/api/v1/benefits/calculate", json=BODY).json()
    api.cookies.delete("lang")
    assert english["items"][0]["label"] == "One-time disability subsidy"
    not_graded = api.post("/api/v1/benefits/calculate", json={**BODY, "grade": None}).json()
    assert [i["code"] for i in not_graded["items"]] == ["nursing_fee_monthly"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"monthly_wages": ["-1.00"]}, "monthly_wages"),
        ({"monthly_wages": ["abc"]}, "monthly_wages"),
        ({"monthly_wages": [8000.5]}, "monthly_wages"),  # a JSON number: maybe a float
        ({"monthly_wages": ["8000.00"] * 13}, "monthly_wages"),
        ({"monthly_wages": []}, "monthly_wages"),
        ({"area_average_monthly_wage": "0"}, "area_average_monthly_wage"),
        ({"grade": 11}, "grade"),
        ({"grade": "7"}, "grade"),
        ({"nursing_level": 4}, "nursing_level"),
        ({"minimum_wage": "-5"}, "minimum_wage"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    api: TestClient, change: dict[str, Any], field: str
) -> None:
    answer = api.post("/api/v1/benefits/calculate", json={**BODY, **change})
    assert answer.status_code == 422
    assert field in str(answer.json())


def test_the_calculator_needs_a_signed_in_caller(client: TestClient) -> None:
    assert client.post("/api/v1/benefits/calculate", json=BODY).status_code == 401


# --- the pages: the calculator, the regions' wage figures, the case pages ---------------------


def test_the_calculator_page_shows_each_figure_with_its_formula(
    client: TestClient, anna: User
) -> None:
    log_in(client, anna)
    assert client.get("/benefits").status_code == 200
    page = client.get(
        "/benefits",
        params={
            "monthly_wages": ["8000.00", "8,000.00"],
            "area_average_monthly_wage": "10000",
            "previous_year_area_average_monthly_wage": "11396",
            "grade": "7",
            "nursing_level": "1",
        },
    )
    assert page.status_code == 200
    assert '<tr data-code="disability_subsidy">' in page.text
    assert "104,000.00" in page.text
    assert "本人工资 8,000.00 元 × 13 个月（7 级伤残）" in page.text
    assert "5,698.00" in page.text
    bad = client.get("/benefits", params={"monthly_wages": ["-1"], "grade": "11"})
    assert bad.status_code == 422
    assert "应为 1–10" in bad.text


def test_an_admin_sets_a_regions_wage_figures_audited(
    client: TestClient, session: Session, ada: User, world: World
) -> None:
    log_in(client, ada)
    token = page_csrf(client, "/admin/wages")
    saved = client.post(
        f"/admin/wages/{world.local.id}",
        data={"year": "2026", "average_monthly_wage": "12,183.00", "minimum_wage": "2690",
              "csrf_token": token},
    )  # fmt: skip
    assert saved.status_code == 303
    assert "12,183.00" in client.get("/admin/wages").text
    refused = client.post(
        f"/admin/wages/{world.local.id}",
        data={"year": "1899", "average_monthly_wage": "-5", "csrf_token": token},
    )
    assert refused.status_code == 422
    assert "年度" in refused.text
    assert (
        session.scalar(select(AuditEvent.id).where(AuditEvent.action == "region.wages_set"))
        is not None
    )


def test_the_appraisal_page_shows_the_benefits_from_the_stored_bills(
    client: TestClient, session: Session, anna: User, ada: User, world: World
) -> None:
    """李秀英, injured 2026-07-01, billed at 8,000.00 for three months before it; 上海市's
    2026 average 10,000.00: grade 7 gives 13 months of 8,000.00."""
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=CHINA_TZ), tick=False):
        injury = open_injury(session, world, anna, "2026-07-01T10:00")
        session.add(InjuryDetails(case_id=injury.id, accident_at=datetime(2026, 7, 1, 10,
                    tzinfo=CHINA_TZ), place="车间", description="扭伤"))  # fmt: skip
        batch = open_injury(session, world, anna, "2026-06-01T10:00")  # a case to hang lines on
        for period in ("2026-04", "2026-05", "2026-06", "2025-06"):
            session.add(BillLine(case_id=batch.id, id_number=LI_ID, name="李秀英", period=period,
                                 pay_type="正常", base=D("8000.00")))  # fmt: skip
        session.add(WageStandard(region_id=world.local.id, year=2026,
                    average_monthly_wage=D("10000.00"), minimum_wage=D("2690.00"),
                    updated_by_id=ada.id, updated_at=datetime.now(CHINA_TZ)))  # fmt: skip
        session.commit()
        log_in(client, anna)
        before = client.get(f"/cases/{injury.id}").text
        assert 'id="benefits"' in before
        assert "8,000.00" in before  # 本人工资 before any conclusion
        assert "3 个月缴费工资的平均值 8,000.00 元" in before
        fire(session, injury, "file_report", anna, filed_at="2026-07-01T12:00:00+08:00")
        complete_materials(session, injury, anna)
        fire(session, injury, "submit_application", anna, submitted_on="2026-07-03")
        fire(session, injury, "accept", anna, accepted_on="2026-07-06")
        fire(session, injury, "recognise", anna, decided_on="2026-07-20")
        appraisal = service.open_appraisal(session=session, injury=injury, actor=anna,
                                           now=datetime.now(CHINA_TZ))  # fmt: skip
        session.commit()
        complete_materials(session, appraisal, anna)
        fire(session, appraisal, "apply", anna, applied_on="2026-09-01")
        fire(session, appraisal, "conclude", anna, concluded_on="2026-10-12",
             received_on="2026-10-16", grade="7")  # fmt: skip
        page = client.get(f"/cases/{appraisal.id}").text
        assert '<tr data-code="disability_subsidy">' in page
        assert "104,000.00" in page
        assert "第三十七条" in page
        injury_page = client.get(f"/cases/{injury.id}").text
        assert "104,000.00" in injury_page  # the injury shows its appraisal's figures
