"""Settings of the tip exchange, each overridable by an environment variable of its name."""

from flask import Flask

from portal.config import load_settings

DEFAULTS = {
    # The trusted-contributor mark, modelled on the good-faith programme.
    "TIPS_TRUSTED_MIN_ACCEPTED": 20,
    "TIPS_TRUSTED_MIN_ACCEPTANCE": 0.9,
    "TIPS_TRUSTED_MIN_PRECISION": 0.9,
    "TIPS_TRUSTED_WINDOW_DAYS": 90,
}


def init_app(app: Flask) -> None:
    """Put the defaults in the app's config unless the config or environment set them."""
    load_settings(app.config, DEFAULTS)
