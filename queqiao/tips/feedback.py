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
_sources: list[FeedbackSource] = []


def register_feedback_source(fn: FeedbackSource) -> FeedbackSource:
    """Add a source of feedback events (usable as a decorator)."""
    if fn not in _sources:
        _sources.append(fn)
    return fn


def unregister_feedback_source(fn: FeedbackSource) -> None:
    """Remove a source (tests register their own)."""
    if fn in _sources:
        _sources.remove(fn)


def events_for(tip_ids: list[int]) -> list[FeedbackEvent]:
    """Every known event of these tips, from every source, oldest first."""
    if not tip_ids:
        return []
    wanted = set(tip_ids)
    found = [e for source in _sources for e in source(list(tip_ids))
             if e.tip_id in wanted and e.kind in KINDS]
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
