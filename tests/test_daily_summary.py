"""The supervisors' daily summary email: from CASETRACKER_DAILY_SUMMARY_AT (China time) once a
day to each active supervisor who entered an address, through a real SMTP server, however
many scans run; in Chinese, the ID numbers masked, a link to the overview. (Once across
processes: tests/test_alerts_processes.py.)"""

from email.header import decode_header, make_header
from email.message import Message
from functools import partial

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from casetracker.alerts.models import Delivery
from casetracker.alerts.scheduler import run_once
from casetracker.auth.models import Role, User
from casetracker.core.settings import Settings
from casetracker.overview.summary import write
from tests.alert_fixtures import Mailbox, at, with_settings
from tests.conftest import World, make_user, open_injury


def _summary_deliveries(session: Session) -> list[Delivery]:
    return list(session.scalars(select(Delivery).where(Delivery.summary_on.is_not(None))))


def _subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _body(message: Message) -> str:
    parts = {p.get_content_type(): p.get_payload(decode=True) for p in message.walk()}
    plain = parts["text/plain"]
    assert isinstance(plain, bytes)
    return plain.decode()


@pytest.fixture
def supervisors(session: Session, sam: User) -> list[User]:
    """sam and tess want it; uma has no address; vic turned emails off; a specialist with an
    address is no supervisor."""
    tess = make_user(session, "tess", Role.SUPERVISOR, "苔丝")
    uma = make_user(session, "uma", Role.SUPERVISOR, "乌玛")
    vic = make_user(session, "vic", Role.SUPERVISOR, "维克")
    sam.email, tess.email, vic.email = "sam@example.com", "tess@example.com", "vic@example.com"
    vic.alert_email = False
    session.commit()
    return [sam, tess, uma, vic]


def test_each_supervisor_gets_one_summary_a_day_from_its_time(
    session: Session,
    session_factory: sessionmaker[Session],
    world: World,
    anna: User,
    settings: Settings,
    supervisors: list[User],
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    anna.email = "anna@example.com"
    session.commit()
    open_injury(session, world, anna, "2026-11-20 09:00")  # its filing report long overdue
    config = with_settings(
        settings, smtp_host="127.0.0.1", smtp_port=port, base_url="https://ct.example"
    )

    def summaries() -> list[Message]:
        return [m for m in box.messages if "每日汇总" in _subject(m)]

    for moment in ("2026-11-24 08:29", "2026-11-24 08:29:59"):
        run_once(factory=session_factory, settings=config, now=partial(at, moment), summary=write)
    assert summaries() == []
    for moment in ("2026-11-24 08:30", "2026-11-24 08:31", "2026-11-24 17:00"):
        run_once(factory=session_factory, settings=config, now=partial(at, moment), summary=write)
    sent = summaries()
    assert sorted(m["To"] for m in sent) == ["sam@example.com", "tess@example.com"]
    subject, body = _subject(sent[0]), _body(sent[0])
    assert "2026-11-24" in subject
    assert "逾期 1 件" in subject
    assert "安娜：已逾期 1" in body
    assert "https://ct.example/overview" in body
    assert "11010519491231002X" not in body
    keys = {d.key for d in _summary_deliveries(session)}
    assert {str(m["Message-ID"]).strip("<>").split("@")[0] for m in sent} == keys
    run_once(
        factory=session_factory, settings=config, now=lambda: at("2026-11-25 08:30"), summary=write
    )
    assert len(summaries()) == 4  # the next day's


@pytest.mark.parametrize(
    "changes",
    [{"daily_summary_at": "off"}, {"smtp_host": ""}],
    ids=["turned off", "no SMTP server"],
)
def test_no_summary_is_planned_when_off_or_without_a_mail_server(
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    supervisors: list[User],
    mailbox: tuple[Mailbox, int],
    changes: dict[str, object],
) -> None:
    _box, port = mailbox
    config = with_settings(settings, smtp_host="127.0.0.1", smtp_port=port)
    config = with_settings(config, **changes)
    result = run_once(
        factory=session_factory, settings=config, now=lambda: at("2026-11-24 09:00"), summary=write
    )
    assert result.summaries_planned == 0
    assert _summary_deliveries(session) == []


def test_a_summary_that_could_not_go_out_is_retried_not_lost(
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    supervisors: list[User],
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    refused = with_settings(settings, smtp_host="127.0.0.1", smtp_port=9)  # nobody listens
    run_once(
        factory=session_factory, settings=refused, now=lambda: at("2026-11-24 08:30"), summary=write
    )
    waiting = _summary_deliveries(session)
    assert [d.status for d in waiting] == ["pending", "pending"]
    working = with_settings(settings, smtp_host="127.0.0.1", smtp_port=port)
    run_once(
        factory=session_factory, settings=working, now=lambda: at("2026-11-24 08:32"), summary=write
    )
    assert sorted(m["To"] for m in box.messages) == ["sam@example.com", "tess@example.com"]
    session.expire_all()
    assert {d.status for d in waiting} == {"sent"}
    assert [a.outcome for a in waiting[0].attempts] == ["transient", "sent"]


def test_a_scheduler_without_the_writer_leaves_summaries_to_one_that_has_it(
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    supervisors: list[User],
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    config = with_settings(settings, smtp_host="127.0.0.1", smtp_port=port)
    run_once(
        factory=session_factory, settings=config, now=lambda: at("2026-11-24 08:30"), summary=write
    )
    box.messages.clear()
    session.execute(  # as if the hand-over had failed: due again
        update(Delivery).values(status="pending", next_attempt_at=at("2026-11-24 08:30"))
    )
    session.commit()
    run_once(factory=session_factory, settings=config, now=lambda: at("2026-11-24 08:35"))
    assert box.messages == []  # claimed by none but a sender able to write it
    session.expire_all()
    waiting = _summary_deliveries(session)
    assert [(d.status, len(d.attempts)) for d in waiting] == [("pending", 1), ("pending", 1)]
