"""Exactly once across processes, on PostgreSQL: pairs of `casetracker scheduler --once`
processes started together through a simulated day with 1,000 open clocks crossing their
levels (and the supervisors' daily summary falling due); the receivers (a real SMTP server
and a real HTTP robot) count every key. And a
sender killed with SIGKILL between its claim and the hand-over: after the lease the delivery
goes out once."""

import collections
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from casetracker.alerts.models import Delivery
from casetracker.auth import service as auth_service
from casetracker.auth.models import Role
from casetracker.cases import service as case_service
from casetracker.core import migrations
from casetracker.core.clock import CHINA_TZ
from casetracker.core.db import make_engine, make_sessionmaker, session_scope
from tests.databases import is_postgres, throwaway_database
from tests.live import free_port, seed_client

pytestmark = pytest.mark.skipif(not is_postgres(), reason="several processes on PostgreSQL")

ROOT = Path(__file__).resolve().parents[1]
DAY = datetime(2026, 11, 24, 0, 0, tzinfo=CHINA_TZ)


@dataclass
class Receivers:
    keys: collections.Counter[str] = field(default_factory=collections.Counter)
    stall: threading.Event = field(default_factory=threading.Event)  # set: hold requests
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    robot_url: str = ""
    smtp_port: int = 0

    async def handle_DATA(self, _server: object, _session: object, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content)
        self.keys[str(message["Message-ID"]).strip("<>").split("@")[0]] += 1
        return "250 OK"


@pytest.fixture
def receivers() -> Iterator[Receivers]:
    found = Receivers()

    class Robot(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            if found.stall.is_set():  # the sender is killed while it waits here
                found.arrived.set()
                found.release.wait(timeout=30)
                return  # its connection is gone: nothing was handed over
            json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            for key in self.headers["X-Casetracker-Delivery"].split(","):
                found.keys[key] += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}')

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    found.robot_url = f"http://127.0.0.1:{server.server_address[1]}/robot"
    found.smtp_port = free_port()
    controller = Controller(found, hostname="127.0.0.1", port=found.smtp_port)
    controller.start()
    yield found
    found.release.set()
    controller.stop()
    server.shutdown()
    server.server_close()


@dataclass
class Site:
    url: str
    env: dict[str, str]


def _seed(url: str, clocks: int) -> None:
    """Injury cases whose accidents are spread over the day before DAY: each has a 24-hour
    filing report (and a 30-day application clock), so through DAY every filing report
    crosses its warning, due time and escalation."""
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        client = seed_client(session)
        owner = auth_service.add_user(
            session=session, username="anna", role=Role.SPECIALIST, password="p" * 12
        )
        chief = auth_service.add_user(
            session=session, username="chief", role=Role.SUPERVISOR, password="p" * 12
        )
        owner.email, chief.email = "anna@example.com", "chief@example.com"
        session.flush()
        cases = clocks // 2
        for n in range(cases):
            accident = DAY - timedelta(days=1) + timedelta(seconds=n * 86400 // cases)
            case_service.open_case(
                session=session,
                case_type="injury",
                client_id=client.id,
                region_id=client.default_region_id,
                owner=owner,
                event_at=accident,
                now=DAY - timedelta(days=1, minutes=-1) + timedelta(seconds=n * 86400 // cases),
            )
    engine.dispose()


@pytest.fixture
def site(tmp_path: Path, receivers: Receivers) -> Iterator[Site]:
    with throwaway_database(tmp_path, "alertsproc") as url:
        migrations.upgrade(url)
        env = {
            **os.environ,
            "CASETRACKER_DATABASE_URL": url,
            "CASETRACKER_DATA_DIR": str(tmp_path / "data"),
            "CASETRACKER_SECRET_KEY": "p" * 40,
            "CASETRACKER_COMPANY_NAME": "测试公司",
            "CASETRACKER_WEBHOOK_URL": receivers.robot_url,
            "CASETRACKER_WEBHOOK_PER_MINUTE": "1000",
            "CASETRACKER_SMTP_HOST": "127.0.0.1",
            "CASETRACKER_SMTP_PORT": str(receivers.smtp_port),
            "CASETRACKER_ALERT_LEASE_SECONDS": "300",
        }
        yield Site(url, env)


def _start(site: Site, moment: datetime) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.run_at", moment.isoformat(), "scheduler", "--once"],
        cwd=ROOT,
        env=site.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _together(site: Site, moment: datetime) -> None:
    pair = [_start(site, moment), _start(site, moment)]
    for process in pair:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()[-2000:]


def _deliveries(url: str) -> list[Delivery]:
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        found = list(
            session.scalars(select(Delivery).where(Delivery.channel.in_(("email", "webhook"))))
        )
    engine.dispose()
    return found


def test_two_schedulers_through_a_day_deliver_every_alert_exactly_once(
    site: Site, receivers: Receivers
) -> None:
    _seed(site.url, clocks=1000)
    moment = DAY
    while moment <= DAY + timedelta(days=1):
        _together(site, moment)
        moment += timedelta(hours=2)
    deliveries = _deliveries(site.url)
    channels = collections.Counter(d.channel for d in deliveries)
    assert channels["email"] >= 1000  # warnings, overdue and escalations to two people
    assert channels["webhook"] >= 500
    assert {d.status for d in deliveries} == {"sent"}
    assert all(receivers.keys[d.key] == 1 for d in deliveries)  # each exactly once
    assert sum(receivers.keys.values()) == len(deliveries)  # and nothing else
    # the day's summary: once, to the one supervisor, though every pair planned it
    summaries = [d for d in deliveries if d.summary_on is not None]
    assert [(d.summary_on, d.address) for d in summaries] == [(DAY.date(), "chief@example.com")]


def test_a_sender_killed_before_the_hand_over_delivers_once_after_its_lease(
    site: Site, receivers: Receivers
) -> None:
    _seed(site.url, clocks=2)  # one case
    overdue = DAY + timedelta(hours=1)  # the filing report went overdue in the night
    site.env["CASETRACKER_SMTP_HOST"] = ""  # the robot only: one delivery to watch
    receivers.stall.set()
    doomed = _start(site, overdue)
    assert receivers.arrived.wait(timeout=60), "the sender never reached the robot"
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=30)
    receivers.stall.clear()
    receivers.release.set()
    _together(site, overdue + timedelta(seconds=299))  # the lease still runs
    assert sum(receivers.keys.values()) == 0
    _together(site, overdue + timedelta(seconds=301))
    (delivery,) = _deliveries(site.url)
    assert receivers.keys[delivery.key] == 1
    assert delivery.status == "sent"
