"""The figures the board reports, computed from recommendations' dated steps.

Pure functions over plain values (no database, no Flask) so they can be checked against
figures worked out by hand:
- median days from submission to the board's decision (each decision against the
  submission it decided; a returned and resubmitted recommendation counts twice);
- median days from endorsement to the platform's response;
- the share of endorsed recommendations answered within 30 days, among those whose answer
  is known or overdue;
- of the recommendations the platform accepted (wholly or partly): implemented, pending, closed.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from statistics import median

DECISION_ACTIONS = frozenset({"endorse", "return", "decline"})
DAY = 86400.0


@dataclass(frozen=True)
class Record:
    """What the figures need of one recommendation: its steps, status and the answer."""

    steps: tuple[tuple[str, datetime], ...]  # (action, at), in order
    status: str
    response_outcome: str | None = None


@dataclass
class BoardFigures:
    """The board's accountability figures."""

    recommendations: int = 0
    median_days_to_decision: float | None = None
    median_days_to_response: float | None = None
    answered_within: int = 0
    answer_due: int = 0
    share_answered_within: float | None = None
    implemented: int = 0
    pending: int = 0
    closed: int = 0
    by_year: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """For JSON and the chart."""
        return asdict(self)


def days(start: datetime, end: datetime) -> float:
    """Days between two moments, to the hour's fraction."""
    return (end - start).total_seconds() / DAY


def decision_days(record: Record) -> list[float]:
    """Days from each submission to the decision on it."""
    out, submitted = [], None
    for action, at in record.steps:
        if action == "submit":
            submitted = at
        elif action in DECISION_ACTIONS and submitted is not None:
            out.append(days(submitted, at))
            submitted = None
    return out


def _first(record: Record, action: str) -> datetime | None:
    return next((at for a, at in record.steps if a == action), None)


def response_days(record: Record) -> float | None:
    """Days from endorsement to the platform's response, if it has answered."""
    endorsed, answered = _first(record, "endorse"), _first(record, "respond")
    if endorsed is None or answered is None:
        return None
    return days(endorsed, answered)


def answer_timeliness(record: Record, now: datetime, limit: float) -> tuple[bool, bool]:
    """(counts, in time): whether the answer is known or overdue, and whether it came in time."""
    endorsed = _first(record, "endorse")
    if endorsed is None:
        return False, False
    taken = response_days(record)
    if taken is None:
        return days(endorsed, now) > limit, False
    return True, taken <= limit


def _median(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


def board_figures(records: list[Record], now: datetime, limit_days: float = 30) -> BoardFigures:
    """All the figures for a set of recommendations."""
    figures = BoardFigures(recommendations=len(records))
    figures.median_days_to_decision = _median([d for r in records for d in decision_days(r)])
    figures.median_days_to_response = _median(
        [d for r in records if (d := response_days(r)) is not None])
    for r in records:
        counts, in_time = answer_timeliness(r, now, limit_days)
        figures.answer_due += counts
        figures.answered_within += in_time
        if r.response_outcome in ("accepted", "partially_accepted"):
            if r.status == "implemented":
                figures.implemented += 1
            elif r.status == "closed":
                figures.closed += 1
            else:
                figures.pending += 1
    if figures.answer_due:
        figures.share_answered_within = round(figures.answered_within / figures.answer_due, 3)
    figures.by_year = by_year(records)
    return figures


def by_year(records: list[Record]) -> dict[int, dict]:
    """Median days to decision and to response, per year of submission (for the chart)."""
    years: dict[int, list[Record]] = {}
    for r in records:
        submitted = _first(r, "submit")
        if submitted is not None:
            years.setdefault(submitted.year, []).append(r)
    return {year: {"submitted": len(rs),
                   "median_days_to_decision": _median([d for r in rs for d in decision_days(r)]),
                   "median_days_to_response": _median(
                       [d for r in rs if (d := response_days(r)) is not None])}
            for year, rs in sorted(years.items())}
