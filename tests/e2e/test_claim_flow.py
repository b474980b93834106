"""Three invoices recorded on an injury (one read from its photo's QR code), a claim
submitted, approved for less than claimed, paid, the originals marked returned, posted; each
step and the amounts on the claim's page and in the ledger."""

from datetime import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from casetracker.core.clock import CHINA_TZ
from tests.e2e.conftest import screenshot
from tests.e2e.pages import LoginPage
from tests.e2e.test_appraisal_flow import _record
from tests.live import LiveServer
from tests.reimbursement.photos import photo_with, qr_png

pytestmark = pytest.mark.e2e

INVOICES = [  # code, number, amount
    ("31060124", "0012345601", "1,000.00"),
    ("", "26312000000012345602", "33.33"),
    ("31060124", "0012345603", "0.01"),
]


def test_a_claim_from_invoices_to_the_ledger(page: Page, live_server: LiveServer) -> None:
    today = datetime.now(CHINA_TZ).strftime("%Y-%m-%d")
    LoginPage(page, live_server.url).log_in("zhangli", live_server.passwords["zhangli"])
    page.goto(f"{live_server.url}/ledger")  # the demo's own posting of this month
    before = Decimal(page.locator("[data-amount=total]").inner_text().replace(",", ""))
    page.goto(f"{live_server.url}/cases")
    page.get_by_role("row").filter(has_text="演示").first.get_by_role("link").first.click()
    form = page.locator("#new-invoice")
    for code, number, amount in INVOICES:
        form = page.locator("#new-invoice")
        if not code:  # the 数电票: read from its photo, checked, then recorded with it
            text = f"01,32,,{number},{amount},{today.replace('-', '')},,ABCD"
            form.get_by_label("票据照片或扫描件").set_input_files(
                {"name": "数电票.jpg", "mimeType": "image/jpeg", "buffer": photo_with(qr_png(text))}
            )
            form.get_by_role("button", name="读取二维码").click()
            expect(page.locator("#invoice-note")).to_contain_text("已从二维码读出")
            form = page.locator("#new-invoice")
            expect(form.get_by_label("票据号码")).to_have_value(number)
            expect(form.get_by_label("开票日期")).to_have_value(today)
            expect(form.get_by_label("金额")).to_have_value(amount)
            form.get_by_label("医院或药店").fill("上海市第六人民医院")
            form.get_by_role("button", name="登记票据").click()
            expect(page.locator(f"tr[data-invoice='{number}'] a[data-scan]")).to_be_visible()
            continue
        form.get_by_label("票据代码（数电票没有）").fill(code)
        form.get_by_label("票据号码").fill(number)
        form.get_by_label("开票日期").fill(today)
        form.get_by_label("医院或药店").fill("上海市第六人民医院")
        form.get_by_label("金额").fill(amount)
        form.get_by_role("button", name="登记票据").click()
        expect(page.locator(f"tr[data-invoice='{number}']")).to_be_visible()
    expect(page.locator("[data-amount=invoices]")).to_have_text("1,033.34")
    ids = {
        number: page.locator(f"tr[data-invoice='{number}'] td").nth(1).inner_text()
        for _code, number, _amount in INVOICES
    }
    for _code, number, _amount in INVOICES:
        page.locator(f"tr[data-invoice='{number}'] input[type=checkbox]").check()
    page.get_by_role("button", name="以所选票据发起报销").click()
    expect(page.get_by_test_id("state")).to_have_text("待提交")
    expect(page.locator("[data-amount=claimed]")).to_have_text("1,033.34")

    _record(page, "submit", {"提交日期": today}, "提交报销")
    expect(page.get_by_test_id("state")).to_have_text("已提交")
    approved = f"{ids['0012345601']}=800.00；{ids['26312000000012345602']}=33.33"
    _record(
        page,
        "approve",
        {"核准日期": today, "核准金额（按票据）": approved, "未核准票据的原因": "自费部分"},
        "登记核准结果",
    )
    expect(page.get_by_test_id("state")).to_have_text("已核准")
    expect(page.locator("[data-amount=approved]")).to_have_text("833.33")
    _record(page, "pay", {"到账日期": today, "到账金额（元）": "833.33"}, "登记到账")
    expect(page.locator("[data-amount=paid]")).to_contain_text("833.33")
    for _n in INVOICES:
        page.get_by_role("button", name="原件已取回").first.click()
    expect(page.get_by_role("button", name="原件已取回")).to_have_count(0)
    _record(page, "post", {"上账日期": today, "上账凭证号": "记-2026-0001"}, "上账")
    expect(page.get_by_test_id("state")).to_have_text("已上账")
    _record(page, "close", {}, "结案")
    expect(page.get_by_test_id("state")).to_have_text("已结案")
    screenshot(page, "claim-closed")

    page.get_by_role("link", name="上账台账").click()
    expect(page.locator("[data-amount=total]")).to_have_text(f"{before + Decimal('833.33'):,.2f}")
    screenshot(page, "ledger")
