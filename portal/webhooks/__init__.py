"""Webhooks: members' own systems are sent the events their people may see, signed.

See docs/webhooks.md.
"""

from flask import Blueprint, Flask

from ..api.helpers import api_blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
api_bp = api_blueprint("webhooks_api", __name__)

SETTINGS = {
    # Loopback, link-local and private addresses allowed (tests, single-machine installs).
    "WEBHOOK_ALLOW_PRIVATE": 0,
    "WEBHOOK_ATTEMPTS": 6,  # attempts of one delivery before it counts as failed
    "WEBHOOK_RETRY_BASE_SECONDS": 30.0,  # wait before the 2nd attempt; doubles each time
    "WEBHOOK_DISABLE_AFTER": 3,  # failed deliveries in a row that switch a webhook off
    "WEBHOOK_TIMEOUT_SECONDS": 10.0,  # per attempt, connecting and answering
    "WEBHOOK_MAX_PER_ORGANISATION": 10,
}


def register(app: Flask) -> None:
    """Pages, API, CLI, the event listener and the navigation entry."""
    from portal.config import load_settings
    from portal.notifications.events import event_sink

    from . import access, api, cli, services, views  # noqa: F401  (rules, routes, jobs)

    load_settings(app.config, SETTINGS)
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    cli.register(app)
    event_sink(services.on_event)
