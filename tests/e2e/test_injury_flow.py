"""A specialist takes a Friday-night call and walks the case to the submitted application."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from casetracker.core.clock import CHINA_TZ
from tests.conftest import tiny_pdf
from tests.e2e.conftest import screenshot
from tests.e2e.pages import LoginPage
from tests.live import LiveServer

pytestmark = pytest.mark.e2e


def last_friday_night() -> datetime:
    now = datetime.now(CHINA_TZ)
    day = now - timedelta(days=(now.weekday() - 4) % 7)
    moment = day.replace(hour=22, minute=30, second=0, microsecond=0)
    return moment if moment < now - timedelta(hours=12) else moment - timedelta(days=7)


def upload(page: Page, item: str, path: Path) -> None:
    row = page.locator(f"tr[data-item='{item}']")
    row.locator("input[type=file]").set_input_files(str(path))
    row.get_by_role("button", name="上传").click()
    expect(page.locator(f"tr[data-item='{item}']")).to_contain_text(path.name)


def test_friday_night_accident_to_submitted_application(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    accident = last_friday_night()
    saturday = accident + timedelta(days=1)
    LoginPage(page, live_server.url).log_in("zhangli", live_server.passwords["zhangli"])

    page.get_by_role("link", name="登记工伤").click()
    page.get_by_label("事故时间").fill(accident.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("客户").select_option(label="上海浦江精密机械有限公司")
    page.get_by_label("员工姓名").fill("孙浩然")
    page.get_by_label("身份证号码").fill("310104199205126614")
    page.get_by_label("事故地点").fill("二号车间冲压线")
    page.get_by_label("事故经过").fill("操作冲床时右手被夹伤")
    page.get_by_label("受伤部位").fill("右手")
    page.get_by_role("button", name="立案并开始计时").click()

    filing = page.locator("tr[data-kind='filing_report']")
    expect(filing).to_contain_text(saturday.strftime("%Y-%m-%d 22:30"))
    expect(page.get_by_test_id("state")).to_have_text("已报案")

    report = page.locator("#t-file_report")
    report.get_by_label("快报时间").fill(
        saturday.replace(hour=9, minute=0).strftime("%Y-%m-%dT%H:%M")
    )
    report.get_by_role("button", name="完成工伤快报").click()
    expect(page.get_by_test_id("state")).to_have_text("已快报")

    documents = {}
    for item in ("id_card", "labour_contract", "dispatch_agreement", "medical_diagnosis"):
        documents[item] = tmp_path / f"{item}.pdf"
        documents[item].write_bytes(tiny_pdf())
    upload(page, "id_card", documents["id_card"])
    upload(page, "labour_contract", documents["labour_contract"])

    today = datetime.now(CHINA_TZ).strftime("%Y-%m-%d")
    submit = page.locator("#t-submit_application")
    submit.get_by_label("提交日期").fill(today)
    submit.get_by_role("button", name="提交认定申请").click()
    expect(page.get_by_role("alert").first).to_contain_text("材料不齐，不能提交申请")
    expect(page.get_by_test_id("state")).to_have_text("已快报")

    for item in ("dispatch_agreement", "medical_diagnosis"):
        upload(page, item, documents[item])
    submit = page.locator("#t-submit_application")
    submit.get_by_label("提交日期").fill(today)
    submit.get_by_role("button", name="提交认定申请").click()
    expect(page.get_by_test_id("state")).to_have_text("已提交申请")
    screenshot(page, "injury-submitted")

    page.get_by_role("link", name="我的工作台").click()
    row = page.get_by_role("row").filter(has_text="孙浩然")
    expect(row).to_contain_text("受理审核")
    expect(row).to_contain_text("已提交申请")
    screenshot(page, "desk")
