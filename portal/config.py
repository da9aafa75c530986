"""Configuration: one Config read from the environment, and a TestConfig."""

import os
import secrets
from pathlib import Path
from typing import Any


def _database_url(instance_path: str) -> str:
    """DATABASE_URL, with the historical postgres:// scheme fixed; SQLite by default."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "portal.sqlite3")
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def load_settings(config: dict, defaults: dict[str, Any]) -> None:
    """A feature's settings: what the app's config already says wins, then the environment
    variable of the same name, then the default. The default's type reads the environment's
    text; a default of None stands for an optional whole number."""
    for key, default in defaults.items():
        if key in config:
            continue
        raw = os.environ.get(key, "").strip()
        if not raw:
            config[key] = default
            continue
        kind = int if default is None else type(default)
        try:
            config[key] = kind(raw)
        except ValueError:
            raise RuntimeError(f"{key}={raw!r} is not a valid {kind.__name__}") from None


def development_secret_key(instance_path: str) -> str:
    """A key generated once and kept in the instance folder, so sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


class Config:
    """Settings read from the environment when the app is created (never at import time)."""

    def __init__(self, instance_path: str):
        env = os.environ
        self.ENV_NAME = env.get("PORTAL_ENV", "development")
        self.SECRET_KEY = env.get("SECRET_KEY") or None
        self.SQLALCHEMY_DATABASE_URI = _database_url(instance_path)
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.REDIS_URL = env.get("REDIS_URL") or None
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        # Everything the portal keeps in Redis (Socket.IO channel, presence, throttles) is
        # named under this, so several portals (or test runs) can share one server.
        self.REDIS_NAMESPACE = env.get("REDIS_NAMESPACE") or "alliance-portal"
        self.SOCKETIO_CHANNEL = self.REDIS_NAMESPACE
        self.RATELIMIT_KEY_PREFIX = self.REDIS_NAMESPACE
        self.RATELIMIT_HEADERS_ENABLED = True
        self.LOGIN_RATE_LIMIT = env.get("LOGIN_RATE_LIMIT", "10 per minute")
        self.PASSWORD_HASHER = env.get("PASSWORD_HASHER", "argon2id")
        self.API_RATE_LIMIT = env.get("API_RATE_LIMIT", "600 per minute")
        self.CHAT_RATE_LIMIT = env.get("CHAT_RATE_LIMIT", "20 per 10 seconds")
        self.MAIL_SERVER = env.get("SMTP_HOST") or None
        self.MAIL_PORT = int(env.get("SMTP_PORT", "587"))
        self.MAIL_USERNAME = env.get("SMTP_USER") or None
        self.MAIL_PASSWORD = env.get("SMTP_PASSWORD") or None
        self.MAIL_USE_TLS = env.get("SMTP_TLS", "1") == "1"
        self.MAIL_SENDER = env.get("MAIL_SENDER", "portal@alliance.example")
        self.PUBLIC_BASE_URL = env.get("PUBLIC_BASE_URL") or None
        self.UPLOAD_FOLDER = env.get("UPLOAD_FOLDER") or os.path.join(instance_path, "uploads")
        self.MAX_UPLOAD_BYTES = int(env.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
        self.MAX_CONTENT_LENGTH = int(env.get("MAX_CONTENT_LENGTH", str(64 * 1024 * 1024)))
        self.API_TOKEN_DAYS = int(env.get("API_TOKEN_DAYS", "90"))
        self.PASSWORD_RESET_SECONDS = int(env.get("PASSWORD_RESET_SECONDS", "3600"))
        self.INVITATION_SECONDS = int(env.get("INVITATION_SECONDS", str(7 * 24 * 3600)))
        self.WTF_CSRF_TIME_LIMIT = None
        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = "UTC"
        self.LANGUAGES = ("en", "zh")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.ENV_NAME == "production"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        # Sign-in sessions (docs/sign-in.md): the session cookie lives until the browser
        # closes; the server ends it after this much idleness, and every session after
        # SESSION_MAX_DAYS; "keep me signed in" survives a closed browser for REMEMBER_DAYS.
        self.PORTAL_REMEMBER_COOKIE = "portal_remember"
        self.SESSION_IDLE_MINUTES = int(env.get("SESSION_IDLE_MINUTES", "720"))
        self.SESSION_MAX_DAYS = int(env.get("SESSION_MAX_DAYS", "30"))
        self.REMEMBER_DAYS = int(env.get("REMEMBER_DAYS", "14"))
        # Failed sign-ins per account, whichever address they come from.
        self.LOGIN_ACCOUNT_LIMIT = env.get("LOGIN_ACCOUNT_LIMIT", "10 per hour")
        # Wrong second-factor codes per account.
        self.TWO_FACTOR_RATE_LIMIT = env.get("TWO_FACTOR_RATE_LIMIT", "5 per 5 minutes")
        # Passkeys: the relying party is the request's host unless these say otherwise.
        self.WEBAUTHN_RP_ID = env.get("WEBAUTHN_RP_ID") or None
        self.WEBAUTHN_ORIGIN = env.get("WEBAUTHN_ORIGIN") or None
        # Roles that must enrol a second factor.
        self.REQUIRE_TWO_FACTOR = env.get(
            "REQUIRE_TWO_FACTOR", "staff,admin" if self.ENV_NAME == "production" else "")
        self.SOCKETIO_MESSAGE_QUEUE = self.REDIS_URL

    def as_dict(self) -> dict:
        """The settings as a plain dict for app.config.from_mapping."""
        return {k: v for k, v in vars(self).items() if k.isupper()}


class TestConfig(Config):
    """Settings for the test suite: isolated database, no CSRF on the test client."""

    __test__ = False  # a configuration, not a test class for pytest to collect

    def __init__(self, instance_path: str, database_url: str):
        super().__init__(instance_path)
        self.ENV_NAME = "testing"
        self.TESTING = True
        self.SECRET_KEY = "test-secret-key"
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.WTF_CSRF_ENABLED = False
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.REDIS_URL = None
        self.SOCKETIO_MESSAGE_QUEUE = None
        self.MAIL_SERVER = None
        self.PASSWORD_HASHER = "fast"
        self.REQUIRE_TWO_FACTOR = ""
        # The app's own instance folder is the checkout's; files a test writes stay in its own.
        self.CUSTODY_CHECKPOINT_DIR = str(Path(instance_path) / "checkpoints")
        # Tests see the dashboard add up what they just wrote (its brief reuse is tested alone).
        self.REPORTS_DASHBOARD_SECONDS = 0
