"""Refuse an oversized request body before anything reads it: by its `Content-Length` at
once, and while streaming when it has none (chunked). Outermost middleware, so neither the
CSRF check nor authentication spends work on a body that will be refused.

Uploads (multipart) may carry 10 MB, and a roster or bill import 50 MB (a bill of 100,000
lines is 7 MB as .xlsx, three times that as CSV); any other body (a form's fields, an API's
JSON) at most 256 KB: no form or JSON body of ours comes near it, and parsing a megabyte of
urlencoded garbage cost the CSRF check a second of CPU a request."""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casetracker.core.i18n import _

# The largest upload (10 MB) plus the multipart envelope and the form's other fields.
MAX_BODY_BYTES = 10 * 1024 * 1024 + 256 * 1024
MAX_FIELDS_BYTES = 256 * 1024  # a body that is not an upload
MAX_IMPORT_BYTES = 50 * 1024 * 1024 + 256 * 1024
IMPORT_PATHS = ("/reconcile/", "/api/v1/reconcile/")  # where rosters and bills are uploaded


class BodyTooLarge(Exception):
    """Raised from `receive` once a streamed body passes the limit."""


def _limit(scope: Scope, largest: int) -> int:
    kind = dict(scope["headers"]).get(b"content-type", b"").lower()
    if not kind.startswith(b"multipart/form-data"):
        return min(largest, MAX_FIELDS_BYTES)
    if largest == MAX_BODY_BYTES and str(scope["path"]).startswith(IMPORT_PATHS):
        return MAX_IMPORT_BYTES
    return largest


def _refusal(path: str, limit: int) -> tuple[list[tuple[bytes, bytes]], bytes]:
    if limit >= 1024 * 1024:
        size = _("{n} MB").format(n=limit // 1024 // 1024)
    else:
        size = _("{n} KB").format(n=limit // 1024)
    message = _("上传内容过大：请求体不能超过 {size}").format(size=size)
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

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        headers, body = _refusal(scope["path"], limit)
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = _limit(scope, self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = False  # the server rejects a malformed length itself
            if too_big:
                await self._refuse(scope, send, limit)
                return
        received = 0
        started = False
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
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
            await self._refuse(scope, send, limit)
