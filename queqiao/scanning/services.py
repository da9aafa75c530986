"""Scanning listings against the live rules, storing hits, and recording their outcomes."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.access import platform_staff
from portal.accounts.models import User
from portal.aftercommit import after_commit
from portal.audit.services import record
from portal.errors import Conflict, InvalidInput, NotFound
from portal.extensions import db, socketio
from portal.models import utcnow
from portal.notifications.events import publish
from portal.notifications.services import notify
from portal.realtime import STAFF_ROOM
from portal.urls import page_url
from queqiao.listings.corpus import add_corpus_listing
from queqiao.listings.models import CorpusListing
from queqiao.listings.readers import BadListing, ScannedListing, read_listing
from queqiao.rules.models import Rule

from .matcher import live_rules
from .models import MODES, OUTCOMES, Hit

MAX_LISTINGS = 10_000
_CHUNK = 400  # listing ids per IN (...) lookup: well under every database's parameter limit


class BatchTooLarge(Conflict):
    """More listings in one call than a scan takes."""

    status = 413
    code = "batch_too_large"


@dataclass
class ScanResult:
    """What one scan did: listings read, every match, and how many hits were new."""

    scanned: int = 0
    matches: list[tuple[str, int, str]] = field(default_factory=list)
    new_hits: int = 0
    new_active: int = 0


def read_listings(value: Any) -> list[ScannedListing]:
    """The API's `listings` array, checked; 413 above the limit, 422 naming bad entries."""
    if not isinstance(value, list):
        raise InvalidInput({"listings": _("Give a list of listings.")})
    if len(value) > MAX_LISTINGS:
        raise BatchTooLarge(_("At most %(n)d listings a call; split the batch.", n=MAX_LISTINGS),
                            limit=MAX_LISTINGS)
    listings, errors = [], {}
    for position, item in enumerate(value):
        try:
            listings.append(read_listing(item))
        except BadListing as bad:
            for name, message in bad.fields.items():
                if len(errors) < 50:
                    errors[f"listings[{position}].{name}"] = message
    if errors:
        raise InvalidInput(errors)
    return listings


def scan(actor, listings: Sequence[ScannedListing], *, feed_id: int | None = None,
         commit: bool = True) -> ScanResult:
    """Match listings against the live rules and store each new hit once per rule version."""
    live = live_rules()
    by_id = {listing.id: listing for listing in listings}
    result = ScanResult(scanned=len(listings))
    found = live.matcher.match_many(listing.for_engine() for listing in by_id.values())
    result.matches = [(listing_id, rule_id, live.modes[rule_id]) for listing_id, rule_id in found]
    if not found:
        return result
    existing = _existing_hits({listing_id for listing_id, _ in found})
    now = utcnow()
    rows = []
    for listing_id, rule_id, mode in result.matches:
        key = (listing_id, rule_id, live.versions[rule_id])
        if key in existing:
            continue
        existing.add(key)
        listing = by_id[listing_id]
        rows.append({"rule_id": rule_id, "rule_version": key[2], "mode": mode,
                     "listing_id": listing_id, "seller_id": listing.seller_id,
                     "title": listing.title, "snapshot": listing.snapshot(),
                     "feed_id": feed_id, "created_at": now})
    if rows:
        db.session.execute(_insert_ignoring_duplicates(), rows)
    result.new_hits = len(rows)
    result.new_active = sum(1 for row in rows if row["mode"] == "active")
    if commit:
        if rows:
            record(actor, "scan.run", None, f"Scanned {result.scanned} listings",
                   new_hits=result.new_hits, feed_id=feed_id)
            announce(result)
        db.session.commit()
    return result


def _existing_hits(listing_ids: set[str]) -> set[tuple[str, int, int]]:
    """(listing, rule, version) already stored for these listings."""
    ids = sorted(listing_ids)
    seen: set[tuple[str, int, int]] = set()
    for start in range(0, len(ids), _CHUNK):
        rows = db.session.execute(
            select(Hit.listing_id, Hit.rule_id, Hit.rule_version)
            .where(Hit.listing_id.in_(ids[start:start + _CHUNK])))
        seen.update((a, b, c) for a, b, c in rows)
    return seen


def _insert_ignoring_duplicates():
    """An INSERT into hits that skips rows a concurrent scan stored first."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(Hit).on_conflict_do_nothing(
        index_elements=["listing_id", "rule_id", "rule_version"])


def announce(result: ScanResult) -> None:
    """Tell staff about new hits, after commit: a live notice for hits of active rules
    (the bell and a toast on every page, the dashboard included) and a refresh hint
    for open hit lists."""
    if not result.new_hits:
        return
    if result.new_active:
        notify(_staff(), "rule.hits", _l("%(n)d new hits from active rules", n=result.new_active),
               page_url("queqiao_scanning.hits", mode="active"), view_rule="staff",
               event="hit.created", count=result.new_active)
    payload = {"new_hits": result.new_hits, "new_active": result.new_active,
               "at": utcnow().isoformat()}
    after_commit(db.session(), lambda: socketio.emit("hits.new", payload, to=STAFF_ROOM))


def _staff() -> list[User]:
    """Platform staff, who work the hits."""
    return platform_staff()


# --- hits ---------------------------------------------------------------------------


def get_hit(hit_id: int) -> Hit:
    """A hit by id, or 404."""
    hit = db.session.get(Hit, hit_id)
    if hit is None:
        raise NotFound()
    return hit


def set_outcome(actor, hit: Hit, outcome: Any) -> Hit:
    """Record what became of a hit; it also feeds the proving corpus."""
    if outcome not in OUTCOMES:
        raise InvalidInput({"outcome": _("Choose one of: %(choices)s.",
                                         choices=", ".join(OUTCOMES))})
    if hit.outcome is not None:
        raise Conflict(_("This hit already has an outcome (%(outcome)s).",
                         outcome=hit.outcome.replace("_", " ")), code="outcome_recorded")
    hit.outcome = outcome
    hit.outcome_at = utcnow()
    hit.outcome_by_id = actor.id
    add_hit_to_corpus(actor, hit, "genuine" if outcome == "false_positive" else "counterfeit",
                      source="outcome")
    record(actor, f"hit.{outcome}", hit, f"Hit {hit.id} marked {outcome}")
    publish("hit.outcome", _staff(), obj=hit, view_rule="staff",
            url=page_url("queqiao_scanning.hits"), hit_id=hit.id, rule_id=hit.rule_id,
            outcome=outcome)
    db.session.commit()
    return hit


def add_hit_to_corpus(actor, hit: Hit, kind: str, *, source: str) -> CorpusListing | None:
    """Put the hit's listing snapshot into the corpus as `kind`, once (not committed).

    None when the corpus already holds this hit's listing as `kind`.
    """
    already = db.session.scalar(select(CorpusListing.id).where(
        CorpusListing.hit_id == hit.id, CorpusListing.kind == kind).limit(1))
    if already is not None:
        return None
    snapshot = hit.snapshot or {}
    price = (snapshot.get("price") or {}).get("amount")
    return add_corpus_listing(actor, kind, hit.title, price, snapshot.get("region"),
                              source=source, hit_id=hit.id, brand=hit.rule.brand, commit=False)


@dataclass
class HitFilter:
    """The ways a hit list can be narrowed."""

    rule_id: int | None = None
    tip_id: int | None = None
    seller_id: str | None = None
    mode: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def hits_query(where: HitFilter):
    """Hits, newest first, narrowed by `where`."""
    query = select(Hit).options(joinedload(Hit.rule)).order_by(Hit.id.desc())
    if where.rule_id is not None:
        query = query.where(Hit.rule_id == where.rule_id)
    if where.tip_id is not None:
        query = query.where(Hit.rule_id.in_(select(Rule.id).where(Rule.tip_id == where.tip_id)))
    if where.seller_id:
        query = query.where(Hit.seller_id == where.seller_id)
    if where.mode in MODES:
        query = query.where(Hit.mode == where.mode)
    if where.outcome in OUTCOMES:
        query = query.where(Hit.outcome == where.outcome)
    elif where.outcome == "none":
        query = query.where(Hit.outcome.is_(None))
    if where.since is not None:
        query = query.where(Hit.created_at >= where.since)
    if where.until is not None:
        query = query.where(Hit.created_at < where.until)
    return query


@dataclass
class DryRunRow:
    """One listing of a dry run and the live rules it would hit."""

    listing: ScannedListing
    rules: list[tuple[Rule, str]]
    # (rule, {matched, reasons}) for the rules it would hit and the rule asked about.
    explanations: list[tuple[Rule, dict]] = field(default_factory=list)


DRY_RUN_LIMIT = 10_000
EXPLAIN_LIMIT = 500  # listings of a dry run explained on the page
EXPLAIN_RULES = 5  # rules explained per listing, besides the one asked about


def dry_run(listings: Sequence[ScannedListing], explain_rule: Rule | None = None
            ) -> list[DryRunRow]:
    """What every shadow and active rule would hit on `listings`; nothing is stored.

    The first EXPLAIN_LIMIT listings are explained for the rules they would hit and for
    `explain_rule` (hit or not), so the page can say why a listing was missed."""
    from queqiao.rules.explain import explain_listing

    live = live_rules()
    found: dict[str, list[int]] = {}
    for listing_id, rule_id in live.matcher.match_many(x.for_engine() for x in listings):
        found.setdefault(listing_id, []).append(rule_id)
    wanted = {rule_id for ids in found.values() for rule_id in ids}
    rules = {r.id: r for r in db.session.scalars(select(Rule).where(Rule.id.in_(wanted)))}
    rows = [DryRunRow(x, [(rules[r], live.modes[r]) for r in found.get(x.id, []) if r in rules])
            for x in listings]
    for row in rows[:EXPLAIN_LIMIT]:
        asked = [rule for rule, _mode in row.rules[:EXPLAIN_RULES]]
        if explain_rule is not None and explain_rule not in asked:
            asked.insert(0, explain_rule)
        row.explanations = [(rule, explain_listing(rule, row.listing)) for rule in asked]
    return rows


def hit_explanation(hit: Hit) -> dict | None:
    """Why the rule, at the version that made the hit, matched the listing as it was then."""
    from queqiao.rules.explain import explain_listing
    from queqiao.rules.models import RuleVersion

    version = db.session.scalar(select(RuleVersion).where(
        RuleVersion.rule_id == hit.rule_id, RuleVersion.version == hit.rule_version))
    try:
        listing = read_listing(hit.snapshot or {})
    except BadListing:
        return None  # a snapshot from before snapshots kept every field
    return explain_listing(hit.rule, listing, version.conditions if version else None,
                           hit.rule_version)
