"""A specialist and an admin look up the same person: masked for one, whole (and audited)
for the other. Chinese must render as glyphs on a machine with no CJK system font."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from casetracker.audit.models import AuditEvent
from casetracker.core.db import make_engine, make_sessionmaker, session_scope
from casetracker.core.identifiers import mask_id_number
from casetracker.people.models import InsuredPerson
from tests.e2e.conftest import screenshot
from tests.e2e.pages import InsuredSearch, LoginPage
from tests.live import LiveServer

pytestmark = pytest.mark.e2e


def _someone(live_server: LiveServer) -> tuple[str, str]:
    engine = make_engine(live_server.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        person = session.scalars(select(InsuredPerson).order_by(InsuredPerson.id)).first()
        assert person is not None
        result = person.name, person.id_number
    engine.dispose()
    return result


def _id_views(live_server: LiveServer) -> list[AuditEvent]:
    engine = make_engine(live_server.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        rows = list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == "insured.id_number_viewed")
            )
        )
    engine.dispose()
    return rows


def test_id_numbers_are_masked_for_a_specialist_and_whole_for_an_admin(
    page: Page, live_server: LiveServer
) -> None:
    name, id_number = _someone(live_server)
    login = LoginPage(page, live_server.url)
    search = InsuredSearch(page)

    login.log_in("zhangli", live_server.passwords["zhangli"])
    search.find(name)
    row = page.get_by_role("row").filter(has_text=name).first
    expect(row).to_contain_text(mask_id_number(id_number))
    assert search.open(name) == mask_id_number(id_number)
    assert id_number not in page.content()
    screenshot(page, "insured-specialist")
    assert _id_views(live_server) == []
    login.log_out()

    login.log_in("admin", live_server.passwords["admin"])
    search.find(name)
    assert search.open(name) == id_number
    views = _id_views(live_server)
    assert [(v.actor_name, v.action) for v in views] == [("admin", "insured.id_number_viewed")]
    page.get_by_role("link", name="审计日志").click()
    expect(page.get_by_role("cell", name="insured.id_number_viewed").first).to_be_visible()


def test_chinese_renders_with_a_cjk_font(page: Page, live_server: LiveServer) -> None:
    """The CSS names desktop CJK fonts first, then the web font shipped in a Python package;
    on a machine without CJK fonts (CI) the web font must load and hold the glyphs."""
    page.goto(live_server.path("/login"))
    stack = page.evaluate("getComputedStyle(document.documentElement).fontFamily")
    assert stack.index("Microsoft YaHei") < stack.index("Casetracker Noto Sans SC")
    loaded = page.evaluate("""async () => {
        const faces = await document.fonts.load('16px "Casetracker Noto Sans SC"', '登录工伤');
        return faces.map(f => f.status);
    }""")
    assert loaded == ["loaded"]
    screenshot(page, "login")
