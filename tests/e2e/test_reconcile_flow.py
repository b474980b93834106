"""A specialist's month in the browser: the sales reps' roster changes uploaded, previewed
and imported; September's batch opened, its bill uploaded and reconciled against that
roster, the summary read, each difference resolved, the declaration and the bank's
deduction recorded (the difference shown), the month closed; then October's bill, where
the hire declared in September is still not billed, shows him carried forward. (The demo
holds the last two months of 上海市 already, so the flow works on September and October.)"""

from datetime import date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from casetracker.core.clock import CHINA_TZ
from tests.e2e.conftest import screenshot
from tests.e2e.pages import LoginPage
from tests.live import LiveServer
from tests.reconcile_files import ROSTER_HEADER, SheetSpec, csv_bytes, make_id, xlsx_bytes

pytestmark = pytest.mark.e2e

CLIENT = "上海浦江精密机械有限公司"
HIRE = make_id(701, born="19960606")
STRANGER = make_id(702, born="19700707")
HEADER = ["序号", "姓名", "证件号码", "申报基数", "费款所属期", "缴费类型", "合计"]


def _bill(folder: Path, name: str, period: str, *rows: list[object]) -> Path:
    path = folder / name
    title = [f"社会保险费缴费明细（{period}）"]
    path.write_bytes(csv_bytes([title, HEADER, *rows, ["合计"]], "gbk"))
    return path


def _upload_bill(page: Page, bill: Path, roster_label: str) -> None:
    page.get_by_label("社保局账单（.xlsx、.xls 或 .csv）").set_input_files(str(bill))
    page.get_by_role("button", name="上传账单").click()
    expect(page.locator("[data-count=lines]")).to_be_visible()  # read (the page refreshes)
    page.get_by_label("核对对象").select_option(label=roster_label)
    page.get_by_role("button", name="确认导入并对账").click()


def _month(page: Page, folder: Path, month: str, roster_label: str) -> str:
    """Open the month's batch for 上海市 and import its bill (the stranger billed again),
    reconciled against the uploaded roster; the batch's address."""
    page.get_by_role("link", name="月度对账").click()
    page.get_by_label("参保地").select_option(label="上海市")
    page.get_by_label("月份").fill(month)
    page.get_by_role("button", name="新建月度批次").click()
    expect(page.get_by_text("待导入账单").first).to_be_visible()
    batch = page.url.split("#")[0]
    period = month.replace("-", "")
    line: list[object] = [1, "陌生人", STRANGER, "8000", period, "正常", "2900.80"]
    _upload_bill(page, _bill(folder, f"{period}.csv", month, line), roster_label)
    return batch


def _resolve(page: Page, category: str, resolution: str, reason: str = "") -> None:
    row = page.locator(f"tr[data-category='{category}']").first
    row.get_by_label("处理结果").select_option(label=resolution)
    if reason:
        row.get_by_label("原因").fill(reason)
    row.get_by_role("button", name="保存").click()


def test_a_month_is_reconciled_closed_and_its_declaration_checked_the_next(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    today = datetime.now(CHINA_TZ).date().isoformat()
    roster = tmp_path / "名册变动.xlsx"
    hire: list[object] = ["吕新", HIRE, CLIENT, date(2026, 9, 3), None, 7310]
    roster.write_bytes(xlsx_bytes(SheetSpec("变动", [list(ROSTER_HEADER), hire])))
    login = LoginPage(page, live_server.url)
    login.log_in("zhangli", live_server.passwords["zhangli"])

    page.get_by_role("link", name="名册变动").click()
    page.get_by_label("名册文件").set_input_files(str(roster))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("[data-count=new]")).to_have_text("1")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("status")).to_contain_text("已导入")
    roster_label = page.locator("h1").inner_text().split(" · ")[0].replace("名册导入", "上传的名册")

    september = _month(page, tmp_path, "2026-09", f"{roster_label} 名册变动.xlsx")
    items = page.locator("#items")
    expect(items.locator("li[data-category=to_enroll]")).to_contain_text("1")
    expect(items.locator("li[data-category=not_in_roster]")).to_contain_text("1")
    screenshot(page, "batch-reconciled")
    _resolve(page, "to_enroll", "已增员")
    _resolve(page, "not_in_roster", "不处理", "非本公司派遣人员，已告知社保局")
    expect(page.locator("#items h2")).to_contain_text("待处理 0 项")
    listing = page.locator("tr[data-packet=declaration_list]")
    expect(listing).not_to_contain_text("草稿")  # every difference resolved: final
    listing.get_by_role("button", name="生成 PDF").click()
    expect(page.locator("tr[data-packet=declaration_list]")).to_contain_text("定稿")

    page.get_by_label("申报日期").fill(today)
    page.get_by_role("button", name="登记网上申报").click()
    page.get_by_label("扣款日期").fill(today)
    page.get_by_label("扣款金额（元）").fill("2,900.00")
    page.get_by_role("button", name="确认扣款").click()
    expect(page.locator("[data-amount=difference]")).to_have_text("-0.80")
    page.get_by_role("button", name="结束本月").click()
    expect(page.get_by_text("已结束").first).to_be_visible()

    assert _month(page, tmp_path, "2026-10", f"{roster_label} 名册变动.xlsx") != september
    carried = page.locator("tr[data-category=declared_not_billed]")
    expect(carried).to_contain_text("吕新")
    expect(carried).to_contain_text("上月（2026-09）已申报")
    screenshot(page, "batch-carried-forward")
