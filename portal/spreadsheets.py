"""What every CSV export shares: text a spreadsheet would run as a formula is written as
text, behind a leading apostrophe (which the tip import takes off again)."""

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell that cannot be read as a formula; anything but text is left as it is."""
    if isinstance(value, str) and value[:1] in FORMULA_START:
        return "'" + value
    return value

