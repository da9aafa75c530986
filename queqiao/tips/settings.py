"""Settings of the tip exchange, each overridable by an environment variable of its name."""

import os

from flask import Flask

DEFAULTS = {
    # The trusted-contributor mark, modelled on the good-faith programme.
    "TIPS_TRUSTED_MIN_ACCEPTED": 20,
    "TIPS_TRUSTED_MIN_ACCEPTANCE": 0.9,
    "TIPS_TRUSTED_MIN_PRECISION": 0.9,
    "TIPS_TRUSTED_WINDOW_DAYS": 90,
}


def init_app(app: Flask) -> None:
    """Put the defaults in the app's config unless the config or environment set them."""
    for key, default in DEFAULTS.items():
        if key not in app.config:
            raw = os.environ.get(key)
            app.config[key] = type(default)(raw) if raw not in (None, "") else default
