"""Reading tips: lists with filters and search, the vetting queue, similar tips.

Every query starts from the visibility filter, so nothing here can show a tip the
reader may not see.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import load_only, selectinload

from portal.accounts.groups import group_by_slug
from portal.accounts.models import User
from portal.authz import visible
from portal.errors import InvalidInput
from portal.extensions import db
from portal.models import utcnow
from portal.paging import Page, page_of

from .lifecycle import STATUS_LABELS
from .models import SHARING_LEVELS, Tip
from .search import search_clause


@dataclass
class TipFilters:
    """What a reader asked for: text, group, brand, status, sharing, dates, own organisation."""

    q: str = ""
    group: str = ""
    brand: str = ""
    status: str = ""
    sharing: str = ""
    since: date | None = None
    until: date | None = None
    mine: bool = False

    @property
    def active(self) -> bool:
        """Whether anything narrows the list."""
        return any((self.q, self.group, self.brand, self.status, self.sharing, self.since,
                    self.until, self.mine))


def _date(value: str, field: str, errors: dict) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors[field] = _("Give a date as YYYY-MM-DD.")
        return None
    return day


def _arg(value: Any, limit: int = 200) -> str:
    """A query argument as comparable text: control characters (NUL among them) and lone
    surrogates, which no database compares, become spaces."""
    text = "".join(" " if c < " " or "\ud800" <= c <= "\udfff" else c for c in (value or ""))
    return text.strip()[:limit]


def parse_filters(args: Any) -> TipFilters:
    """Filters from query arguments; InvalidInput naming each one that makes no sense."""
    errors: dict[str, str] = {}
    f = TipFilters(q=_arg(args.get("q")),
                   group=_arg(args.get("group") or args.get("working_group")),
                   brand=_arg(args.get("brand"), 120),
                   status=_arg(args.get("status")),
                   sharing=_arg(args.get("sharing")),
                   mine=(args.get("mine") or "") in ("1", "true", "on"))
    if f.group and group_by_slug(f.group) is None:
        errors["group"] = _("Unknown working group.")
    if f.status and f.status not in STATUS_LABELS:
        errors["status"] = _("Unknown status.")
    if f.sharing and f.sharing not in SHARING_LEVELS:
        errors["sharing"] = _("Choose platform, working_group or alliance.")
    f.since = _date(args.get("since") or "", "since", errors)
    f.until = _date(args.get("until") or "", "until", errors)
    if errors:
        raise InvalidInput(errors)
    return f


def _day_start(day: date) -> datetime:
    from datetime import UTC

    return datetime.combine(day, time.min, tzinfo=UTC)


# What a row of the pages' lists (tips, vetting) shows of a tip: they read no descriptions,
# keyword lists or authors.
_PAGE_ROW = (Tip.id, Tip.title, Tip.brand, Tip.working_group_id, Tip.organisation_id, Tip.status,
             Tip.sharing, Tip.created_at, Tip.submitted_at)


def with_listed(query, *, page: bool = False):
    """Load what every list row shows (author, organisation, working group) with the tips,
    in a fixed number of queries rather than one per row; for a `page`, only what its rows
    show (organisation, working group and _PAGE_ROW)."""
    if page:
        return query.options(load_only(*_PAGE_ROW), selectinload(Tip.organisation),
                             selectinload(Tip.working_group))
    return query.options(selectinload(Tip.author), selectinload(Tip.organisation),
                         selectinload(Tip.working_group))


def tips_query(user: User, filters: TipFilters | None = None, *, page: bool = False):
    """The tips `user` may see, narrowed by the filters, newest first (list, API, CSV; with
    `page`, what the list page shows of them)."""
    f = filters or TipFilters()
    query = with_listed(select(Tip).where(visible(user, Tip)), page=page)
    if f.q:
        query = query.where(search_clause(f.q))
    if f.group:
        group = group_by_slug(f.group)
        query = query.where(Tip.working_group_id == (group.id if group else -1))
    if f.brand:
        query = query.where(func.lower(Tip.brand) == f.brand.lower())
    if f.status:
        query = query.where(Tip.status == f.status)
    if f.sharing:
        query = query.where(Tip.sharing == f.sharing)
    if f.since:
        query = query.where(Tip.created_at >= _day_start(f.since))
    if f.until and f.until < date.max:  # until the last day there is: no upper bound
        query = query.where(Tip.created_at < _day_start(f.until + timedelta(days=1)))
    if f.mine:
        query = query.where(Tip.organisation_id == user.organisation_id)
    return query.order_by(Tip.created_at.desc(), Tip.id.desc())


def own_tips(user: User) -> list[Tip]:
    """The tips of the person's organisation, oldest first (the importable export)."""
    query = tips_query(user, TipFilters(mine=True)).order_by(None).order_by(Tip.id)
    return list(db.session.scalars(query))


@dataclass
class QueueEntry:
    """A tip waiting for vetting, with how long it has waited and its contributor's mark."""

    tip: Tip
    waited: timedelta
    trusted: bool


def _queue_query(user: User, page: bool = False):
    """Submitted tips the reader may see, with what their rows show (see with_listed)."""
    return with_listed(select(Tip).where(visible(user, Tip), Tip.status == "submitted"), page=page)


def _queue_entries(tips, trusted: set[int]) -> list[QueueEntry]:
    now = utcnow()
    return [QueueEntry(t, now - t.submitted_at, t.organisation_id in trusted) for t in tips]


def _trusted_in_queue(user: User) -> set[int]:
    """The trusted contributors among the organisations with a tip in the queue."""
    from .track_record import trusted_organisation_ids

    org_ids = db.session.scalars(select(Tip.organisation_id).distinct()
                                 .where(visible(user, Tip), Tip.status == "submitted")).all()
    return trusted_organisation_ids(set(org_ids))


def vetting_queue(user: User) -> list[QueueEntry]:
    """Submitted tips: trusted contributors first, then the longest waiting first."""
    trusted = _trusted_in_queue(user)
    entries = _queue_entries(db.session.scalars(_queue_query(user)), trusted)
    return sorted(entries, key=lambda e: (not e.trusted, e.tip.submitted_at, e.tip.id))


def vetting_page(user: User, per_page: int | None = None) -> Page:
    """The requested page of the vetting queue in its order, its rows QueueEntry.

    The database orders and cuts the queue, so a page loads its own rows only; the mark is
    worked out once per organisation waiting, not per tip."""
    trusted = _trusted_in_queue(user)
    order = [case((Tip.organisation_id.in_(trusted), 0), else_=1)] if trusted else []
    page = page_of(_queue_query(user, page=True).order_by(*order, Tip.submitted_at, Tip.id),
                   per_page)
    page.rows = _queue_entries(page.rows, trusted)
    return page


def similar_tips(user: User, tip: Tip, limit: int = 5) -> list[tuple[Tip, list[str]]]:
    """Tips sharing keywords with `tip`, among those `user` may see, most shared first."""
    wanted = {k.lower() for k in tip.keywords or []}
    if not wanted:
        return []
    # The newest thousand are scored on their keywords and brand alone; only the few
    # shown are read whole.
    candidates = db.session.execute(
        select(Tip.id, Tip.keywords, Tip.brand).where(visible(user, Tip), Tip.id != tip.id)
        .order_by(Tip.created_at.desc()).limit(1000)).all()
    brand = tip.brand.lower()
    scored = []
    for other_id, keywords, other_brand in candidates:
        shared = [k for k in keywords or [] if k.lower() in wanted]
        if shared:
            scored.append((len(shared) + (1 if other_brand.lower() == brand else 0), other_id,
                           shared))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    chosen = scored[:limit]
    tips = {t.id: t for t in db.session.scalars(
        select(Tip).where(Tip.id.in_([other_id for _score, other_id, _shared in chosen])))}
    return [(tips[other_id], shared) for _score, other_id, shared in chosen]
