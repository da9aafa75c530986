"""Error answers: JSON under /api, friendly pages elsewhere; never a bare 500 for bad input."""

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .api.errors import error_response
from .authz import wants_json
from .errors import DomainError, InvalidInput, NotFound
from .extensions import db

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
          429: "rate_limited", 500: "server_error"}


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You are not allowed to do this."),
        404: _("There is nothing here, or you cannot see it."),
        405: _("This action is not available here."),
        413: _("That is too large."),
        429: _("Too many attempts. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Nothing you sent was half-saved."),
    }


def _page(status: int, message: str):
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/generic.html"
    return render_template(template, status=status, message=message), status


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(DomainError)
    def domain_error(e: DomainError):
        db.session.rollback()
        # Absent and hidden read the same, whoever raised it.
        message = _messages()[404] if isinstance(e, NotFound) else e.message
        if wants_json():
            fields = e.fields if isinstance(e, InvalidInput) else None
            return error_response(e.status, e.code, message, fields, **e.extra)
        return _page(e.status, message)

    @app.errorhandler(CSRFError)
    def csrf_error(e: CSRFError):
        message = _("The form expired or was sent from elsewhere. Please reload and try again.")
        if wants_json():
            return error_response(400, "csrf", message)
        return _page(400, message)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        status = e.code or 500
        message = _messages().get(status) or e.description
        if wants_json():
            return error_response(status, _CODES.get(status, "error"), message)
        return _page(status, message)

    @app.errorhandler(Exception)
    def server_error(e: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if app.config.get("PROPAGATE_EXCEPTIONS") and app.config.get("TESTING"):
            raise e
        if wants_json():
            return error_response(500, "server_error", _messages()[500])
        return _page(500, _messages()[500])
