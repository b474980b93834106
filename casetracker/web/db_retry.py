"""Reads run as reads, and a dropped database connection costs a reader nothing.

A GET or HEAD runs its unit of work `reads_first` (on SQLite: no write lock until it writes;
PostgreSQL is unaffected). One that writes after all (the audit of a whole ID number shown,
an API token's last use) and finds the write lock taken runs again as a writer. A GET or HEAD
that fails on a connection the pool has just found dead runs again on a fresh one (up to
three tries). Anything else that cannot reach the database answers 503 (see errors)."""

from contextlib import nullcontext

from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casetracker.core.db import is_lock_conflict, reads_first

READ_ONLY = {"GET", "HEAD"}
# A failover or a burst of killed backends can take the fresh connection too: a read tries
# up to three connections before it answers 503.
ATTEMPTS = 3


# PostgreSQL's codes for a connection the server ended (admin or crash shutdown, not yet
# accepting) and class 08, connection exceptions: the statement was not at fault.
SERVER_ENDED = {"57P01", "57P02", "57P03"}


def is_disconnect(exc: BaseException) -> bool:
    """True when the database connection itself failed (not the statement): one the pool
    invalidated, or a fresh one that failed while it was being set up (its connect hook's
    statement met a killed backend): no pool has held it, so nothing invalidated it. On
    PostgreSQL that is an OperationalError with a connection code, or with none at all
    (libpq's own: the server closed the connection); a statement's error (a timeout, a
    constraint) always carries the server's code."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError) or not type(exc.orig).__module__.startswith("psycopg"):
        return False
    code = getattr(exc.orig, "sqlstate", None)
    return code is None or code in SERVER_ENDED or str(code).startswith("08")


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
