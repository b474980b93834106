"""Domain errors. One handler in `main.py` turns them into a page or a JSON `detail`."""


class DomainError(Exception):
    """A refusal the user can read; `message` is already in the request's language."""

    status_code = 400

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class Invalid(DomainError):
    """Input that failed validation; `field_errors` maps field name to a message."""

    status_code = 422
