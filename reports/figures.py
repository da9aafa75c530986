"""The alliance's figures for a year, each added up by the database (GROUP BY, COUNT, SUM).

Every function runs a fixed number of statements however many rows there are, so the
dashboard costs the same at any size. The result is plain JSON (ints, floats, strings,
lists, dicts): it is what the API answers, what the pages show and what a published
edition freezes.

Suppression: an alliance-wide figure drawn from at least one but fewer than
REPORTS_MIN_ORGANISATIONS organisations (the authors of the tips, the owners of the tips
behind the rules that hit, the participants of the purchases, a group's member companies)
is replaced by None and its key listed in `suppressed`, so nothing can be worked out about
one company. Membership counts (the member directory is open to every signed-in person)
and the Advisory Board's figures (recommendations come from groups, not companies) are
not suppressed.
"""

from datetime import UTC, datetime, timedelta
from threading import Lock
from time import monotonic
from typing import Any

from flask import current_app
from sqlalchemy import Integer, and_, case, distinct, func, literal, or_, select

from advisory.models import Recommendation, RecommendationEvent
from portal.accounts.models import GroupMembership, Organisation, WorkingGroup
from portal.extensions import db
from queqiao.rules.models import Rule
from queqiao.scanning.models import Hit
from queqiao.tips.models import Tip
from testbuys.models import Participant, TestPurchase
from testbuys.shares import allocate
from workinggroups.discussions.models import Thread
from workinggroups.documents.models import Document
from workinggroups.meetings.models import MINUTES_GRACE, Meeting

from .regions import REGIONS, region_of

CURRENCY = "CNY"
ANSWER_DAYS = 30
DECISIONS = ("endorse", "return", "decline")


def bounds(year: int) -> tuple[datetime, datetime]:
    """The first moment of the year and of the next, in UTC."""
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def within(column, year: int):
    """The column falls in the year."""
    start, end = bounds(year)
    return and_(column >= start, column < end)


def threshold() -> int:
    """Fewest organisations an alliance-wide figure may be drawn from."""
    return int(current_app.config.get("REPORTS_MIN_ORGANISATIONS", 3))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def days_between(start, end):
    """Days from `start` to `end`, as a real number, in the database's own arithmetic."""
    if _dialect() == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


def median(values) -> float | None:
    """The median of a one-column select labelled `v`, by the database (window functions)."""
    sub = values.subquery()
    ranked = select(sub.c.v, func.row_number().over(order_by=sub.c.v).label("rn"),
                    func.count().over().label("n")).subquery()
    value = db.session.scalar(select(func.avg(ranked.c.v)).where(
        or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)))
    return None if value is None else round(float(value), 1)


def money(amount: int | None) -> dict:
    """Money as the API writes it."""
    return {"amount": int(amount or 0), "currency": CURRENCY}


def _month(column):
    """The month (1–12) of a timestamp; on SQLite read straight from the stored text."""
    if _dialect() == "sqlite":
        return func.cast(func.substr(column, 6, 2), Integer)
    return func.extract("month", column)


def _monthly(rows) -> list[int]:
    series = [0] * 12
    for month, count in rows:
        series[int(month) - 1] = int(count or 0)
    return series


class _Suppressor:
    """Blanks the figures drawn from too few organisations, and remembers which."""

    def __init__(self, enabled: bool):
        self.enabled, self.limit, self.keys = enabled, threshold(), []

    def too_few(self, contributors: int) -> bool:
        return self.enabled and 0 < contributors < self.limit

    def apply(self, key: str, contributors: int, value: Any) -> Any:
        if self.too_few(contributors):
            self.keys.append(key)
            return None
        return value


# --- members -------------------------------------------------------------------------------

def _members_query():
    return select(Organisation).where(Organisation.kind == "member", Organisation.is_active)


def members(year: int) -> dict:
    """Member companies at the year's end, by country and region, and joiners by month."""
    start, end = bounds(year)
    rows = db.session.execute(
        select(Organisation.country, func.count(Organisation.id))
        .where(Organisation.kind == "member", Organisation.is_active, Organisation.created_at < end)
        .group_by(Organisation.country)).all()
    by_country = sorted(({"country": c or "", "count": int(n)} for c, n in rows),
                        key=lambda r: (-r["count"], r["country"]))
    regions = {key: 0 for key in REGIONS}
    for row in by_country:
        regions[region_of(row["country"])] += row["count"]
    total = sum(r["count"] for r in by_country)
    before = db.session.scalar(select(func.count(Organisation.id)).where(
        Organisation.kind == "member", Organisation.is_active, Organisation.created_at < start)) or 0
    joined = _monthly(db.session.execute(
        select(_month(Organisation.created_at), func.count(Organisation.id))
        .where(Organisation.kind == "member", Organisation.is_active,
               within(Organisation.created_at, year))
        .group_by(_month(Organisation.created_at))).all())
    cumulative, running = [], before
    for n in joined:
        running += n
        cumulative.append(running)
    return {
        "total": total,
        "at_start": int(before),
        "countries": len([r for r in by_country if r["country"]]),
        "by_country": by_country,
        "by_region": [{"region": key, "count": regions[key],
                       "share": round(regions[key] / total, 3) if total else None}
                      for key in REGIONS],
        "joined_by_month": joined,
        "total_by_month": cumulative,
    }


# --- working groups ------------------------------------------------------------------------

def groups(year: int, suppress: _Suppressor, group_ids: list[int] | None = None) -> list[dict]:
    """Per working group: member companies, meetings held, minutes on time, threads,
    documents and recommendations submitted in the year."""
    start, end = bounds(year)
    where_group = WorkingGroup.id.in_(group_ids) if group_ids is not None else literal(True)
    wgs = db.session.execute(select(WorkingGroup.id, WorkingGroup.slug, WorkingGroup.name_en,
                                    WorkingGroup.name_zh).where(where_group)
                             .order_by(WorkingGroup.position, WorkingGroup.id)).all()

    def per_group(query) -> dict[int, tuple]:
        return {row[0]: tuple(row[1:]) for row in db.session.execute(query).all()}

    members_of = per_group(
        select(GroupMembership.working_group_id, func.count(distinct(GroupMembership.organisation_id)))
        .join(Organisation, Organisation.id == GroupMembership.organisation_id)
        .where(GroupMembership.status == "active", Organisation.is_active)
        .group_by(GroupMembership.working_group_id))
    on_time = and_(Meeting.minutes_at.is_not(None),
                   days_between(Meeting.ends_at, Meeting.minutes_at) <= MINUTES_GRACE / timedelta(days=1))
    meetings = per_group(
        select(Meeting.group_id, func.count(Meeting.id), func.sum(case((on_time, 1), else_=0)))
        .where(Meeting.cancelled_at.is_(None), Meeting.ends_at >= start, Meeting.ends_at < end,
               Meeting.ends_at <= datetime.now(UTC))
        .group_by(Meeting.group_id))
    threads = per_group(select(Thread.group_id, func.count(Thread.id))
                        .where(within(Thread.created_at, year)).group_by(Thread.group_id))
    documents = per_group(select(Document.group_id, func.count(Document.id))
                          .where(within(Document.created_at, year)).group_by(Document.group_id))
    recommendations = per_group(
        select(Recommendation.working_group_id, func.count(Recommendation.id))
        .where(within(Recommendation.first_submitted_at, year))
        .group_by(Recommendation.working_group_id))
    out = []
    for gid, slug, name_en, name_zh in wgs:
        n_members = int(members_of.get(gid, (0,))[0])
        held, timely = meetings.get(gid, (0, 0))
        row = {"slug": slug, "name_en": name_en, "name_zh": name_zh, "members": n_members,
               "meetings": int(held or 0), "minutes_on_time": int(timely or 0),
               "threads": int(threads.get(gid, (0,))[0]),
               "documents": int(documents.get(gid, (0,))[0]),
               "recommendations": int(recommendations.get(gid, (0,))[0]),
               "suppressed": False}
        if suppress.too_few(n_members):
            suppress.keys.append(f"groups.{slug}")
            row.update(meetings=None, minutes_on_time=None, threads=None, documents=None,
                       suppressed=True)
        out.append(row)
    return out


# --- Queqiao -------------------------------------------------------------------------------

def tips(year: int, suppress: _Suppressor, org_id: int | None = None) -> dict:
    """Tips shared in the year, by status; accepted; median days to vetting."""
    mine = Tip.organisation_id == org_id if org_id is not None else literal(True)
    rows = db.session.execute(select(Tip.status, func.count(Tip.id))
                              .where(within(Tip.submitted_at, year), mine)
                              .group_by(Tip.status)).all()
    by_status = {status: 0 for status in ("submitted", "needs_info", "accepted", "rejected",
                                          "withdrawn")}
    for status, n in rows:
        by_status[status] = int(n)
    contributors = db.session.scalar(select(func.count(distinct(Tip.organisation_id)))
                                     .where(within(Tip.submitted_at, year), mine)) or 0
    vetting = median(select(days_between(Tip.submitted_at, Tip.decided_at).label("v"))
                     .where(Tip.decided_at.is_not(None), within(Tip.decided_at, year), mine))
    shared = sum(n for s, n in by_status.items() if s != "withdrawn")
    return {"shared": suppress.apply("tips.shared", contributors, shared),
            "accepted": suppress.apply("tips.accepted", contributors, by_status["accepted"]),
            "by_status": suppress.apply("tips.by_status", contributors, by_status),
            "median_days_to_vetting": suppress.apply("tips.median_days_to_vetting", contributors,
                                                     vetting)}


def scanning(year: int, suppress: _Suppressor, series: dict, org_id: int | None = None) -> dict:
    """Active rules, hits, takedowns and the proactive share of takedowns."""
    start, end = bounds(year)
    mine = Tip.organisation_id == org_id if org_id is not None else literal(True)
    active = db.session.execute(
        select(func.count(Rule.id), func.count(distinct(Tip.organisation_id)))
        .select_from(Rule).outerjoin(Tip, Tip.id == Rule.tip_id)
        .where(Rule.status == "active", Rule.status_changed_at < end, mine)).one()
    hits, taken_down, false_positive = (sum(series[k]) for k in ("hits", "taken_down", "false_positives"))
    contributors = int(db.session.scalar(
        select(func.count(distinct(Tip.organisation_id))).select_from(Rule)
        .join(Tip, Tip.id == Rule.tip_id)
        .where(select(Hit.id).where(Hit.rule_id == Rule.id, within(Hit.created_at, year)).exists(),
               mine))
        or 0)
    taken_by_purchase = _purchase_takedowns(year, org_id)
    removals = taken_down + taken_by_purchase
    share = round(taken_down / removals, 3) if removals else None
    return {
        "rules": {"active": suppress.apply("rules.active", int(active[1] or 0), int(active[0] or 0))},
        "hits": suppress.apply("hits", contributors, hits),
        "taken_down": suppress.apply("taken_down", contributors, taken_down),
        "false_positives": suppress.apply("false_positives", contributors, false_positive),
        "proactive_share": suppress.apply("proactive_share", contributors, share),
    }


def _hits_of(org_id: int | None):
    """Hits of the rules made from the organisation's tips (all hits when None)."""
    if org_id is None:
        return literal(True)
    return Hit.rule_id.in_(select(Rule.id).join(Tip, Tip.id == Rule.tip_id)
                           .where(Tip.organisation_id == org_id))


def hit_months(year: int, org_id: int | None = None) -> dict[str, list[int]]:
    """Hits, takedowns and false positives per month, in one pass over the year's hits."""
    rows = db.session.execute(
        select(_month(Hit.created_at), func.count(Hit.id),
               func.sum(case((Hit.outcome == "taken_down", 1), else_=0)),
               func.sum(case((Hit.outcome == "false_positive", 1), else_=0)))
        .where(within(Hit.created_at, year), _hits_of(org_id))
        .group_by(_month(Hit.created_at))).all()
    return {"hits": _monthly((m, n) for m, n, _t, _f in rows),
            "taken_down": _monthly((m, t) for m, _n, t, _f in rows),
            "false_positives": _monthly((m, f) for m, _n, _t, f in rows)}


def _purchase_filter(org_id: int | None):
    if org_id is None:
        return literal(True)
    return TestPurchase.id.in_(select(Participant.purchase_id).where(
        Participant.organisation_id == org_id, Participant.left_at.is_(None)))


def _purchase_takedowns(year: int, org_id: int | None) -> int:
    """Listings taken down after a test purchase: removals on a member's request."""
    return int(db.session.scalar(select(func.count(TestPurchase.id)).where(
        within(TestPurchase.taken_down_at, year), _purchase_filter(org_id))) or 0)


def _contributors(where) -> int:
    return int(db.session.scalar(
        select(func.count(distinct(Participant.organisation_id)))
        .join(TestPurchase, TestPurchase.id == Participant.purchase_id)
        .where(Participant.left_at.is_(None), where)) or 0)


# --- test purchases ------------------------------------------------------------------------

def purchases(year: int, suppress: _Suppressor, org_id: int | None = None) -> dict:
    """Purchases started in the year (not cancelled): verdicts, counterfeit rate, spend;
    referrals to law enforcement prepared in the year and the value involved."""
    cohort = and_(within(TestPurchase.created_at, year), TestPurchase.status != "cancelled",
                  _purchase_filter(org_id))
    row = db.session.execute(select(
        func.count(TestPurchase.id),
        func.sum(case((TestPurchase.verdict == "counterfeit", 1), else_=0)),
        func.sum(case((TestPurchase.verdict == "genuine", 1), else_=0)),
        func.sum(case((TestPurchase.verdict == "inconclusive", 1), else_=0)),
        func.sum(case((TestPurchase.currency == CURRENCY, TestPurchase.cost_amount), else_=0)),
    ).where(cohort)).one()
    count, counterfeit, genuine, inconclusive, spend = (int(x or 0) for x in row)
    judged = counterfeit + genuine + inconclusive
    contributors = _contributors(cohort)
    other = TestPurchase.__table__.alias("known")
    known = select(func.coalesce(func.sum(other.c.cost_amount), 0)).where(
        other.c.verdict == "counterfeit", other.c.platform == TestPurchase.platform,
        other.c.seller_id == TestPurchase.seller_id).scalar_subquery()
    referred = and_(within(TestPurchase.referral_prepared_at, year), _purchase_filter(org_id))
    ref = db.session.execute(select(
        func.count(TestPurchase.id),
        func.sum(func.coalesce(TestPurchase.value_involved, known))).where(referred)).one()
    ref_contributors = _contributors(referred)
    figures = {
        "count": count, "counterfeit": counterfeit, "genuine": genuine,
        "inconclusive": inconclusive,
        "counterfeit_rate": round(counterfeit / judged, 3) if judged else None,
        "spend": money(spend),
    }
    if suppress.too_few(contributors):
        suppress.keys.append("test_purchases")
        figures = {key: None for key in figures}
    referrals = {"count": int(ref[0] or 0), "value": money(ref[1])}
    if suppress.too_few(ref_contributors):
        suppress.keys.append("referrals")
        referrals = {"count": None, "value": None}
    return {"test_purchases": figures, "referrals": referrals}


# --- the Advisory Board --------------------------------------------------------------------

def board(year: int, group_ids: list[int] | None = None) -> dict:
    """Recommendations submitted; decisions in the year and the median days to them (from
    the submission each decided); median days from endorsement to the platform's answer;
    the share of endorsements in the year answered within 30 days."""
    of_groups = (Recommendation.working_group_id.in_(group_ids) if group_ids is not None
                 else literal(True))
    recs = select(Recommendation.id).where(of_groups)
    submitted = db.session.scalar(select(func.count(Recommendation.id)).where(
        within(Recommendation.first_submitted_at, year), of_groups)) or 0
    decision = RecommendationEvent.__table__.alias("decision")
    submit = RecommendationEvent.__table__.alias("submit")
    submitted_at = (select(func.max(submit.c.at))
                    .where(submit.c.recommendation_id == decision.c.recommendation_id,
                           submit.c.action == "submit", submit.c.at <= decision.c.at)
                    .scalar_subquery())
    start, end = bounds(year)
    decided_where = and_(decision.c.action.in_(DECISIONS), decision.c.at >= start,
                         decision.c.at < end, decision.c.recommendation_id.in_(recs))
    decided = db.session.scalar(select(func.count(distinct(decision.c.recommendation_id)))
                                .where(decided_where)) or 0
    to_decision = median(select(days_between(submitted_at, decision.c.at).label("v"))
                         .where(decided_where, submitted_at.is_not(None)))
    endorse = RecommendationEvent.__table__.alias("endorse")
    answer = RecommendationEvent.__table__.alias("answer")
    first_answer = (select(func.min(answer.c.at))
                    .where(answer.c.recommendation_id == endorse.c.recommendation_id,
                           answer.c.action == "respond", answer.c.at >= endorse.c.at)
                    .scalar_subquery())
    endorsed_where = and_(endorse.c.action == "endorse", endorse.c.at >= start, endorse.c.at < end,
                          endorse.c.recommendation_id.in_(recs))
    to_answer = median(select(days_between(endorse.c.at, first_answer).label("v"))
                       .where(endorsed_where, first_answer.is_not(None)))
    taken = days_between(endorse.c.at, first_answer)
    waited = days_between(endorse.c.at, literal(datetime.now(UTC), type_=RecommendationEvent.at.type))
    due, in_time = db.session.execute(select(
        func.sum(case((first_answer.is_not(None), 1), (waited > ANSWER_DAYS, 1), else_=0)),
        func.sum(case((and_(first_answer.is_not(None), taken <= ANSWER_DAYS), 1), else_=0)),
    ).where(endorsed_where)).one()
    due, in_time = int(due or 0), int(in_time or 0)
    return {"recommendations": int(submitted), "decided": int(decided),
            "median_days_to_decision": to_decision, "median_days_to_answer": to_answer,
            "answered_within_30_days": round(in_time / due, 3) if due else None,
            "answered_in_time": in_time, "answer_due": due}


# --- monthly trends ------------------------------------------------------------------------

def monthly(year: int, hidden: set[str], hit_series: dict, org_id: int | None = None) -> dict:
    """Tips, hits, takedowns and purchases per month (blank where the totals are)."""
    mine_tip = Tip.organisation_id == org_id if org_id is not None else literal(True)
    series = {
        "tips": _monthly(db.session.execute(
            select(_month(Tip.submitted_at), func.count(Tip.id))
            .where(within(Tip.submitted_at, year), Tip.status != "withdrawn", mine_tip)
            .group_by(_month(Tip.submitted_at))).all()),
        "hits": hit_series["hits"], "taken_down": hit_series["taken_down"],
        "test_purchases": _monthly(db.session.execute(
            select(_month(TestPurchase.created_at), func.count(TestPurchase.id))
            .where(within(TestPurchase.created_at, year), TestPurchase.status != "cancelled",
                   _purchase_filter(org_id))
            .group_by(_month(TestPurchase.created_at))).all()),
    }
    for key, source in (("tips", "tips.shared"), ("hits", "hits"), ("taken_down", "taken_down"),
                        ("test_purchases", "test_purchases")):
        if source in hidden:
            series[key] = None
    return series


# --- the whole -----------------------------------------------------------------------------

def alliance(year: int) -> dict:
    """Every alliance-wide figure of the year, with small groups suppressed."""
    suppress = _Suppressor(enabled=True)
    member_figures = members(year)
    figures: dict[str, Any] = {"year": year, "scope": "alliance",
                               "organizations": member_figures["total"],
                               "countries": member_figures["countries"], "members": member_figures}
    figures["groups"] = groups(year, suppress)
    figures["working_groups"] = len([g for g in figures["groups"] if g["members"]])
    figures["tips"] = tips(year, suppress)
    hit_series = hit_months(year)
    figures.update(scanning(year, suppress, hit_series))
    figures.update(purchases(year, suppress))
    figures["board"] = board(year)
    figures["monthly"] = monthly(year, set(suppress.keys), hit_series)
    figures["suppressed"] = list(suppress.keys)
    figures["threshold"] = suppress.limit
    figures["computed_at"] = datetime.now(UTC).isoformat()
    return figures


def alliance_recent(year: int) -> dict:
    """The alliance's figures as added up at most REPORTS_DASHBOARD_SECONDS ago in this
    process (the dashboard shows when: `computed_at`); the API and the annual report sum
    afresh.

    One request at a time adds them up again: while it does, the others are answered with
    the sums it is replacing (a few seconds older), instead of all adding up the same
    figures at once the moment the kept ones expire."""
    seconds = float(current_app.config.get("REPORTS_DASHBOARD_SECONDS", 0) or 0)
    if seconds <= 0:
        return alliance(year)
    kept = current_app.extensions.setdefault("reports.dashboard", {})
    adding_up = current_app.extensions.setdefault("reports.dashboard_adding_up", set())
    now = monotonic()
    with _recent_lock:
        hit = kept.get(year)
        if hit is not None and (now - hit[0] < seconds or year in adding_up):
            return hit[1]
        adding_up.add(year)
    try:
        figures = alliance(year)
        with _recent_lock:
            kept[year] = (now, figures)
    finally:
        with _recent_lock:
            adding_up.discard(year)
    return figures


_recent_lock = Lock()


def organisation(org: Organisation, year: int) -> dict:
    """The same figures for one organisation: its tips, rules, purchases and spend."""
    suppress = _Suppressor(enabled=False)
    group_ids = [gid for (gid,) in db.session.execute(
        select(GroupMembership.working_group_id).where(
            GroupMembership.organisation_id == org.id, GroupMembership.status == "active")).all()]
    figures: dict[str, Any] = {"year": year, "scope": "organization",
                               "organization": {"id": org.id, "name": org.name, "country": org.country},
                               "organizations": 1, "countries": 1 if org.country else 0,
                               "working_groups": len(group_ids)}
    figures["groups"] = groups(year, suppress, group_ids)
    figures["tips"] = tips(year, suppress, org.id)
    hit_series = hit_months(year, org.id)
    figures.update(scanning(year, suppress, hit_series, org.id))
    figures.update(purchases(year, suppress, org.id))
    figures["test_purchases"]["share"] = money(own_share(org.id, year))
    figures["board"] = board(year, group_ids)
    figures["monthly"] = monthly(year, set(), hit_series, org.id)
    figures["suppressed"] = []
    figures["computed_at"] = datetime.now(UTC).isoformat()
    return figures


def own_share(org_id: int, year: int) -> int:
    """The organisation's share of the costs of the year's purchases it took part in, split
    by weight exactly as the ledger splits them (one statement; the split needs every
    participant's weight)."""
    mine = select(Participant.purchase_id).where(Participant.organisation_id == org_id,
                                                  Participant.left_at.is_(None))
    rows = db.session.execute(
        select(TestPurchase.id, TestPurchase.cost_amount, Participant.organisation_id,
               Participant.weight)
        .join(Participant, Participant.purchase_id == TestPurchase.id)
        .where(Participant.left_at.is_(None), TestPurchase.id.in_(mine),
               TestPurchase.cost_amount.is_not(None), TestPurchase.currency == CURRENCY,
               TestPurchase.status != "cancelled", within(TestPurchase.created_at, year))
        .order_by(TestPurchase.id)).all()
    costs: dict[int, int] = {}
    weights: dict[int, dict[int, int]] = {}
    for pid, cost, oid, weight in rows:
        costs[pid] = cost
        weights.setdefault(pid, {})[oid] = weight
    return sum(allocate(costs[pid], w).get(org_id, 0) for pid, w in weights.items())


def year_on_year(current: dict, previous: dict) -> list[dict]:
    """Headline figures against the year before: both values and the change."""
    def pick(figures: dict, path: str):
        value: Any = figures
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    out = []
    for key in HEADLINES:
        now, before = pick(current, key), pick(previous, key)
        change = None
        if isinstance(now, (int, float)) and isinstance(before, (int, float)) and before:
            change = round((now - before) / before, 3)
        out.append({"key": key, "current": now, "previous": before, "change": change})
    return out


HEADLINES = ("organizations", "countries", "tips.shared", "tips.accepted", "rules.active", "hits",
             "taken_down", "test_purchases.count", "test_purchases.counterfeit",
             "test_purchases.spend.amount", "referrals.count", "referrals.value.amount",
             "board.decided")
