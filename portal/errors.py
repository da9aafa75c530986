"""Domain errors raised by services and turned into HTTP answers in one place."""

from typing import Any


class DomainError(Exception):
    """A refusal a person can read; status and code say how the API answers it."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra


class InvalidInput(DomainError):
    """Fields that do not pass validation; `fields` maps field name to message."""

    status = 422
    code = "invalid"

    def __init__(self, fields: dict[str, str], message: str | None = None, **extra: Any):
        super().__init__(message or "Some fields are not valid.", **extra)
        self.fields = fields


class NotFound(DomainError):
    """Absent, or not visible to the caller (the two are never told apart)."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "Not found.", **extra: Any):
        super().__init__(message, **extra)


class Forbidden(DomainError):
    """The caller can see the object but may not do this to it."""

    status = 403
    code = "forbidden"

    def __init__(self, message: str = "You are not allowed to do this.", **extra: Any):
        super().__init__(message, **extra)


class Conflict(DomainError):
    """Illegal transition, duplicate, or a stale version."""

    status = 409
    code = "conflict"


def require_fields(values: dict[str, Any], *names: str) -> None:
    """Raise InvalidInput naming every listed field that is missing or blank."""
    from flask_babel import lazy_gettext as _l

    missing = {
        n: str(_l("This field is required."))
        for n in names
        if values.get(n) is None or (isinstance(values.get(n), str) and not values[n].strip())
    }
    if missing:
        raise InvalidInput(missing)
