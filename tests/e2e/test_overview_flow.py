"""A supervisor sees an accident whose filing report ran out appear on the overview after a
scan, opens the case from the chart's list of today's overdue cases, and acknowledges the
escalation there; the unread count in the header falls."""

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from casetracker.alerts.scheduler import run_once
from casetracker.core.clock import CHINA_TZ
from casetracker.core.db import make_engine, make_sessionmaker
from casetracker.core.identifiers import ric_check_char
from casetracker.core.settings import Settings
from tests.e2e.conftest import screenshot
from tests.e2e.pages import LoginPage
from tests.live import LiveServer

pytestmark = pytest.mark.e2e

ID_NUMBER = "31010419880203251" + ric_check_char("31010419880203251")


def _unread(page: Page) -> int:
    return int(page.locator("a.alerts").get_attribute("data-unread") or "0")


def test_an_overdue_case_appears_on_the_overview_and_its_escalation_is_acknowledged(
    page: Page, live_server: LiveServer
) -> None:
    accident = datetime.now(CHINA_TZ).replace(second=0, microsecond=0) - timedelta(days=3)
    login = LoginPage(page, live_server.url)
    login.log_in("zhangli", live_server.passwords["zhangli"])
    page.get_by_role("link", name="登记工伤").click()
    page.get_by_label("事故时间").fill(accident.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("客户").select_option(label="上海浦江精密机械有限公司")
    page.get_by_label("员工姓名").fill("陆海涛")
    page.get_by_label("身份证号码").fill(ID_NUMBER)
    page.get_by_label("事故地点").fill("装配车间")
    page.get_by_label("事故经过").fill("搬运零件时砸伤右脚")
    page.get_by_label("受伤部位").fill("右脚")
    page.get_by_role("button", name="立案并开始计时").click()
    case_path = page.url.removeprefix(live_server.url).split("#")[0]
    login.log_out()

    engine = make_engine(live_server.database_url)  # the scheduler's scan, as it runs
    settings = Settings(database_url=live_server.database_url, secret_key="e" * 40)
    run_once(factory=make_sessionmaker(engine), settings=settings)
    engine.dispose()

    login.log_in("wangqiang", live_server.passwords["wangqiang"])
    before = _unread(page)
    assert before >= 1
    page.get_by_role("link", name="主管总览").click()
    expect(page.get_by_role("heading", name="主管总览")).to_be_visible()
    expect(page.locator("svg.chart rect").last).to_be_attached()
    waiting = page.locator("table.waiting tr", has=page.locator(f"a[href='{case_path}']"))
    expect(waiting).to_contain_text("工伤快报")
    screenshot(page, "overview")

    page.locator("#overdue-today").click()  # the chart's list: today's overdue cases
    page.locator(f"a[href='{case_path}']").first.click()
    expect(page.get_by_role("heading", name="陆海涛", exact=False)).to_be_visible()

    page.get_by_role("link", name="主管总览").click()
    waiting = page.locator("table.waiting tr", has=page.locator(f"a[href='{case_path}']"))
    waiting.get_by_label("处理说明").fill("已电话督办，今天补报")
    waiting.get_by_role("button", name="确认").click()
    expect(page.locator("table.waiting")).not_to_contain_text(case_path)
    assert _unread(page) == before - 1
