"""The workflow help page draws its diagram legibly; a case page shows clocks and timeline."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.pages import LoginPage
from tests.live import LiveServer

pytestmark = pytest.mark.e2e


def test_the_injury_workflow_diagram_renders_with_chinese_labels(
    page: Page, live_server: LiveServer
) -> None:
    LoginPage(page, live_server.url).log_in("wangqiang", live_server.passwords["wangqiang"])
    page.get_by_role("link", name="流程说明").click()
    page.get_by_role("link", name="工伤认定").click()
    diagram = page.get_by_test_id("diagram").locator("svg")
    expect(diagram).to_be_visible()
    box = diagram.bounding_box()
    assert box is not None
    assert box["width"] > 600
    assert box["height"] > 200
    for label in ("已报案", "已提交申请", "认定中止", "不予认定", "补正后重新提交"):
        expect(diagram.get_by_text(label, exact=True).first).to_be_visible()
    # Each label fits its box: the text is no wider than the node drawn around it.
    overflow = page.evaluate("""() => [...document.querySelectorAll('svg g.node')].filter(g => {
        const shape = g.querySelector('path, polygon, ellipse');
        const text = g.querySelector('text');
        return shape && text && text.getBBox().width > shape.getBBox().width;
    }).length""")
    assert overflow == 0
    screenshot(page, "workflow-injury")


def test_a_case_page_shows_clocks_with_time_left_and_explanation(
    page: Page, live_server: LiveServer
) -> None:
    LoginPage(page, live_server.url).log_in("zhangli", live_server.passwords["zhangli"])
    expect(page.get_by_role("heading", name="待办时限")).to_be_visible()
    page.get_by_role("link", name="演示：").first.click()
    clocks = page.locator("table.clocks")
    expect(clocks).to_contain_text("工伤快报")
    expect(clocks).to_contain_text("剩余")
    page.locator("details.explain summary").first.click()
    expect(clocks.locator("details[open] li").first).to_contain_text("依据")
    screenshot(page, "case-detail")
