"""Queqiao, the detection-tip exchange: tips, vetting, rules, scanning, feedback."""

from flask import Flask

# Defaults, each overridable by the app's config or an environment variable of its name.
SETTINGS = {
    # The trusted-contributor mark, modelled on the good-faith programme.
    "TIPS_TRUSTED_MIN_ACCEPTED": 20,
    "TIPS_TRUSTED_MIN_ACCEPTANCE": 0.9,
    "TIPS_TRUSTED_MIN_PRECISION": 0.9,
    "TIPS_TRUSTED_WINDOW_DAYS": 90,
    # The bounds of one bulk import of tips (rows, and bytes of the CSV or JSON sent).
    "TIPS_IMPORT_MAX_ROWS": 500,
    "TIPS_IMPORT_MAX_BYTES": 1024 * 1024,
    # The platform named when a hit is proposed for a test purchase, and the size limit
    # of feed uploads (the only uploads allowed past MAX_UPLOAD_BYTES).
    "QUEQIAO_PLATFORM": "marketplace",
    "QUEQIAO_FEED_MAX_BYTES": 4 * 1024**3,
    # The share of its brand's known counterfeits a rule must catch to be activated
    # without an override.
    "RULE_ACTIVATION_MIN_RECALL": 0.8,
}


def register(app: Flask) -> None:
    """Attach Queqiao's three parts to the app: tips, rules, scanning."""
    from portal.config import load_settings

    from . import rules, scanning, tips
    from .listings.regions import region_label

    load_settings(app.config, SETTINGS)
    app.jinja_env.filters["region"] = region_label
    for part in (tips, rules, scanning):
        part.register(app)
