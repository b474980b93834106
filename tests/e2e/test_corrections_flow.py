"""A specialist records an accident with the wrong time, corrects it on the record, replaces
a wrong upload and is refused a truncated PDF at once."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from casetracker.core.clock import CHINA_TZ
from casetracker.core.identifiers import ric_check_char
from tests.conftest import tiny_pdf
from tests.e2e.conftest import screenshot
from tests.e2e.pages import LoginPage
from tests.live import LiveServer

pytestmark = pytest.mark.e2e

ID_NUMBER = "31010419930615242" + ric_check_char("31010419930615242")
MINUTE = "%Y-%m-%d %H:%M"


def test_a_wrong_accident_time_is_corrected_and_a_wrong_upload_replaced(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    now = datetime.now(CHINA_TZ).replace(second=0, microsecond=0)
    actual = (now - timedelta(days=2)).replace(hour=22, minute=30)
    typed = actual + timedelta(days=1)  # the day after, as misheard on the phone
    LoginPage(page, live_server.url).log_in("zhangli", live_server.passwords["zhangli"])

    page.get_by_role("link", name="登记工伤").click()
    page.get_by_label("事故时间").fill(typed.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("客户").select_option(label="上海浦江精密机械有限公司")
    page.get_by_label("员工姓名").fill("周晓梅")
    page.get_by_label("身份证号码").fill(ID_NUMBER)
    page.get_by_label("事故地点").fill("三号仓库")
    page.get_by_label("事故经过").fill("叉车倒车时碰伤左脚")
    page.get_by_label("受伤部位").fill("左脚")
    page.get_by_role("button", name="立案并开始计时").click()

    filing = page.locator("tr[data-kind='filing_report']")
    expect(filing).to_contain_text((typed + timedelta(hours=24)).strftime(MINUTE))

    page.get_by_text("更正开案信息").click()
    form = page.locator("#fact-accident_at")
    form.get_by_label("事故时间").fill(actual.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="更正").click()  # no reason: refused, nothing changed
    expect(page.locator("#fact-accident_at [role=alert]")).to_contain_text("请说明原因")
    expect(filing).to_contain_text((typed + timedelta(hours=24)).strftime(MINUTE))
    form = page.locator("#fact-accident_at")
    expect(form.get_by_label("事故时间")).to_have_value(actual.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("更正原因").fill("接报时听错日期，员工确认为前一天晚上")
    form.get_by_role("button", name="更正").click()

    filing = page.locator("tr[data-kind='filing_report']")
    expect(filing).to_contain_text((actual + timedelta(hours=24)).strftime(MINUTE))
    expect(filing).to_contain_text(actual.strftime(MINUTE))
    filing.locator("summary").click()
    expect(filing).to_contain_text("因更正「事故时间」")
    timeline = page.locator("#timeline")
    correction = timeline.locator("tr[data-entry='correction']")
    expect(correction).to_contain_text("事故时间")
    expect(correction).to_contain_text(f"{typed.strftime(MINUTE)} → {actual.strftime(MINUTE)}")
    expect(correction).to_contain_text("接报时听错日期")
    expect(correction).to_contain_text("张丽")
    screenshot(page, "injury-corrected")

    wrong = tmp_path / "wrong-contract.pdf"
    wrong.write_bytes(tiny_pdf())
    right = tmp_path / "labour-contract.pdf"
    right.write_bytes(tiny_pdf())
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(tiny_pdf()[:-60])

    row = page.locator("tr[data-item='labour_contract']")
    row.locator("input[type=file]").last.set_input_files(str(truncated))
    row.get_by_role("button", name="上传").click()
    expect(page.get_by_role("alert").first).to_contain_text("PDF 无法读取")
    expect(page.locator("tr[data-item='labour_contract']")).not_to_contain_text("truncated.pdf")

    row = page.locator("tr[data-item='labour_contract']")
    row.locator("input[type=file]").last.set_input_files(str(wrong))
    row.get_by_role("button", name="上传").click()
    row = page.locator("tr[data-item='labour_contract']")
    expect(row).to_contain_text("wrong-contract.pdf")

    row.get_by_text("替换", exact=True).first.click()
    row.get_by_label("新文件").set_input_files(str(right))
    row.get_by_label("替换原因").fill("传错了文件")
    row.get_by_role("button", name="替换").click()
    row = page.locator("tr[data-item='labour_contract']")
    expect(row.locator("a", has_text="labour-contract.pdf")).to_be_visible()
    expect(row.locator(".attachment > a")).to_have_count(1)
    screenshot(page, "injury-upload-replaced")
