"""Refuse an oversized request body before anything reads it: by its `Content-Length` at
once, and while streaming when it has none (chunked). Outermost middleware, so neither the
CSRF check nor authentication spends work on a body that will be refused."""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casetracker.core.i18n import _

# The largest upload (10 MB) plus the multipart envelope and the form's other fields.
MAX_BODY_BYTES = 10 * 1024 * 1024 + 256 * 1024


class BodyTooLarge(Exception):
    """Raised from `receive` once a streamed body passes the limit."""


def _refusal(path: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    message = _("上传内容过大：请求体不能超过 {mb} MB").format(mb=MAX_BODY_BYTES // 1024 // 1024)
    if path.startswith("/api/"):
        body = json.dumps({"detail": message}, ensure_ascii=False).encode()
        kind = b"application/json"
    else:
        body = message.encode()
        kind = b"text/plain; charset=utf-8"
    headers = [
        (b"content-type", kind),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    return headers, body


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, scope: Scope, send: Send) -> None:
        headers, body = _refusal(scope["path"])
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                too_big = False  # the server rejects a malformed length itself
            if too_big:
                await self._refuse(scope, send)
                return
        received = 0
        started = False
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:  # whatever the app makes of the cut-off body, the answer is 413
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            pass
        if refused and not started:
            await self._refuse(scope, send)
