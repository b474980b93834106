"""From a recognised injury case, the specialist opens an appraisal, uploads its materials,
applies, records the conclusion with grade 7, sees the second-appraisal window and the review
reminder, and the calculator's figures with their formulas."""

from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from casetracker.core.clock import CHINA_TZ
from tests.conftest import tiny_pdf
from tests.e2e.conftest import screenshot
from tests.e2e.pages import LoginPage
from tests.e2e.test_injury_flow import upload
from tests.live import LiveServer

pytestmark = pytest.mark.e2e


def _record(page: Page, transition: str, fields: dict[str, str], button: str) -> None:
    form = page.locator(f"#t-{transition}")
    if not form.is_visible():  # a waiting case keeps the answers one click away
        page.locator("#next summary").click()
    for label, value in fields.items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name=button).click()


def test_an_appraisal_from_recognition_to_the_conclusion_and_its_benefits(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    today = datetime.now(CHINA_TZ).strftime("%Y-%m-%d")
    LoginPage(page, live_server.url).log_in("zhangli", live_server.passwords["zhangli"])
    page.goto(f"{live_server.url}/cases?state=accepted")
    page.get_by_role("row").filter(has_text="已受理").first.get_by_role("link").first.click()
    _record(page, "recognise", {"决定日期": today}, "认定为工伤")
    expect(page.get_by_test_id("state")).to_have_text("认定为工伤")
    injury = page.url.split("?")[0].split("#")[0]

    page.get_by_role("button", name="发起劳动能力鉴定").click()
    expect(page.get_by_test_id("state")).to_have_text("准备材料")
    expect(page.locator("[data-parent]")).to_have_attribute(
        "href", injury.split(live_server.url)[1]
    )
    for item in ("application_form", "recognition_decision", "medical_records", "identity"):
        document = tmp_path / f"{item}.pdf"
        document.write_bytes(tiny_pdf())
        upload(page, item, document)
    _record(page, "apply", {"申请日期": today}, "提交鉴定申请")
    expect(page.get_by_test_id("state")).to_have_text("已申请鉴定")
    expect(page.locator("tr[data-kind='appraisal_conclusion']")).to_contain_text("第二十五条")

    _record(
        page,
        "conclude",
        {"结论作出日期": today, "收到结论日期": today, "伤残等级（1–10，未达级留空）": "7"},
        "登记鉴定结论",
    )
    expect(page.get_by_test_id("state")).to_have_text("已作出结论")
    expect(page.locator("[data-grade]")).to_contain_text("7")
    expect(page.locator("tr[data-kind='reappraisal_window']")).to_contain_text("剩余")
    expect(page.locator("tr[data-kind='review_appraisal']")).to_contain_text("可申请复查鉴定")
    screenshot(page, "appraisal-concluded")

    benefits = page.locator("#benefits")
    expect(benefits).to_contain_text("受伤前 12 个月的缴费记录")  # no bill holds those months
    benefits.get_by_role("link", name="手工填写后计算").click()
    page.locator("#wage-1").fill("8000")
    page.get_by_role("button", name="计算").click()
    subsidy = page.locator("tr[data-code='disability_subsidy']")
    expect(subsidy).to_contain_text("104,000.00")
    expect(subsidy).to_contain_text("本人工资 8,000.00 元 × 13 个月（7 级伤残）")
    expect(subsidy).to_contain_text("第三十七条")
    screenshot(page, "benefit-calculator")

    page.goto(injury)
    expect(page.locator("#related")).to_contain_text("劳动能力鉴定")
