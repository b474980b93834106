"""The `casetracker` command. Every command reads CASETRACKER_DATABASE_URL (or the default
SQLite file in CASETRACKER_DATA_DIR) and runs as one unit of work.

Each command imports what it uses when it runs: `casetracker reconcile` needs no database
and no web layer, and starts in a tenth of a second instead of two."""

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from casetracker.auth.roles import ROLE_LABELS, Role

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from casetracker.auth.models import User
    from casetracker.core.settings import Settings

app = typer.Typer(
    help="casetracker：社保客户维护专员工作台", no_args_is_help=True, add_completion=False
)
db_app = typer.Typer(help="数据库结构（迁移）", no_args_is_help=True)
user_app = typer.Typer(help="员工账号", no_args_is_help=True)
token_app = typer.Typer(help="API 令牌", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")


def _settings() -> "Settings":
    """The settings, with every duty registered: each command that opens the database
    starts here."""
    import casetracker.case_types  # noqa: F401  (registers the duties)
    from casetracker.core.settings import get_settings

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def _factory(settings: "Settings", *, check: bool = True) -> "sessionmaker[Session]":
    from casetracker.core import migrations
    from casetracker.core.db import make_engine, make_sessionmaker

    engine = make_engine(settings.resolved_database_url)
    if check:
        try:
            migrations.check_schema(engine)
        except migrations.SchemaOutOfDate as exc:
            _fail(str(exc))
    return make_sessionmaker(engine)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """把数据库结构升级到最新版本 (alembic upgrade head)。"""
    from casetracker.core import migrations

    settings = _settings()
    migrations.upgrade(settings.resolved_database_url)
    typer.echo(f"数据库结构已是最新：{migrations.head_revision()}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    workers: Annotated[int, typer.Option(help="进程数（PostgreSQL 上可多进程）")] = 1,
) -> None:
    """启动网页与 API 服务。"""
    import uvicorn

    settings = _settings()
    _factory(settings)  # refuse to start on an out-of-date schema, before any worker forks
    if workers > 1 and settings.resolved_database_url.startswith("sqlite"):
        typer.echo("提示：SQLite 只适合单进程；多进程请使用 PostgreSQL。", err=True)
    settings.resolved_secret_key()  # created once here, so every worker reads the same key
    typer.echo(f"casetracker 正在运行：http://{host}:{port}/")
    uvicorn.run(
        "casetracker.main:serve_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )


@app.command()
def demo() -> None:
    """建立或升级数据库结构并载入演示数据（可重复运行，不会重复插入）。"""
    from casetracker import demo as demo_data
    from casetracker.core import migrations
    from casetracker.core.db import session_scope

    settings = _settings()
    migrations.upgrade(settings.resolved_database_url)
    with session_scope(_factory(settings)) as session:
        result = demo_data.load(session=session)
    typer.echo(
        f"演示数据已就绪：参保地 {result.regions} 个，客户 {result.clients} 家，"
        f"参保人 {result.insured} 人。"
    )
    typer.echo("演示账号（密码每次运行 demo 时重新生成）：")
    for username, password in result.passwords.items():
        typer.echo(f"  {username:<10} {password}")


def _read_password() -> str:
    """Twice, hidden at a terminal; from stdin lines when piped (`printf 'pw\\npw\\n' | …`)."""
    if sys.stdin.isatty():
        return str(typer.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码"))
    first, second = sys.stdin.readline().rstrip("\r\n"), sys.stdin.readline().rstrip("\r\n")
    if first != second:
        _fail("两次输入的密码不一致，未作任何更改。")
    return first


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="登录名")],
    role: Annotated[Role, typer.Option(help="角色：specialist / supervisor / admin")],
    display_name: Annotated[str | None, typer.Option(help="显示名，如 张丽")] = None,
) -> None:
    """新增员工账号；密码输入两次（也可通过管道传入）。"""
    from casetracker.auth import service as auth_service
    from casetracker.core.db import session_scope
    from casetracker.core.errors import DomainError

    settings = _settings()
    password = _read_password()
    try:
        with session_scope(_factory(settings)) as session:
            user = auth_service.add_user(
                session=session,
                username=name,
                role=role,
                password=password,
                display_name=display_name,
            )
            typer.echo(f"已创建用户 {user.username}（{ROLE_LABELS[role]}）")
    except DomainError as exc:
        _fail(exc.message)


def _change_user(name: str, change: Callable[["Session", "User"], None], done: str) -> None:
    """Apply one change to the named user in one unit of work, or fail with the reason."""
    from casetracker.auth import service as auth_service
    from casetracker.core.db import session_scope
    from casetracker.core.errors import DomainError

    settings = _settings()
    try:
        with session_scope(_factory(settings)) as session:
            change(session, auth_service.require_user(session=session, username=name))
    except DomainError as exc:
        _fail(exc.message)
    typer.echo(done)


@user_app.command("unlock")
def user_unlock(name: Annotated[str, typer.Argument(help="登录名")]) -> None:
    """解除因多次登录失败造成的账户锁定。"""
    from casetracker.auth import service as auth_service

    _change_user(
        name,
        lambda session, user: auth_service.unlock(session=session, user=user),
        f"已解除 {name} 的锁定",
    )


@user_app.command("deactivate")
def user_deactivate(name: Annotated[str, typer.Argument(help="登录名")]) -> None:
    """停用账户：不能再登录，已登录的浏览器立即退出，API 令牌失效。"""
    from casetracker.auth import service as auth_service

    _change_user(
        name,
        lambda session, user: auth_service.deactivate(session=session, user=user),
        f"已停用 {name}",
    )


@user_app.command("password")
def user_password(name: Annotated[str, typer.Argument(help="登录名")]) -> None:
    """重设密码（输入两次）；该用户已登录的浏览器全部退出。"""
    from casetracker.auth import service as auth_service

    password = _read_password()
    _change_user(
        name,
        lambda session, user: auth_service.set_password(
            session=session, user=user, password=password, actor=None
        ),
        f"已重设 {name} 的密码",
    )


@app.command()
def packet(
    case_id: Annotated[int, typer.Argument(help="案件编号")],
    packet_type: Annotated[
        str,
        typer.Argument(
            metavar="TYPE", help="accident_report / recognition_application / case_summary"
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="写入的 PDF 文件")],
    user: Annotated[str | None, typer.Option(help="以谁的名义生成（默认：案件负责人）")] = None,
) -> None:
    """生成案件的申报材料 PDF（存为新版本，同样的材料不重复生成）。"""
    from casetracker.auth import service as auth_service
    from casetracker.cases import service as case_service
    from casetracker.core import clock
    from casetracker.core.db import session_scope
    from casetracker.core.errors import DomainError
    from casetracker.packets import service as packet_service

    settings = _settings()
    try:
        with session_scope(_factory(settings)) as session:
            case = case_service.require_case(session=session, case_id=case_id)
            actor = (
                auth_service.require_user(session=session, username=user) if user else case.owner
            )
            made, created = packet_service.generate(
                session=session,
                case=case,
                packet_type=packet_type,
                actor=actor,
                settings=settings,
                now=clock.now(),
            )
            output.write_bytes(made.content)
            typer.echo(
                f"{'已生成' if created else '材料未变，沿用'} {packet_type} "
                f"第 {made.version} 版：{made.pages} 页，SHA-256 {made.sha256} → {output}"
            )
    except DomainError as exc:
        _fail(exc.message)


@app.command()
def scheduler(
    once: Annotated[bool, typer.Option("--once", help="只运行一次扫描与投递，然后退出")] = False,
) -> None:
    """运行时限提醒：扫描到期的提醒级别并投递（每 CASETRACKER_ALERT_SCAN_SECONDS 秒一次）。"""
    from casetracker.alerts import scheduler as alert_scheduler
    from casetracker.overview import summary as daily_summary

    settings = _settings()
    factory = _factory(settings)
    if once:
        result = alert_scheduler.run_once(
            factory=factory, settings=settings, summary=daily_summary.write
        )
        typer.echo(
            f"已检查 {result.looked_at} 个时限，产生 {result.raised} 条提醒，"
            f"投递 {result.handed_over} 条"
        )
        return
    typer.echo(f"时限提醒已启动：每 {settings.alert_scan_seconds} 秒扫描一次（Ctrl+C 停止）")
    alert_scheduler.run_forever(factory, settings, summary=daily_summary.write)


class OutputFormat(StrEnum):
    json = "json"
    xlsx = "xlsx"


@app.command()
def reconcile(
    month: Annotated[str, typer.Option("--month", help="对账月份，如 2026-11")],
    roster: Annotated[Path, typer.Option("--roster", help="名册文件（.xlsx / .xls / .csv）")],
    bureau: Annotated[Path, typer.Option("--bureau", help="社保局账单（.xlsx / .xls / .csv）")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="json 打印到标准输出；xlsx 写入 --output")
    ] = OutputFormat.json,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入的文件")] = None,
) -> None:
    """名册对社保局账单：列出应增员、应减员、名册中没有、基数不符、姓名不符、重复计费、
    其他所属期与无法读取的行。不需要数据库。"""
    from casetracker.reconcile import offline, workbook
    from casetracker.reconcile.classes import Month
    from casetracker.reconcile.files import UnreadableFile

    try:
        wanted = Month.parse(month)
    except ValueError:
        _fail(f"--month 应写成 YYYY-MM，如 2026-11（收到：{month}）")
    if output_format is OutputFormat.xlsx and output is None:
        _fail("--format xlsx 需要 --output 文件")
    try:
        result = offline.reconcile_files(month=wanted, roster=roster, bureau=bureau)
    except UnreadableFile as exc:
        _fail(f"无法读取：{exc.text()}")
    if output_format is OutputFormat.xlsx:
        assert output is not None
        output.write_bytes(workbook.workbook(result))
        counts = "，".join(f"{key} {count}" for key, count in result.summary().items())
        typer.echo(f"{wanted} 对账结果已写入 {output}：{counts}")
        return
    text = json.dumps(result.as_json(), ensure_ascii=False)
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option("--user", help="令牌所属用户的登录名")],
    name: Annotated[str, typer.Option(help="令牌用途说明")] = "cli",
) -> None:
    """为用户创建 API 令牌，令牌单独打印在最后一行（只显示这一次）。"""
    from casetracker.auth import service as auth_service
    from casetracker.core.db import session_scope
    from casetracker.core.errors import DomainError

    settings = _settings()
    try:
        with session_scope(_factory(settings)) as session:
            owner = auth_service.require_user(session=session, username=user)
            token = auth_service.create_token(session=session, user=owner, name=name)
    except DomainError as exc:
        _fail(exc.message)
    typer.echo(f"已为 {user} 创建 API 令牌（请妥善保存，只显示这一次）：")
    typer.echo(token)


if __name__ == "__main__":
    app()
