"""The `casetracker` command, on a database of its own (it commits for real)."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from casetracker.cli import app as cli
from casetracker.core.db import make_engine, make_sessionmaker, session_scope
from casetracker.core.settings import Settings, get_settings
from casetracker.main import create_app
from casetracker.people.models import Client, InsuredPerson, Region
from tests.databases import throwaway_database

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    with throwaway_database(tmp_path, "cli") as url:
        env = {"CASETRACKER_DATABASE_URL": url, "CASETRACKER_DATA_DIR": str(tmp_path / "data")}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()
        yield env
        get_settings.cache_clear()


def _counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        counts = tuple(
            session.scalar(select(func.count()).select_from(m)) or 0
            for m in (Region, Client, InsuredPerson)
        )
    engine.dispose()
    return counts  # type: ignore[return-value]


def test_demo_loads_once_and_prints_passwords(cli_env: dict[str, str]) -> None:
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    assert "参保人 300 人" in first.output
    assert "zhangli" in first.output
    assert "wangqiang" in first.output
    assert "admin" in first.output
    second = runner.invoke(cli, ["demo"])
    assert second.exit_code == 0, second.output
    assert _counts(cli_env["CASETRACKER_DATABASE_URL"]) == (3, 10, 300)


def test_the_demo_data_is_valid(cli_env: dict[str, str]) -> None:
    from casetracker.core.identifiers import normalise_credit_code, normalise_id_number

    assert runner.invoke(cli, ["demo"]).exit_code == 0
    engine = make_engine(cli_env["CASETRACKER_DATABASE_URL"])
    with session_scope(make_sessionmaker(engine)) as session:
        for code in session.scalars(select(Client.credit_code)):
            assert normalise_credit_code(code) == code
        for number in session.scalars(select(InsuredPerson.id_number)):
            assert normalise_id_number(number) == number
        assert session.scalar(select(func.count()).select_from(Region).where(Region.is_local)) == 1
    engine.dispose()


def test_the_demo_has_a_month_to_reconcile_and_the_daily_checks(cli_env: dict[str, str]) -> None:
    from casetracker.cases.models import Case
    from casetracker.reconcile.models import BatchDetails, BatchItem

    assert runner.invoke(cli, ["demo"]).exit_code == 0
    assert runner.invoke(cli, ["demo"]).exit_code == 0  # once only
    engine = make_engine(cli_env["CASETRACKER_DATABASE_URL"])
    with session_scope(make_sessionmaker(engine)) as session:
        batches = session.execute(
            select(BatchDetails.month, Case.state, BatchDetails.bill_total)
            .join(Case, Case.id == BatchDetails.case_id)
            .order_by(BatchDetails.month)
        ).all()
        assert [state for _month, state, _total in batches] == ["closed", "reconciled"]
        assert all(total and total > 0 for _month, _state, total in batches)
        latest = session.scalar(select(func.max(BatchDetails.case_id)))
        found = set(session.scalars(select(BatchItem.category).where(BatchItem.case_id == latest)))
        planted = ["to_enroll", "to_stop", "not_in_roster", "base_mismatch", "other_period"]
        assert found == {*planted, "invalid"}
        daily = session.scalars(select(Case.title).where(Case.type == "daily_check")).all()
        assert sorted(daily) == ["杭州市 外地名单日常核对", "苏州市 外地名单日常核对"]
    engine.dispose()


def test_user_add_reads_a_piped_password_and_token_create_prints_it_last(
    cli_env: dict[str, str],
) -> None:
    env = {**os.environ, **cli_env}
    exe = [sys.executable, "-m", "casetracker.cli"]
    subprocess.run([*exe, "db", "upgrade"], env=env, check=True, capture_output=True)
    added = subprocess.run(
        [*exe, "user", "add", "anna", "--role", "specialist"],
        env=env,
        input="pw-123456\npw-123456\n",
        capture_output=True,
        text=True,
    )
    assert added.returncode == 0, added.stderr
    made = subprocess.run(
        [*exe, "token", "create", "--user", "anna"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = made.stdout.strip().splitlines()[-1]
    settings = Settings(
        database_url=cli_env["CASETRACKER_DATABASE_URL"],
        data_dir=Path(cli_env["CASETRACKER_DATA_DIR"]),
    )
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/clients").status_code == 401
        assert (
            client.get("/api/v1/clients", headers={"Authorization": f"Bearer {token}"}).status_code
            == 200
        )
    get_settings.cache_clear()


def test_user_add_refuses_mismatched_passwords(cli_env: dict[str, str]) -> None:
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(
        cli, ["user", "add", "bob", "--role", "admin"], input="pw-123456\npw-654321\n"
    )
    assert result.exit_code == 1
    assert "不一致" in result.output


def test_user_add_refuses_an_unknown_role_and_a_short_password(cli_env: dict[str, str]) -> None:
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    assert (
        runner.invoke(
            cli, ["user", "add", "bob", "--role", "boss"], input="pw-123456\npw-123456\n"
        ).exit_code
        == 2
    )
    short = runner.invoke(cli, ["user", "add", "bob", "--role", "admin"], input="pw\npw\n")
    assert short.exit_code == 1
    assert "至少 8 个字符" in short.output


def test_token_create_for_an_unknown_user_fails_clearly(cli_env: dict[str, str]) -> None:
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(cli, ["token", "create", "--user", "ghost"])
    assert result.exit_code == 1
    assert "用户不存在" in result.output


def test_serve_refuses_an_out_of_date_schema(cli_env: dict[str, str]) -> None:
    result = runner.invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 1
    assert "casetracker db upgrade" in result.output
    assert "数据库结构不是最新版本" in result.output


def test_the_app_itself_refuses_to_start_on_an_old_schema(cli_env: dict[str, str]) -> None:
    settings = Settings(
        database_url=cli_env["CASETRACKER_DATABASE_URL"],
        data_dir=Path(cli_env["CASETRACKER_DATA_DIR"]),
    )
    from casetracker.core.migrations import SchemaOutOfDate

    with (
        pytest.raises(SchemaOutOfDate, match="casetracker db upgrade"),
        TestClient(create_app(settings)),
    ):
        pass


def test_user_unlock_clears_a_lock_out(cli_env: dict[str, str]) -> None:
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    result = runner.invoke(cli, ["user", "unlock", "zhangli"])
    assert result.exit_code == 0, result.output
    assert "已解除" in result.output


def test_deactivation_and_a_new_password_sign_the_user_out_of_running_browsers(
    cli_env: dict[str, str],
) -> None:
    upgraded = runner.invoke(cli, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    added = runner.invoke(
        cli, ["user", "add", "anna", "--role", "specialist"], input="pw-123456\npw-123456\n"
    )
    assert added.exit_code == 0, added.output
    settings = Settings(
        database_url=cli_env["CASETRACKER_DATABASE_URL"],
        data_dir=Path(cli_env["CASETRACKER_DATA_DIR"]),
    )

    def signed_in(password: str) -> TestClient:
        browser = TestClient(create_app(settings), follow_redirects=False)
        token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text)
        assert token
        answer = browser.post(
            "/login",
            data={"username": "anna", "password": password, "csrf_token": token.group(1)},
        )
        assert answer.status_code == 303, answer.text
        return browser

    browser = signed_in("pw-123456")
    assert browser.get("/cases").status_code == 200
    changed = runner.invoke(cli, ["user", "password", "anna"], input="pw-654321\npw-654321\n")
    assert changed.exit_code == 0, changed.output
    assert browser.get("/cases").status_code == 303
    browser = signed_in("pw-654321")
    stopped = runner.invoke(cli, ["user", "deactivate", "anna"])
    assert stopped.exit_code == 0, stopped.output
    assert "已停用" in stopped.output
    assert browser.get("/cases").status_code == 303
    get_settings.cache_clear()


def test_packet_writes_the_pdf_and_keeps_a_version(cli_env: dict[str, str], tmp_path: Path) -> None:
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    output = tmp_path / "packet.pdf"
    first = runner.invoke(cli, ["packet", "3", "recognition_application", "--output", str(output)])
    assert first.exit_code == 0, first.output
    assert "第 1 版" in first.output
    assert output.read_bytes().startswith(b"%PDF-")
    again = runner.invoke(cli, ["packet", "3", "recognition_application", "-o", str(output)])
    assert "材料未变" in again.output
    wrong = runner.invoke(cli, ["packet", "3", "nope", "-o", str(output)])
    assert wrong.exit_code == 1
    assert "没有这种申报材料" in wrong.output


def test_the_scheduler_runs_once_and_a_second_run_raises_nothing_again(
    cli_env: dict[str, str],
) -> None:
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    first = runner.invoke(cli, ["scheduler", "--once"])
    assert first.exit_code == 0, first.output
    raised = re.search(r"产生 (\d+) 条提醒", first.output)
    assert raised, first.output
    assert int(raised.group(1)) > 0  # the demo has clocks past their warnings
    again = runner.invoke(cli, ["scheduler", "--once"])
    assert again.exit_code == 0, again.output
    assert "产生 0 条提醒" in again.output
