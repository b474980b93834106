"""Reads run as reads, and a dropped database connection costs a reader nothing.

A GET or HEAD runs its unit of work `reads_first` (on SQLite: no write lock until it writes;
PostgreSQL is unaffected). One that writes after all (the audit of a whole ID number shown,
an API token's last use) and finds the write lock taken runs again as a writer. A GET or HEAD
that fails on a connection the pool has just found dead runs again on a fresh one (up to
three tries). Anything else that cannot reach the database answers 503 (see errors)."""

from contextlib import nullcontext

from sqlalchemy.exc import DBAPIError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casetracker.core.db import is_lock_conflict, reads_first

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

        as_reader = True
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with reads_first() if as_reader else nullcontext():
                    await self.app(scope, receive, tracking_send)
                return
            except Exception as exc:
                if not started and as_reader and is_lock_conflict(exc):
                    as_reader = False  # it writes after all: again, holding the lock from the start
                    continue
                if started or not is_disconnect(exc) or attempt == ATTEMPTS:
                    raise
