"""Importing the sales reps' roster changes: a preview (new people, leavers, changed bases,
row-numbered errors) that changes nothing, then one confirmed unit of work, audited; a
broken file, a file with a bad row or a preview gone stale changes nothing and says why."""

from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.auth.models import User
from casetracker.core import clock
from casetracker.people.models import InsuredPerson
from casetracker.reconcile import jobs
from casetracker.reconcile.models import ImportJob
from tests.conftest import LI_ID, World, log_in, page_csrf
from tests.reconcile_files import ROSTER_HEADER, SheetSpec, csv_bytes, make_id, xlsx_bytes

NEW_ID = make_id(501, born="19950505")


def _changes(world: World, *extra: list[object], li: bool = True) -> bytes:
    client = world.client.name
    rows: list[list[object]] = [
        ["员工名册变动（2026年11月）"],
        list(ROSTER_HEADER),
        ["赵六", NEW_ID, client, date(2026, 11, 3), None, "7,310.00"],  # a hire
        ["李秀英", LI_ID, client, None, date(2026, 11, 20), None],  # leaves
        ["王建国", world.wang.id_number, client, None, None, 13000],  # a new base
        *extra,
    ]
    if not li:
        del rows[3]
    return xlsx_bytes(SheetSpec("变动", rows))


def _upload(client: TestClient, content: bytes, name: str = "变动.xlsx") -> str:
    response = client.post(
        "/reconcile/roster",
        data={"csrf_token": page_csrf(client, "/reconcile/roster")},
        files={"file": (name, content)},
    )
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    return location


def _people(session: Session) -> list[tuple[str, date | None, date | None, Decimal | None]]:
    session.expire_all()
    return [
        (p.id_number, p.hire_on, p.leave_on, p.contribution_base)
        for p in session.scalars(select(InsuredPerson).order_by(InsuredPerson.id_number))
    ]


def test_a_preview_changes_nothing_and_the_confirmation_applies_all_of_it(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    log_in(client, anna)
    before = _people(session)
    job = _upload(client, _changes(world))
    page = client.get(job).text
    assert 'data-count="new">1<' in page
    assert 'data-count="leaver">1<' in page
    assert 'data-count="base">1<' in page
    assert 'data-count="errors">0<' in page
    assert "确认导入" in page
    assert _people(session) == before  # a preview is only a preview
    applied = client.post(f"{job}/apply", data={"csrf_token": page_csrf(client, job)})
    assert applied.status_code == 303
    assert "已导入" in client.get(job).text
    people = {p[0]: p for p in _people(session)}
    assert people[NEW_ID][1:] == (date(2026, 11, 3), None, Decimal("7310.00"))
    assert people[LI_ID][1:] == (date(2024, 3, 1), date(2026, 11, 20), Decimal("8500.00"))
    assert people[world.wang.id_number][3] == Decimal("13000.00")
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_type == "insured")
    ).all()
    assert sorted(actions) == ["insured.created", "insured.updated", "insured.updated"]
    again = client.post(f"{job}/apply", data={"csrf_token": page_csrf(client, job)})
    assert again.status_code == 409
    assert "已经导入过" in again.text


def test_a_row_that_cannot_be_applied_is_shown_with_its_row_and_nothing_is_imported(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    log_in(client, anna)
    before = _people(session)
    job = _upload(
        client,
        _changes(
            world,
            ["钱七", make_id(502), "不存在的公司", date(2026, 11, 1), None, 8000],
            ["李秀兰", LI_ID, world.client.name, None, None, 8500],  # not the name we hold
            ["孙八", "3.10104E+17", world.client.name, date(2026, 11, 1), None, 8000],
            ["王建国", world.wang.id_number, world.client.name, None, None, 9000],  # twice
            li=False,
        ),
    )
    page = client.get(job).text
    assert 'data-count="errors">4<' in page
    for row, reason in (
        (5, "派遣单位不在客户名单中"),
        (6, "姓名与系统记录不符"),
        (7, "科学计数法"),
        (8, "同一派遣单位下此人出现了两次"),
    ):
        assert f'<td class="num">{row}</td><td>' in page
        assert reason in page
    assert "确认导入" not in page
    refused = client.post(f"{job}/apply", data={"csrf_token": page_csrf(client, job)})
    assert refused.status_code == 422
    assert "本次未作任何更改" in refused.text
    assert _people(session) == before


def test_a_file_that_is_no_roster_fails_with_its_reason(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    log_in(client, anna)
    job = _upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00", "photo.png")
    page = client.get(job).text
    assert "无法读取" in page
    assert "不是表格文件" in page
    no_header = _upload(client, csv_bytes([["甲", "乙"], ["1", "2"]], "gbk"), "r.csv")
    assert "找不到表头" in client.get(no_header).text
    refused = client.post(f"{job}/apply", data={"csrf_token": page_csrf(client, job)})
    assert refused.status_code == 409


def test_a_preview_gone_stale_is_refused(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    log_in(client, anna)
    job = _upload(client, _changes(world))
    world_li = session.get(InsuredPerson, world.li.id)
    assert world_li is not None
    world_li.contribution_base = Decimal("9999.00")  # someone edits Li meanwhile
    session.commit()
    before = _people(session)
    refused = client.post(f"{job}/apply", data={"csrf_token": page_csrf(client, job)})
    assert refused.status_code == 409
    assert "重新上传" in refused.text
    assert _people(session) == before


def test_a_running_import_shows_its_progress_and_refreshes_until_ready(
    client: TestClient, world: World, anna: User, session: Session
) -> None:
    log_in(client, anna)
    job = jobs.create(
        session=session,
        kind="roster",
        filename="big.xlsx",
        content=b"PK",
        actor=anna,
        now=clock.now(),
    )
    job.status, job.stage, job.rows_read = "running", "正在核对人员", 45000
    session.commit()
    page = client.get(f"/reconcile/roster/{job.id}").text
    assert '<meta http-equiv="refresh"' in page
    assert "正在核对人员" in page
    assert "已读 45000 行" in page
    assert "big.xlsx" in client.get("/reconcile/roster").text
    count = session.scalar(select(func.count()).select_from(ImportJob))
    assert count == 1


def test_an_import_may_be_larger_than_an_attachment_but_not_without_limit(
    client: TestClient, world: World, anna: User
) -> None:
    log_in(client, anna)
    token = page_csrf(client, "/reconcile/roster")
    twelve = client.post(
        "/reconcile/roster",
        data={"csrf_token": token},
        files={"file": ("big.csv", b"x" * (12 * 1024 * 1024))},
    )
    assert twelve.status_code == 303  # over an attachment's 10 MB, accepted for reading
    huge = client.post(
        "/reconcile/roster",
        data={"csrf_token": token},
        files={"file": ("huge.csv", b"x" * (51 * 1024 * 1024))},
    )
    assert huge.status_code == 413
