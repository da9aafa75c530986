"""What a tip achieved, counted from events other parts of the portal contribute.

Monitoring rules, their hits and test purchases live in other packages; each
registers a source here: `fn(tip_ids) -> Iterable[FeedbackEvent]`. With no source
registered every count is a real zero.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

KINDS = ("rule", "hit", "taken_down", "false_positive", "test_purchase", "counterfeit",
         "genuine", "inconclusive")


@dataclass(frozen=True)
class FeedbackEvent:
    """One thing that happened because of a tip."""

    tip_id: int
    kind: str
    at: datetime


FeedbackSource = Callable[[list[int]], Iterable[FeedbackEvent]]
# Each source with the kinds it may yield (None: any), so a reader wanting only some kinds
# (the trusted-contributor mark wants verdicts, not every hit) skips the sources of others.
_sources: dict[FeedbackSource, frozenset[str] | None] = {}


def register_feedback_source(fn: FeedbackSource | None = None, *,
                             kinds: Iterable[str] | None = None):
    """Add a source of feedback events, naming the kinds it yields if it can (usable as a
    decorator, bare or with `kinds=`)."""
    def add(source: FeedbackSource) -> FeedbackSource:
        _sources.setdefault(source, None if kinds is None else frozenset(kinds))
        return source

    return add if fn is None else add(fn)


def unregister_feedback_source(fn: FeedbackSource) -> None:
    """Remove a source (tests register their own)."""
    _sources.pop(fn, None)


def events_for(tip_ids: list[int], kinds: Iterable[str] | None = None) -> list[FeedbackEvent]:
    """Every known event of these tips (of `kinds` only, if given), from every source that
    may yield them, oldest first."""
    if not tip_ids:
        return []
    wanted_tips = set(tip_ids)
    wanted_kinds = set(KINDS) if kinds is None else set(kinds) & set(KINDS)
    found = [e for source, yields in list(_sources.items())
             if yields is None or yields & wanted_kinds
             for e in source(list(tip_ids))
             if e.tip_id in wanted_tips and e.kind in wanted_kinds]
    return sorted(found, key=lambda e: e.at)


def precision(counterfeit: int, genuine: int, taken_down: int = 0,
              false_positives: int = 0) -> float | None:
    """Judged right over everything judged; None when nothing was.

    Right: test purchases authenticated counterfeit and hits taken down; wrong: test
    purchases authenticated genuine and hits marked false positives. Each judgement counts
    once, so a hit taken down and also bought counts twice."""
    right, wrong = counterfeit + taken_down, genuine + false_positives
    return None if right + wrong == 0 else right / (right + wrong)


def summarise(events: Iterable[FeedbackEvent]) -> dict:
    """The counts the feedback page and API show."""
    counts = Counter(e.kind for e in events)
    return {
        "rules": counts["rule"],
        "hits": counts["hit"],
        "taken_down": counts["taken_down"],
        "false_positives": counts["false_positive"],
        "test_purchases": counts["test_purchase"],
        "confirmed_counterfeit": counts["counterfeit"],
        "confirmed_genuine": counts["genuine"],
        "inconclusive": counts["inconclusive"],
        "precision": precision(counts["counterfeit"], counts["genuine"], counts["taken_down"],
                               counts["false_positive"]),
    }


def _week_start(at: datetime) -> datetime:
    day = at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def weekly(events: list[FeedbackEvent], since: datetime, until: datetime,
           max_weeks: int = 26) -> list[dict]:
    """Hits, takedowns and confirmed counterfeits per week (Monday, UTC), no gaps."""
    first = max(_week_start(since), _week_start(until) - timedelta(weeks=max_weeks - 1))
    weeks: dict[datetime, Counter] = {}
    week = first
    while week <= until:
        weeks[week] = Counter()
        week += timedelta(weeks=1)
    for e in events:
        start = _week_start(e.at)
        if start in weeks:
            weeks[start][e.kind] += 1
    return [{"week": w.date().isoformat(), "hits": c["hit"], "taken_down": c["taken_down"],
             "confirmed_counterfeit": c["counterfeit"]} for w, c in weeks.items()]


def feedback_for(tip, now: datetime | None = None) -> dict:
    """A tip's feedback: the API.md counts plus a weekly series."""
    from portal.models import utcnow

    events = events_for([tip.id])
    return {**summarise(events),
            "weekly": weekly(events, tip.created_at, now or utcnow())}
