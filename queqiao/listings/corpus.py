"""Keeping the proving corpus: adding, removing, counting and uploading known listings."""

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.audit.services import record
from portal.errors import InvalidInput
from portal.extensions import db

from .models import CORPUS_KINDS, CorpusListing
from .readers import BadListing, read_listing, read_upload_rows, row_error


def add_corpus_listing(actor, kind: Any, title: Any, price: int | None = None,
                       region: str | None = None, *, source: str = "manual",
                       hit_id: int | None = None, brand: str | None = None,
                       commit: bool = True) -> CorpusListing:
    """Add a known-genuine or known-counterfeit listing to the corpus."""
    errors = {}
    if kind not in CORPUS_KINDS:
        errors["kind"] = _("Choose genuine or counterfeit.")
    if not isinstance(title, str) or not title.strip():
        errors["title"] = _("This field is required.")
    elif len(title) > 500:
        errors["title"] = _("At most %(n)d characters.", n=500)
    if price is not None and (isinstance(price, bool) or not isinstance(price, int) or price < 0):
        errors["price"] = _("The amount cannot be negative.")
    if brand is not None and (not isinstance(brand, str) or len(brand) > 120):
        errors["brand"] = _("At most %(n)d characters.", n=120)
    if errors:
        raise InvalidInput(errors)
    item = CorpusListing(kind=kind, title=title.strip(), price=price,
                         brand=(brand or "").strip() or None,
                         region=(region or "").strip()[:80] or None, source=source,
                         hit_id=hit_id, created_by_id=getattr(actor, "id", None))
    db.session.add(item)
    if commit:
        db.session.flush()
        record(actor, "corpus.add", item, f"{kind} listing added to the corpus")
        db.session.commit()
    return item


def remove_corpus_listing(actor, item: CorpusListing) -> None:
    """Take a listing out of the corpus (audited)."""
    record(actor, "corpus.remove", item, f"{item.kind} listing {item.id} removed")
    db.session.delete(item)
    db.session.commit()


def corpus_query(kind: str | None = None):
    """The corpus, newest first; only one kind when `kind` is genuine or counterfeit."""
    query = select(CorpusListing).order_by(CorpusListing.id.desc())
    if kind in CORPUS_KINDS:
        query = query.where(CorpusListing.kind == kind)
    return query


def corpus_counts() -> dict[str, int]:
    """How many genuine and counterfeit listings the corpus holds."""
    rows = db.session.execute(select(CorpusListing.kind, func.count())
                              .group_by(CorpusListing.kind)).all()
    return {kind: 0 for kind in CORPUS_KINDS} | dict(rows)


def import_corpus(actor, kind: str, upload, brand: str | None = None) -> tuple[int, list[dict]]:
    """Add the rows of a CSV or JSON Lines file to the corpus; return (added, bad rows)."""

    if kind not in CORPUS_KINDS:
        raise InvalidInput({"kind": _("Choose genuine or counterfeit.")})
    added, bad = 0, []
    for line, item in read_upload_rows(upload):
        if isinstance(item, dict) and not item.get("id"):
            item = {**item, "id": f"line-{line}"}
        try:
            if row_error(item):
                raise BadListing({"line": str(item)})
            listing = read_listing(item)
        except BadListing as error:
            bad.append({"line": line, "error": str(error)})
            continue
        add_corpus_listing(actor, kind, listing.title, listing.price, listing.region,
                           source="upload", brand=brand, commit=False)
        added += 1
    record(actor, "corpus.upload", None, f"{added} {kind} listings uploaded to the corpus",
           bad_rows=len(bad))
    db.session.commit()
    return added, bad
