"""A real uvicorn server on 127.0.0.1 in a thread, on a database of its own."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from sqlalchemy.orm import Session

from casetracker.core import clock
from casetracker.core.settings import Settings
from casetracker.main import create_app
from casetracker.people.models import Client, Region
from tests.conftest import VALID_CREDIT_CODE


@dataclass
class LiveServer:
    url: str
    database_url: str
    passwords: dict[str, str]

    def path(self, path: str) -> str:
        return self.url + path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """Serve the app until the block ends; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def seed_client(session: Session) -> Client:
    """The least a live-server test needs to open cases: one region and one client."""
    region = Region(name="上海市", is_local=True)
    session.add(region)
    session.flush()
    client = Client(
        name="客户",
        credit_code=VALID_CREDIT_CODE,
        default_region_id=region.id,
        created_at=clock.now(),
    )
    session.add(client)
    session.flush()
    return client
