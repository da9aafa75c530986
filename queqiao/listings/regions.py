"""Regions as people read and choose them: names in the reader's language, form choices."""

from flask_babel import gettext as _

from portal.errors import InvalidInput
from portal.i18n import current_locale

from .gazetteer import gazetteer, region_name, resolve_region


def region_label(code: str | None) -> str:
    """A region code's name in the reader's language (unknown text is shown as written)."""
    return "—" if not code else region_name(code, current_locale())


def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped (label, [(code, name)]) choices for a select of regions."""
    labels = {"provinces": _("Provinces and regions of China"),
              "cities": _("Cities of China"), "countries": _("Countries and territories")}
    return [(labels[key], items) for key, items in gazetteer().choices(current_locale())]


def region_codes(values: list[str], field: str) -> list[str]:
    """Region names or codes resolved to codes; names the gazetteer does not know are refused."""
    codes, unknown = [], []
    for value in values:
        code = resolve_region(value)
        if code is None:
            unknown.append(value)
        elif code not in codes:
            codes.append(code)
    if unknown:
        raise InvalidInput({field: _("Unknown region: %(names)s. Choose regions from the list "
                                     "(names in Chinese, pinyin or English, or codes such as "
                                     "CN-GD).", names=", ".join(unknown))})
    return codes
