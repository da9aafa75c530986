"""The only place rules learn about tips (the tips part owns them)."""

from typing import Any


def tip_exists(tip_id: int) -> bool:
    """Whether a tip with this id exists and may feed a rule."""
    return True


def tip_prefill(tip_id: int) -> dict[str, Any] | None:
    """Rule form values taken from an accepted tip's indicators, or None."""
    return None


def accepted_tips_without_rules(limit: int = 20) -> list:
    """Accepted tips no rule has been made from yet."""
    return []
