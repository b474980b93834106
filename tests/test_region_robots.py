"""A region's own group robot (a 外地 partner's group), set by an admin: the overdue alerts and
escalations of that region's cases reach it besides the team's robot, in its own kind and
signed with its own secret; other regions' cases do not. The admin page never shows the
robot's key or secret once saved, and refuses a URL that is not one."""

from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from casetracker.alerts.scheduler import run_once
from casetracker.audit.models import AuditEvent
from casetracker.auth.models import User
from casetracker.core.settings import Settings
from casetracker.people.models import Region
from tests.alert_fixtures import Robot, at, with_settings
from tests.conftest import World, log_in, open_injury, page_csrf

ACCIDENT = "2026-11-23 09:00"  # filing reports due in 24 h here, 72 h in 杭州


def test_a_region_s_robot_gets_its_cases_overdue_alerts_in_its_own_kind(
    session: Session,
    session_factory: sessionmaker[Session],
    world: World,
    anna: User,
    settings: Settings,
    robot: Robot,
    partner_robot: Robot,
) -> None:
    remote = session.get(Region, world.remote.id)
    assert remote is not None
    remote.robot_url, remote.robot_kind, remote.robot_secret = (
        partner_robot.url,
        "dingtalk",
        "SECpartner",
    )
    session.commit()
    theirs = open_injury(session, world, anna, ACCIDENT, region=world.remote)
    ours = open_injury(session, world, anna, ACCIDENT)
    config = with_settings(settings, webhook_url=robot.url, webhook_kind="wecom")
    run_once(factory=session_factory, settings=config, now=lambda: at("2026-11-26 09:30"))
    team_text = "\n".join(body["markdown"]["content"] for _h, body in robot.received)
    assert f"/cases/{theirs.id}" in team_text
    assert f"/cases/{ours.id}" in team_text
    assert len(partner_robot.received) >= 1
    partner_text = "\n".join(body["markdown"]["text"] for _h, body in partner_robot.received)
    assert f"/cases/{theirs.id}" in partner_text  # DingTalk's shape
    assert f"/cases/{ours.id}" not in partner_text
    signed = parse_qs(urlsplit(partner_robot.paths[0]).query)
    assert {"key", "timestamp", "sign"} <= set(signed)  # DingTalk's signature, its own secret
    assert "sign" not in parse_qs(urlsplit(robot.paths[0]).query)  # the team's: unsigned
    warnings = [b for _h, b in partner_robot.received if "即将到期" in b["markdown"]["text"]]
    assert warnings == []  # a robot gets overdue alerts and escalations only


def test_the_admin_page_sets_a_robot_without_ever_showing_its_key(
    client: TestClient, session: Session, world: World, ada: User
) -> None:
    log_in(client, ada)
    secret_url = "https://oapi.dingtalk.com/robot/send?access_token=tok3n-s3cret"
    saved = client.post(
        f"/admin/robots/{world.remote.id}",
        data={
            "url": secret_url,
            "kind": "dingtalk",
            "secret": "SECabc",
            "csrf_token": page_csrf(client, "/admin/robots"),
        },
    )
    assert saved.status_code == 303
    page = client.get("/admin/robots").text
    row = page.split(f'data-testid="robot-{world.remote.id}"')[1].split("</tr>")[0]
    assert "oapi.dingtalk.com" in row
    assert "钉钉" in row
    assert "已设签名密钥" in row
    assert "tok3n-s3cret" not in page
    assert "SECabc" not in page
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "region.robot_set")).one()
    assert event.actor_id == ada.id
    assert "tok3n" not in str(event.after)
    assert "SECabc" not in str(event.after)
    refused = client.post(
        f"/admin/robots/{world.remote.id}",
        data={"url": "javascript:alert(1)", "csrf_token": page_csrf(client, "/admin/robots")},
    )
    assert refused.status_code == 422
    assert "机器人地址应为 http(s) 开头的完整网址" in refused.text
    session.expire_all()
    region = session.get(Region, world.remote.id)
    assert region is not None
    assert region.robot_url == secret_url
    removed = client.post(
        f"/admin/robots/{world.remote.id}",
        data={"url": "", "csrf_token": page_csrf(client, "/admin/robots")},
    )
    assert removed.status_code == 303
    session.expire_all()
    assert (region.robot_url, region.robot_secret) == ("", "")
