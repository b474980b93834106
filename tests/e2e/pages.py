"""Page objects: what a person does on each page, in the words on the screen."""

from playwright.sync_api import Page, expect


class LoginPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page, self.base_url = page, base_url

    def log_in(self, username: str, password: str) -> None:
        self.page.goto(self.base_url + "/login")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(password)
        self.page.get_by_role("button", name="登录").click()
        expect(self.page.get_by_role("heading", name="我的工作台")).to_be_visible()

    def log_out(self) -> None:
        self.page.get_by_role("button", name="退出").click()
        expect(self.page.get_by_role("heading", name="登录")).to_be_visible()


class InsuredSearch:
    def __init__(self, page: Page) -> None:
        self.page = page

    def find(self, name: str) -> None:
        self.page.get_by_role("link", name="参保人", exact=True).click()
        self.page.get_by_placeholder("姓名、身份证号或其末 4 位").fill(name)
        self.page.get_by_role("button", name="查询").click()

    def open(self, name: str) -> str:
        self.page.get_by_role("link", name=name, exact=True).first.click()
        expect(self.page.get_by_role("heading", name=name)).to_be_visible()
        return self.page.get_by_test_id("id-number").inner_text().strip()
