"""An oversized body is refused with 413 before anything reads it: by its Content-Length at
once (no CSRF token, no sign-in needed to be refused), and while streaming when chunked."""

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from casetracker.core import migrations
from casetracker.core.settings import Settings
from casetracker.web.body_limit import MAX_BODY_BYTES, MAX_FIELDS_BYTES
from tests.databases import throwaway_database
from tests.live import serve


@pytest.fixture
def live_url(tmp_path: Path) -> Iterator[str]:
    with throwaway_database(tmp_path, "limit") as url:
        migrations.upgrade(url)
        settings = Settings(database_url=url, data_dir=tmp_path, secret_key="b" * 40)
        with serve(settings) as base_url:
            yield base_url


def _exchange(base_url: str, head: bytes, body_chunks: Iterator[bytes] = iter(())) -> bytes:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except OSError:  # the server answered and closed while we were still sending
            pass
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
        return answer


def test_a_declared_gigabyte_is_refused_before_a_byte_is_read(live_url: str) -> None:
    head = (
        b"POST /cases/1/attachments HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: multipart/form-data; boundary=zzz\r\n"
        b"Content-Length: 1200000000\r\n\r\n"
    )
    started = time.monotonic()
    answer = _exchange(live_url, head)  # no body is ever sent: the answer cannot wait for it
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 5


def test_a_chunked_body_is_cut_off_at_the_limit(live_url: str) -> None:
    head = (
        b"POST /api/v1/cases/1/attachments HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: multipart/form-data; boundary=zzz\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )

    def chunked(data: bytes) -> bytes:
        return f"{len(data):x}\r\n".encode() + data + b"\r\n"

    opening = (
        b'--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF-"
    )
    piece = chunked(b"a" * 65536)
    count = (MAX_BODY_BYTES // 65536) + 20  # an endless file: only the limit stops it

    answer = _exchange(live_url, head, iter([chunked(opening)] + [piece] * count))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert "application/json" in answer.decode("latin-1").lower()


def test_a_body_just_over_the_limit_gets_the_message(client: TestClient) -> None:
    response = client.post(
        "/api/v1/injury-cases",
        content=b"x" * (MAX_BODY_BYTES + 1),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert "请求体不能超过" in response.json()["detail"]
    page = client.post("/login", content=b"x" * (MAX_BODY_BYTES + 1))
    assert page.status_code == 413


def test_a_form_or_json_body_is_refused_past_256_kb_and_an_upload_is_not(
    client: TestClient,
) -> None:
    """A megabyte of urlencoded garbage cost the CSRF check a second of parsing."""
    big = b"x" * (MAX_FIELDS_BYTES + 1)
    for kind in ("application/x-www-form-urlencoded", "application/json", "text/plain"):
        refused = client.post("/login", content=big, headers={"Content-Type": kind})
        assert refused.status_code == 413, kind
        assert "256 KB" in refused.text
    upload = client.post(
        "/login", content=big, headers={"Content-Type": "multipart/form-data; boundary=x"}
    )
    assert upload.status_code != 413  # an upload may be larger (the CSRF check refuses it)


def test_a_body_within_the_limit_goes_through(client: TestClient) -> None:
    response = client.post(
        "/api/v1/injury-cases", content=b"{}", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401  # reached authentication: not refused for size
