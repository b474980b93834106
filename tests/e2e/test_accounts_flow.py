"""An admin adds a new specialist on the accounts page, who signs in with the initial
password; the admin then deactivates the account and the specialist can no longer sign in."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.pages import LoginPage
from tests.live import LiveServer

pytestmark = pytest.mark.e2e


def test_an_admin_adds_a_specialist_who_signs_in_until_deactivated(
    page: Page, live_server: LiveServer
) -> None:
    login = LoginPage(page, live_server.url)
    login.log_in("admin", live_server.passwords["admin"])
    page.get_by_role("link", name="账户管理").click()
    expect(page.get_by_role("heading", name="账户管理")).to_be_visible()
    page.get_by_label("登录名").fill("liuyang")
    page.get_by_label("姓名").fill("刘洋")
    page.get_by_label("角色").select_option(label="专员")
    page.get_by_label("初始密码（至少 8 位）").fill("liuyang-2026!")
    page.get_by_label("再次输入密码").fill("liuyang-2026!")
    page.get_by_role("button", name="新增", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已新增账户 liuyang")
    expect(page.get_by_test_id("account-liuyang")).to_contain_text("刘洋")
    screenshot(page, "accounts")
    login.log_out()

    login.log_in("liuyang", "liuyang-2026!")
    login.log_out()

    login.log_in("admin", live_server.passwords["admin"])
    page.get_by_role("link", name="账户管理").click()
    page.get_by_test_id("account-liuyang").get_by_role("button", name="停用").click()
    expect(page.get_by_test_id("account-liuyang")).to_contain_text("已停用")
    login.log_out()

    page.get_by_label("用户名").fill("liuyang")
    page.get_by_label("密码").fill("liuyang-2026!")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
