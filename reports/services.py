"""The annual report's editions: the secretariat writes a foreword and notes, then
publishes; publishing freezes the figures (as JSON) and the PDFs (their bytes)."""

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from portal import parsing
from portal.audit.services import record
from portal.authz import require
from portal.errors import Conflict, InvalidInput
from portal.extensions import db
from portal.models import utcnow
from portal.transaction import atomic

from . import annual, pdf
from .models import AnnualEdition

TEXT_LIMIT = 20_000


def edition(year: int) -> AnnualEdition | None:
    """The year's edition, draft or published, if the secretariat has started one."""
    return db.session.scalar(select(AnnualEdition).where(AnnualEdition.year == year))


def check_year(year: Any, field: str = "year") -> int:
    """A year a report can cover: from 2000 to the current one (422 otherwise)."""
    return parsing.whole_number(year, field, low=annual.first_year(), high=annual.latest_year(),
                                default=annual.latest_year())


def _version(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return parsing.whole_number(value, "version", low=1, high=2**31 - 1)


@atomic
def save_draft(actor: Any, year: int, values: dict, version: Any = None) -> AnnualEdition:
    """Write the foreword and notes of a year's edition (creating it); refused once published
    or when someone else saved in between."""
    require("report.edit", user=actor)
    errors: dict[str, str] = {}
    texts = {name: parsing.collect(errors, parsing.text, values.get(name), name,
                                   max_length=TEXT_LIMIT) or ""
             for name in ("foreword_en", "foreword_zh", "notes_en", "notes_zh")}
    expected = parsing.collect(errors, _version, version)
    if errors:
        raise InvalidInput(errors)
    item = edition(year)
    if item is None:
        item = AnnualEdition(year=year)
        db.session.add(item)
    elif item.is_published:
        raise Conflict(_("This edition is published; its text can no longer change."),
                       code="published")
    elif expected is not None and expected != item.version:
        raise Conflict(_("Someone else saved this edition meanwhile. Reload it and try again."),
                       code="stale_version")
    else:
        item.version += 1
    for name, value in texts.items():
        setattr(item, name, value)
    item.updated_at, item.updated_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "report.edition.save", item, f"Annual report {year}: draft saved")
    db.session.commit()
    return item


@atomic
def publish(actor: Any, year: int) -> AnnualEdition:
    """Freeze the year's edition: its figures as they are now and its PDF in each language."""
    require("report.edit", user=actor)
    item = edition(year)
    if item is None:
        item = AnnualEdition(year=year)
        db.session.add(item)
    elif item.is_published:
        raise Conflict(_("This edition is published already."), code="published")
    content = annual.content(year)
    item.figures = content
    item.status, item.published_at, item.published_by_id = "published", utcnow(), actor.id
    for locale in pdf.LANGUAGES:
        data = pdf.render("reports/annual_pdf.html", locale, year=year, content=content, edition=item)
        setattr(item, f"pdf_{locale}", data)
    item.version += 1
    record(actor, "report.edition.publish", item, f"Annual report {year} published")
    db.session.commit()
    return item
