"""No whole ID number in any log: a live server with uvicorn's access log and our own error
logs writes a run's worth of ID-bearing requests; the log file is scanned afterwards."""

import logging
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from casetracker.core import log_privacy, migrations
from casetracker.core.db import make_engine, make_sessionmaker, session_scope
from casetracker.core.settings import Settings
from casetracker.main import create_app
from tests.conftest import LI_ID
from tests.databases import throwaway_database
from tests.live import free_port

WHOLE_ID = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{15}")


def test_mask_ids_hides_every_id_shaped_run() -> None:
    text = "q=310110198609059166&old=110105491231002 tail 11010519491231002x end"
    masked = log_privacy.mask_ids(text)
    assert WHOLE_ID.search(masked) is None
    assert "3101**********9166" in masked
    assert log_privacy.mask_ids("order 2026112412000000001234 and 12345") == (
        "order 2026112412000000001234 and 12345"
    )


@pytest.fixture
def logged_server(tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    """A uvicorn server whose access and error logs go to a file, as in production."""
    log_file = tmp_path / "server.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    # Root for our own loggers; uvicorn's access logger directly, since an earlier server in
    # the same run may have configured it not to propagate.
    loggers = [logging.getLogger(), logging.getLogger("uvicorn.access")]
    saved = [(lg.level, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
        lg.disabled = False
    with throwaway_database(tmp_path, "logs") as url:
        migrations.upgrade(url)
        from casetracker.auth import service as auth_service
        from casetracker.auth.models import Role

        engine = make_engine(url)
        with session_scope(make_sessionmaker(engine)) as session:
            admin = auth_service.add_user(
                session=session, username="ada", role=Role.ADMIN, password="ada-password"
            )
            session.flush()
            token = auth_service.create_token(session=session, user=admin)
        engine.dispose()
        settings = Settings(database_url=url, data_dir=tmp_path, secret_key="l" * 40)
        port = free_port()
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_config=None, access_log=True
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}", log_file, token
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            for lg, (level, disabled) in zip(loggers, saved, strict=True):
                lg.removeHandler(handler)
                lg.setLevel(level)
                lg.disabled = disabled
            handler.close()


def test_a_run_of_requests_leaves_no_whole_id_number_in_the_log(
    logged_server: tuple[str, Path, str],
) -> None:
    url, log_file, token = logged_server
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        assert http.get("/api/v1/insured", params={"q": LI_ID}).status_code == 200
        http.get(f"/insured?q={LI_ID}")  # a page: redirects to login with the query kept
        http.get(f"/login?next=/insured?q={LI_ID}")
        http.post(
            "/api/v1/injury-cases",
            json={"client_id": 999, "employee": {"name": "李", "id_number": LI_ID}},
        )
        http.get(f"/no/such/{LI_ID}")
    # Our own logs: an error whose text and traceback carry a number.
    try:
        raise ValueError(f"duplicate id_number {LI_ID}")
    except ValueError:
        logging.getLogger("casetracker.test").exception("import failed for %s", LI_ID)
    logging.getLogger("casetracker.test").warning("row %(row)s: %(id)s", {"row": 3, "id": LI_ID})
    text = log_file.read_text(encoding="utf-8")
    assert "GET /api/v1/insured?q=1101**********002X" in text  # the access log did write
    assert "Traceback" in text
    assert WHOLE_ID.search(text) is None, [
        line for line in text.splitlines() if WHOLE_ID.search(line)
    ]


def test_an_error_object_logged_as_an_argument_is_masked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log_privacy.install()
    with caplog.at_level(logging.INFO):
        logging.getLogger("casetracker.web.errors").warning(
            "integrity error: %s", Exception(f"Key (id_number)=({LI_ID}) already exists")
        )
    assert LI_ID not in caplog.text
    assert "1101**********002X" in caplog.text
