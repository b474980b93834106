"""A dropped database connection (a restarted server, a killed backend) costs a reader
nothing: a GET or HEAD that fails on a connection the pool has just found dead runs again
on a fresh one (up to three tries). Anything else that cannot reach the database answers
503 (see errors)."""

from sqlalchemy.exc import DBAPIError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

READ_ONLY = {"GET", "HEAD"}
# A failover or a burst of killed backends can take the fresh connection too: a read tries
# up to three connections before it answers 503.
ATTEMPTS = 3


def is_disconnect(exc: BaseException) -> bool:
    """True when the database connection itself failed (not the statement)."""
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class RetryReadOnDisconnect:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in READ_ONLY:
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        for attempt in range(1, ATTEMPTS + 1):
            try:
                await self.app(scope, receive, tracking_send)
                return
            except Exception as exc:
                if started or not is_disconnect(exc) or attempt == ATTEMPTS:
                    raise
