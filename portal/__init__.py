"""The alliance portal: the composition root that wires every package together."""

import os
import sys

from flask import Flask

from .config import Config, development_secret_key

# Every package's translations live beside its code and are merged at run time.
TRANSLATION_DIRS = (
    "portal/translations",
    "workinggroups/translations",
    "advisory/translations",
    "queqiao/translations",
    "queqiao/rules/translations",
    "testbuys/translations",
    "reports/translations",
)


# The folder that holds the packages (the checkout, or site-packages once installed).
CODE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def resource_root() -> str:
    """Where templates/, static/ and migrations/ are: beside the packages in a checkout, or
    in portal/_bundle when installed from the wheel (its build step puts them there)."""
    if os.path.isdir(os.path.join(CODE_ROOT, "templates")):
        return CODE_ROOT
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "_bundle")


def _default_instance() -> str:
    if resource_root() == CODE_ROOT:
        return os.path.join(CODE_ROOT, "instance")
    return os.path.join(sys.prefix, "var", "alliance-portal-instance")


def create_app(config: dict | Config | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages, CLI."""
    root = resource_root()
    app = Flask(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE") or _default_instance(),
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    settings = config if isinstance(config, Config) else Config(app.instance_path)
    app.config.from_mapping(settings.as_dict())
    if isinstance(config, dict):
        app.config.from_mapping(config)
    _ensure_secret_key(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        os.path.join(CODE_ROOT, d) for d in TRANSLATION_DIRS)

    from .parsing import RowId

    # Every <int:...> in a URL is a row id: past a 64-bit integer it names no row (404).
    app.url_map.converters["int"] = RowId
    _init_extensions(app)
    _register_blueprints(app)
    from . import errorpages, security, ui

    errorpages.register(app)
    security.register(app)
    ui.register(app)
    from .cli import register as register_cli

    register_cli(app)
    from .realtime import bind_events

    bind_events()
    app.view_functions["static"].access_rule = "public"
    return app


def _ensure_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("ENV_NAME") == "production":
        raise RuntimeError("SECRET_KEY must be set in production")
    app.config["SECRET_KEY"] = development_secret_key(app.instance_path)


def realtime_mode() -> str:
    """Socket.IO's mode follows the server: "gevent" under a gevent server (the standard library
    monkey-patched, as `gunicorn -k gevent` does), "threading" otherwise (`make run`, the
    gthread worker). docs/realtime.md gives the figures of both."""
    try:
        from gevent import monkey
    except ImportError:
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"


def _init_extensions(app: Flask) -> None:
    from . import aftercommit, database  # noqa: F401  (session and engine hooks)
    from .extensions import babel, csrf, db, limiter, login_manager, migrate, socketio
    from .i18n import install_template_gettext, select_locale

    db.init_app(app)
    from . import access_epoch

    access_epoch.install(app)
    migrate.init_app(app, db, directory=os.path.join(resource_root(), "migrations"),
                     render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    limiter.init_app(app)
    from .auth.loaders import init_login

    init_login(app, login_manager)
    socketio.init_app(app, async_mode=realtime_mode(),
                      message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
                      channel=app.config["SOCKETIO_CHANNEL"])
    from . import realtime  # noqa: F401  (socket handlers)


def _register_blueprints(app: Flask) -> None:
    from .accounts import admin_bp as accounts_admin_bp
    from .accounts import profile_bp
    from .api import bp as api_bp
    from .audit import bp as audit_bp
    from .audit.api import bp as audit_api_bp
    from .auth import bp as auth_bp
    from .dashboard import bp as dashboard_bp
    from .jobs import register as register_jobs
    from .notifications import bp as notifications_bp

    register_jobs(app)  # first: every package's jobs run on the queue it configures

    for bp in (auth_bp, dashboard_bp, profile_bp, accounts_admin_bp, audit_bp, notifications_bp,
               api_bp, audit_api_bp):
        app.register_blueprint(bp)
    from .webhooks import register as register_webhooks

    register_webhooks(app)
    for register in _feature_registrars():
        register(app)


def _feature_registrars():
    """The feature packages; each exposes register(app)."""
    import advisory
    import queqiao
    import reports
    import testbuys
    import workinggroups

    return (workinggroups.register, advisory.register, queqiao.register,
            testbuys.register, reports.register)
