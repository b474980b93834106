"""What the alert tests share: a real group robot (a local HTTP server answering from a
script), a real SMTP server (aiosmtpd), an injected clock and China-time moments."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from casetracker.core.clock import CHINA_TZ
from casetracker.core.settings import Settings
from tests.live import free_port


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA_TZ)


@dataclass
class Robot:
    """A local HTTP server standing in for a group robot: answers from a script."""

    answers: list[tuple[int, dict[str, Any]]]
    received: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # with the query: a signature's place
    url: str = ""


@contextmanager
def serving_robot() -> Iterator[Robot]:
    found = Robot(answers=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            found.received.append((dict(self.headers), body))
            found.paths.append(self.path)
            status, answer = found.answers.pop(0) if found.answers else (200, {"errcode": 0})
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}/robot?key=test"
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def robot() -> Iterator[Robot]:
    """The team's robot."""
    with serving_robot() as found:
        yield found


@pytest.fixture
def partner_robot() -> Iterator[Robot]:
    """A 外地 partner's group robot."""
    with serving_robot() as found:
        yield found


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, _server: object, _session: object, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def with_settings(base: Settings, **changes: object) -> Settings:
    return base.model_copy(update=changes)


class Clockwork:
    """The injected clock: `now()` is whatever the test set."""

    def __init__(self, start: str) -> None:
        self.moment = at(start)

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)
