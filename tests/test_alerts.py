"""Alerts end to end on the test's database, time driven by an injected clock (no sleeps):
the scan raises each level once, to the right people; deliveries reach a real SMTP server
(aiosmtpd) and a real HTTP receiver, retried on transient errors with the same key, given up
on permanent ones, every attempt kept; the inbox API."""

from email.header import decode_header, make_header
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from casetracker.alerts.models import Alert, Delivery
from casetracker.alerts.scan import scan
from casetracker.alerts.scheduler import run_once
from casetracker.auth.models import User
from casetracker.cases.models import Case, Clock
from casetracker.core.settings import Settings
from tests.alert_fixtures import Clockwork, Mailbox, Robot, at, with_settings
from tests.conftest import World, bearer, fire, open_injury

# The accident at 09:00 on Monday: the 24-hour filing report is due Tuesday 09:00; its warning
# (4 h ahead, 05:00) is held by the quiet hours till 07:30; escalation at 11:00.
ACCIDENT = "2026-11-23 09:00"


def _alerts(session: Session, case: Case) -> list[tuple[str, int]]:
    return [
        (a.level, a.repeat)
        for a in session.scalars(select(Alert).where(Alert.case_id == case.id).order_by(Alert.id))
    ]


def _inbox_of(session: Session, user: User) -> list[str]:
    return list(
        session.scalars(
            select(Alert.level)
            .join(Delivery, Delivery.alert_id == Alert.id)
            .where(Delivery.channel == "inbox", Delivery.user_id == user.id)
            .order_by(Alert.id)
        )
    )


def test_the_scan_raises_each_level_once_to_the_right_people(
    session: Session, world: World, anna: User, sam: User, settings: Settings
) -> None:
    case = open_injury(session, world, anna, ACCIDENT)
    steps = [
        ("2026-11-24 05:00", []),  # quiet hours
        ("2026-11-24 07:30", [("warning", 0)]),
        ("2026-11-24 07:31", [("warning", 0)]),  # again: nothing new
        ("2026-11-24 09:00", [("warning", 0), ("overdue", 0)]),
        ("2026-11-24 11:00", [("warning", 0), ("overdue", 0), ("escalation", 0)]),
        ("2026-11-25 10:59", [("warning", 0), ("overdue", 0), ("escalation", 0)]),
        (
            "2026-11-25 11:00",
            [("warning", 0), ("overdue", 0), ("escalation", 0), ("escalation", 1)],
        ),
    ]
    for now, expected in steps:
        scan(session=session, settings=settings, now=at(now))
        scan(session=session, settings=settings, now=at(now))  # a second scanner: no-op
        session.commit()
        assert _alerts(session, case) == expected, now
    # warnings and overdue to the owner; escalations to the supervisors and the owner
    assert _inbox_of(session, anna) == ["warning", "overdue", "escalation", "escalation"]
    assert _inbox_of(session, sam) == ["escalation", "escalation"]


def test_a_met_or_paused_clock_raises_nothing(
    session: Session, world: World, anna: User, settings: Settings
) -> None:
    case = open_injury(session, world, anna, ACCIDENT)
    fire(session, case, "file_report", anna, filed_at="2026-11-23T15:00")
    scan(session=session, settings=settings, now=at("2026-11-24 12:00"))
    session.commit()
    kinds = {a.clock_kind for a in session.scalars(select(Alert).where(Alert.case_id == case.id))}
    assert "filing_report" not in kinds  # met before its due time
    stopped = session.scalars(
        select(Clock).where(Clock.case_id == case.id, Clock.kind == "filing_report")
    ).one()
    assert stopped.next_alert_at is None


# --- deliveries ------------------------------------------------------------------------


def test_a_robot_answering_500_three_times_gets_the_alert_once_after_four_attempts(
    session: Session,
    session_factory: sessionmaker[Session],
    world: World,
    anna: User,
    settings: Settings,
    robot: Robot,
) -> None:
    open_injury(session, world, anna, ACCIDENT)
    robot.answers = [(500, {}), (500, {}), (500, {})]
    config = with_settings(settings, webhook_url=robot.url, alert_retry_seconds=60)
    time = Clockwork("2026-11-24 09:00")  # overdue: the robot's first alert
    run_once(factory=session_factory, settings=config, now=time.now)
    for wait in (60, 120, 240):  # the back-off doubles
        time.advance(seconds=wait - 1)
        run_once(factory=session_factory, settings=config, now=time.now)  # not yet
        time.advance(seconds=1)
        run_once(factory=session_factory, settings=config, now=time.now)
    run_once(factory=session_factory, settings=config, now=time.now)  # nothing left
    keys = [headers["X-Casetracker-Delivery"] for headers, _ in robot.received]
    assert len(keys) == 4
    assert len(set(keys)) == 1  # the same key on every try
    delivered = session.scalars(select(Delivery).where(Delivery.channel == "webhook")).one()
    assert delivered.status == "sent"
    assert [a.outcome for a in delivered.attempts] == ["transient"] * 3 + ["sent"]
    assert "HTTP 500" in delivered.attempts[0].error
    text = robot.received[-1][1]["markdown"]["content"]
    assert "已逾期" in text
    assert "李秀英" in text
    assert "11010519491231002X" not in text  # the ID number masked, never whole
    assert delivered.alert is not None
    assert f"/cases/{delivered.alert.case_id}" in text


def test_a_robot_rejecting_the_key_is_a_failure_not_a_delivery(
    session: Session,
    session_factory: sessionmaker[Session],
    world: World,
    anna: User,
    settings: Settings,
    robot: Robot,
) -> None:
    open_injury(session, world, anna, ACCIDENT)
    robot.answers = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    config = with_settings(settings, webhook_url=robot.url)
    time = Clockwork("2026-11-24 09:00")
    run_once(factory=session_factory, settings=config, now=time.now)
    time.advance(hours=2)
    run_once(factory=session_factory, settings=config, now=time.now)  # escalation: a new one
    first = session.scalars(
        select(Delivery).where(Delivery.channel == "webhook").order_by(Delivery.id)
    ).first()
    assert first is not None
    assert first.status == "failed"
    assert [a.outcome for a in first.attempts] == ["permanent"]
    assert "93000" in first.attempts[0].error


def test_email_goes_out_in_chinese_with_its_key_as_message_id(
    session: Session,
    session_factory: sessionmaker[Session],
    world: World,
    anna: User,
    settings: Settings,
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    anna.email = "anna@example.com"
    session.commit()
    open_injury(session, world, anna, ACCIDENT)
    config = with_settings(
        settings, smtp_host="127.0.0.1", smtp_port=port, smtp_from="alerts@example.com"
    )
    run_once(factory=session_factory, settings=config, now=lambda: at("2026-11-24 07:30"))
    assert len(box.messages) == 1
    message = box.messages[0]
    delivery = session.scalars(select(Delivery).where(Delivery.channel == "email")).one()
    assert message["Message-ID"] == f"<{delivery.key}@casetracker>"
    assert message["To"] == "anna@example.com"
    assert "即将到期" in str(make_header(decode_header(message["Subject"])))
    parts = {p.get_content_type(): p.get_payload(decode=True) for p in message.walk()}
    assert "工伤快报".encode() in parts["text/plain"]
    assert b"<li>" in parts["text/html"]
    assert delivery.status == "sent"


def test_a_refused_connection_is_retried_not_lost(
    session: Session,
    session_factory: sessionmaker[Session],
    world: World,
    anna: User,
    settings: Settings,
    tmp_path: Path,
) -> None:
    anna.email = "anna@example.com"
    session.commit()
    open_injury(session, world, anna, ACCIDENT)
    config = with_settings(settings, smtp_host="127.0.0.1", smtp_port=9)  # nobody listens
    run_once(factory=session_factory, settings=config, now=lambda: at("2026-11-24 07:30"))
    delivery = session.scalars(select(Delivery).where(Delivery.channel == "email")).one()
    assert delivery.status == "pending"
    assert [a.outcome for a in delivery.attempts] == ["transient"]
    assert delivery.next_attempt_at == at("2026-11-24 07:31")


# --- the inbox API -----------------------------------------------------------------------


def test_the_inbox_lists_reads_and_shows_every_attempt(
    client: TestClient,
    session: Session,
    world: World,
    anna: User,
    sam: User,
    settings: Settings,
) -> None:
    open_injury(session, world, anna, ACCIDENT)
    scan(session=session, settings=settings, now=at("2026-11-24 11:00"))
    session.commit()
    headers = bearer(session, anna)
    inbox = client.get("/api/v1/alerts", params={"unread": "true"}, headers=headers).json()
    assert inbox["total"] == inbox["unread"] == 3
    assert [i["level"] for i in inbox["items"]] == ["escalation", "overdue", "warning"]
    assert set(inbox["items"][0]) >= {
        "id", "case_id", "clock_id", "clock_kind", "level", "raised_at", "read"
    }  # fmt: skip
    first = inbox["items"][0]["id"]
    read = client.post(f"/api/v1/alerts/{first}/read", headers=headers)
    assert read.status_code == 200
    assert read.json()["read"] is True
    after = client.get("/api/v1/alerts", params={"unread": "true"}, headers=headers).json()
    assert after["unread"] == 2
    detail = client.get(f"/api/v1/alerts/{first}", headers=headers).json()
    assert {(d["channel"], d["status"]) for d in detail["deliveries"]} >= {("inbox", "sent")}
    # a specialist sees only their own alerts; a supervisor acknowledges the escalation
    other = bearer(session, sam)
    ack = client.post(
        f"/api/v1/alerts/{first}/acknowledge", json={"note": "已电话督办"}, headers=other
    )
    assert ack.status_code == 200
    assert ack.json()["acknowledgement"] == "已电话督办"
    refused = client.post(f"/api/v1/alerts/{first}/acknowledge", json={}, headers=headers)
    assert refused.status_code == 403
    assert client.get("/api/v1/alerts/999999", headers=headers).status_code == 404
    count = session.scalar(select(func.count()).select_from(Alert))
    scan(session=session, settings=settings, now=at("2026-11-26 11:00"))
    session.commit()
    assert session.scalar(select(func.count()).select_from(Alert)) == count  # no more repeats


def test_every_page_shows_the_unread_count_and_the_inbox_page_reads_and_acknowledges(
    client: TestClient,
    session: Session,
    world: World,
    anna: User,
    sam: User,
    settings: Settings,
) -> None:
    from tests.conftest import log_in, page_csrf

    case = open_injury(session, world, anna, ACCIDENT)
    scan(session=session, settings=settings, now=at("2026-11-24 11:00"))
    session.commit()
    log_in(client, sam)
    desk = client.get("/").text
    assert 'data-unread="1"' in desk  # the escalation
    page = client.get("/alerts").text
    assert f"/cases/{case.id}" in page
    assert "工伤快报" in page
    escalation = session.scalars(select(Alert).where(Alert.level == "escalation")).one()
    done = client.post(
        f"/alerts/{escalation.id}/acknowledge",
        data={"note": "已督办", "csrf_token": page_csrf(client, "/alerts")},
    )
    assert done.status_code == 303
    assert 'data-unread="0"' in client.get("/").text
    session.refresh(escalation)
    assert escalation.acknowledgement == "已督办"
    assert escalation.acknowledged_by_id == sam.id


def _robot_keys(robot: Robot) -> list[str]:
    return [
        k for headers, _ in robot.received for k in headers["X-Casetracker-Delivery"].split(",")
    ]


def test_two_hundred_alerts_due_at_once_reach_one_robot_merged_within_its_rate(
    session: Session,
    session_factory: sessionmaker[Session],
    world: World,
    anna: User,
    settings: Settings,
    robot: Robot,
) -> None:
    for _ in range(200):
        open_injury(session, world, anna, ACCIDENT)
    time = Clockwork("2026-11-24 09:00")  # 200 filing reports overdue at once
    config = with_settings(settings, webhook_url=robot.url, webhook_per_minute=3)
    run_once(factory=session_factory, settings=config, now=time.now)
    assert len(robot.received) == 3  # the robot's messages for this minute, 30 alerts each
    time.advance(seconds=30)
    run_once(factory=session_factory, settings=config, now=time.now)
    assert len(robot.received) == 3  # still the same minute: it waits
    for _ in range(3):
        time.advance(seconds=61)
        run_once(factory=session_factory, settings=config, now=time.now)
    keys = _robot_keys(robot)
    assert len(keys) == len(set(keys)) == 200  # every alert, once
    assert len(robot.received) == 7  # merged: 30 to a message
    assert all("条时限提醒" in body["markdown"]["content"] or body for _, body in robot.received)
    sent = session.scalar(
        select(func.count())
        .select_from(Delivery)
        .where(Delivery.channel == "webhook", Delivery.status == "sent")
    )
    assert sent == 200


def test_a_user_sets_the_email_alerts_go_to_and_a_bad_address_is_refused(
    client: TestClient, session: Session, anna: User
) -> None:
    from tests.conftest import log_in, page_csrf

    log_in(client, anna)
    refused = client.post(
        "/profile",
        data={"email": "not an address", "csrf_token": page_csrf(client, "/profile")},
    )
    assert refused.status_code == 422
    assert "邮箱地址格式不正确" in refused.text
    session.refresh(anna)
    assert anna.email == ""
    saved = client.post(
        "/profile",
        data={
            "email": "anna@example.com",
            "alert_email": "true",
            "csrf_token": page_csrf(client, "/profile"),
        },
    )
    assert saved.status_code == 303
    session.refresh(anna)
    assert (anna.email, anna.alert_email) == ("anna@example.com", True)
    assert 'value="anna@example.com"' in client.get("/profile").text


def test_a_calendar_feed_lists_my_open_clocks_until_i_renew_or_revoke_it(
    client: TestClient, session: Session, world: World, anna: User, sam: User
) -> None:
    from icalendar import Calendar

    from tests.conftest import log_in, page_csrf

    case = open_injury(session, world, anna, ACCIDENT)
    open_injury(session, world, sam, ACCIDENT)  # another's case: not in anna's feed
    log_in(client, anna)
    made = client.post("/profile/calendar", data={"csrf_token": page_csrf(client, "/profile")})
    assert made.status_code == 200
    url = made.text.split('data-testid="feed-url">')[1].split("<")[0]
    path = url.removeprefix(settings_base(client))
    client.cookies.clear()  # a calendar app has no session: the secret is the key
    feed = client.get(path)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    assert {str(e["summary"]) for e in events} == {
        f"【时限】#{case.id} 工伤快报",
        f"【时限】#{case.id} 工伤认定申请",
    }
    assert "11010519491231002X" not in feed.text  # masked
    log_in(client, anna)
    client.post("/profile/calendar", data={"csrf_token": page_csrf(client, "/profile")})
    client.cookies.clear()
    assert client.get(path).status_code == 404  # renewed: the old URL stops at once
    log_in(client, anna)
    client.post("/profile/calendar/revoke", data={"csrf_token": page_csrf(client, "/profile")})
    session.refresh(anna)
    assert anna.calendar_token_hash is None


def settings_base(client: TestClient) -> str:
    return str(client.app.state.settings.base_url).rstrip("/")  # type: ignore[attr-defined]


def test_a_robot_backlog_never_holds_the_emails_up(
    session: Session,
    session_factory: sessionmaker[Session],
    world: World,
    anna: User,
    settings: Settings,
    robot: Robot,
    mailbox: tuple[Mailbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The claim took the oldest due deliveries, a robot's skipped ones first: with enough
    of them waiting for the robot's next minute, the emails behind them never went out."""
    from casetracker.alerts import deliver

    monkeypatch.setattr(deliver, "CLAIM_BATCH", 2)
    monkeypatch.setattr(deliver, "ROBOT_MERGE", 1)
    box, port = mailbox
    for _ in range(6):
        open_injury(session, world, anna, ACCIDENT)
    robot_only = with_settings(settings, webhook_url=robot.url, webhook_per_minute=1)
    run_once(factory=session_factory, settings=robot_only, now=lambda: at("2026-11-24 09:00"))
    assert len(robot.received) == 1  # one message a minute: five overdue alerts wait
    anna.email = "anna@example.com"
    session.commit()
    both = with_settings(robot_only, smtp_host="127.0.0.1", smtp_port=port)
    run_once(factory=session_factory, settings=both, now=lambda: at("2026-11-24 11:00"))
    assert len(box.messages) == 6  # the six escalations' emails, despite the robot's queue
    assert len(robot.received) == 2


def test_a_scan_asks_for_due_clocks_once_when_they_fit_one_batch(
    session: Session, world: World, anna: User, settings: Settings, engine: Engine
) -> None:
    """The scan pages through the due clocks by id; after a batch shorter than a full one it
    stops, rather than asking again and walking the rest of the clocks for none (that second
    query was half of each minute's scan at 100,000 open clocks)."""
    open_injury(session, world, anna, ACCIDENT)
    sent: list[str] = []

    def keep(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        found = scan(session=session, settings=settings, now=at("2026-11-24 09:00"))
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert found.raised >= 1
    assert len([s for s in sent if "clocks.next_alert_at <=" in s]) == 1
