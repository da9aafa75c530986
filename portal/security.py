"""Response headers: a strict Content-Security-Policy with no inline script."""

from flask import Flask, Response, has_request_context, request

_POLICY = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src {connect}",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
CSP = "; ".join(_POLICY).replace("{connect}", "'self'")


def csp() -> str:
    """The policy for this request: scripts may open sockets to this same host only (its
    ws:// and wss:// forms; 'self' alone does not cover them in every browser)."""
    host = request.host if has_request_context() else ""
    if not host or any(c in host for c in " ;,'\"\r\n"):
        return CSP
    return "; ".join(_POLICY).replace("{connect}", f"'self' ws://{host} wss://{host}")


def register(app: Flask) -> None:
    """Add security headers to every response."""

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", csp())
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
