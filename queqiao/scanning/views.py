"""Scanning pages: feed uploads with live progress, the dry run, hits and their outcomes."""

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlencode

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import parsing
from portal.authz import access
from portal.errors import Conflict, InvalidInput, NotFound
from portal.extensions import csrf, db
from portal.paging import page_of
from queqiao.listings.readers import (
    BadListing,
    ScannedListing,
    read_listing,
    read_upload_rows,
    row_error,
)
from queqiao.rules.forms import DryRunForm, lines
from queqiao.rules.models import Rule

from . import bp, feed, services
from .forms import FeedForm, HitFilterForm, OutcomeForm
from .models import FeedUpload


@bp.get("/hits")
@access("staff")
def hits():
    """Hits, filtered by rule, tip, seller, date, mode and outcome, a page at a time; new
    ones arrive live."""
    form = HitFilterForm(request.args)
    where = services.HitFilter()
    if form.validate():
        where = services.HitFilter(
            rule_id=_int(form.rule_id.data), tip_id=_int(form.tip_id.data),
            seller_id="".join(c for c in (form.seller_id.data or "") if c >= " ").strip() or None,
            mode=form.mode.data or None,
            outcome=form.outcome.data or None, since=_day(form.since.data),
            until=_day(form.until.data, 1))
    items = page_of(services.hits_query(where))
    return render_template("queqiao_rules/hits.html", hits=items.rows, form=form, page=items)


def _int(value: str | None) -> int | None:
    return parsing.identifier(value) if value else None


def _day(value, days: int = 0):
    if value is None or not parsing.plausible_year(value.year):
        return None  # a day past the portal's years filters nothing (and cannot overflow)
    return datetime.combine(value, time(), UTC) + timedelta(days=days)


@bp.get("/hits/<int:hit_id>")
@access("staff")
def hit(hit_id: int):
    """A hit with its listing snapshot, outcome actions and a test purchase proposal."""
    item = services.get_hit(hit_id)
    snapshot = item.snapshot or {}
    proposal = "/test-purchases/new?" + urlencode({
        "source_kind": "rule_hit", "source_ref": item.id,
        "platform": current_app.config["QUEQIAO_PLATFORM"],
        "seller_id": snapshot.get("seller_id") or "", "listing_url": snapshot.get("url") or ""})
    return render_template("queqiao_rules/hit.html", hit=item, snapshot=snapshot,
                           proposal_url=proposal, form=OutcomeForm(),
                           explanation=services.hit_explanation(item))


@bp.post("/hits/<int:hit_id>/outcome")
@access("staff")
def outcome(hit_id: int):
    """Mark a hit taken down or a false positive."""
    item = services.get_hit(hit_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            services.set_outcome(current_user, item, form.outcome.data)
        except (Conflict, InvalidInput) as refusal:
            flash(refusal.message, "danger")
        else:
            flash(_("Hit %(id)d is recorded as taken down; its listing joins the counterfeit "
                    "corpus.", id=item.id)
                  if item.outcome == "taken_down"
                  else _("Hit %(id)d is recorded as a false positive; its listing joins the "
                    "genuine corpus.", id=item.id), "success")
    return redirect(url_for(".hit", hit_id=item.id))


# --- feeds ----------------------------------------------------------------------------


@bp.get("/feeds")
@access("staff")
def feeds():
    """Feed files scanned so far, and the upload form."""
    items = db.session.scalars(select(FeedUpload).order_by(FeedUpload.id.desc()).limit(100)).all()
    return render_template("queqiao_rules/feeds.html", feeds=items, form=FeedForm())


@bp.post("/feeds")
@csrf.exempt  # the form below checks the token, after the size limit is raised for feeds
@access("staff")
def upload_feed():
    """Keep a feed file and scan it in the background; its page shows the progress."""
    request.max_content_length = current_app.config["QUEQIAO_FEED_MAX_BYTES"]
    form = FeedForm()
    if form.validate_on_submit():
        try:
            item = feed.accept_upload(current_user, form.feed.data)
        except InvalidInput as error:
            form.feed.errors = list(error.fields.values())
        else:
            feed.start(item)
            return redirect(url_for(".feed_page", feed_id=item.id))
    items = db.session.scalars(select(FeedUpload).order_by(FeedUpload.id.desc()).limit(100)).all()
    return render_template("queqiao_rules/feeds.html", feeds=items, form=form), 422


@bp.get("/feeds/<int:feed_id>")
@access("staff")
def feed_page(feed_id: int):
    """One feed's progress (live) and, when done, its summary and bad rows."""
    item = db.session.get(FeedUpload, feed_id)
    if item is None:
        raise NotFound()
    return render_template("queqiao_rules/feed.html", feed=item)


# --- dry run --------------------------------------------------------------------------


@bp.route("/dry-run", methods=["GET", "POST"])
@access("staff")
def dry_run():
    """Try every shadow and active rule on pasted or uploaded listings; nothing is stored."""
    form = DryRunForm()
    rules = db.session.scalars(select(Rule).where(Rule.status != "retired")
                               .order_by(Rule.id.desc()).limit(500)).all()
    form.explain_rule.choices = [("", _("Only the rules each listing would hit")),
                                 *((str(r.id), f"{r.id} · {r.name}") for r in rules)]
    rows, bad = None, []
    if form.validate_on_submit():
        listings, bad = _dry_run_listings(form)
        if len(listings) > services.DRY_RUN_LIMIT:
            form.listings.errors = [_("At most %(n)d listings in a dry run.",
                                      n=services.DRY_RUN_LIMIT)]
        elif not listings and not bad:
            form.listings.errors = [_("Paste some listing titles or choose a file.")]
        else:
            chosen = parsing.identifier(form.explain_rule.data)
            rows = services.dry_run(listings, next((r for r in rules if r.id == chosen), None))
    status = 422 if form.is_submitted() and rows is None else 200
    return render_template("queqiao_rules/dry_run.html", form=form, rows=rows,
                           bad=bad), status


def _dry_run_listings(form: DryRunForm) -> tuple[list[ScannedListing], list[dict]]:
    """Listings from the pasted lines (title | yuan | region) and the uploaded file."""
    listings, bad = [], []
    for number, line in enumerate(lines(form.listings.data), start=1):
        parts = [p.strip() for p in line.split("|")]
        item = {"id": f"line-{number}", "title": parts[0]}
        if len(parts) > 1 and parts[1]:
            try:
                item["price"] = parsing.yuan(parts[1], "price")
            except InvalidInput:
                bad.append({"line": number, "error": _("The price is not a number.")})
                continue
        if len(parts) > 2:
            item["region"] = parts[2]
        listings.append(read_listing(item) if item["title"] else None)
    listings = [x for x in listings if x is not None]
    if form.file.data and form.file.data.filename:
        try:
            for number, item in read_upload_rows(form.file.data):
                try:
                    if row_error(item):
                        raise BadListing({"line": str(item)})
                    listings.append(read_listing({"id": f"file-{number}", **item}))
                except BadListing as error:
                    bad.append({"line": number, "error": str(error)})
                if len(listings) > services.DRY_RUN_LIMIT:
                    break
        except InvalidInput as error:
            form.file.errors = list(error.fields.values())
    return listings, bad


@bp.get("/feeds/<int:feed_id>/progress")
@access("staff")
def feed_progress(feed_id: int):
    """A feed's counters as JSON: the page polls this when live events are missed."""
    item = db.session.get(FeedUpload, feed_id)
    if item is None:
        raise NotFound()
    done = item.status in ("done", "failed")
    return {"feed_id": item.id, "status": item.status, "rows": item.rows, "scanned": item.scanned,
            "hits": item.hits, "bad_rows": item.bad_count, "done": done,
            "percent": 100 if done else None}
