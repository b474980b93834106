"""Per-request facts that deep layers may record without routes passing them down."""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
