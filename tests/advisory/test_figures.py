"""The board's figures, against values worked out by hand."""

from datetime import UTC, datetime, timedelta

from advisory import services
from advisory.figures import Record, board_figures, decision_days
from advisory.tracker import figure_records
from portal.extensions import db
from tests.advisory import helpers

T0 = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def d(days: float) -> datetime:
    return T0 + timedelta(days=days)


# A: submitted day 0, endorsed day 10, answered day 30 (20 days), accepted, implemented.
A = Record((("create", d(-5)), ("submit", d(0)), ("endorse", d(10)), ("respond", d(30)),
            ("add_milestone", d(40)), ("complete", d(90))), "implemented", "accepted")
# B: submitted day 0, returned day 4, resubmitted day 10, endorsed day 16, answered day 61
#    (45 days, late), partially accepted, still implementing.
B = Record((("submit", d(0)), ("return", d(4)), ("submit", d(10)), ("endorse", d(16)),
            ("respond", d(61)), ("add_milestone", d(70))), "implementing", "partially_accepted")
# C: submitted day 20, declined day 27.
C = Record((("submit", d(20)), ("decline", d(27))), "declined")
# D: submitted day 100, endorsed day 112, no answer on day 151 (39 days: overdue).
D = Record((("submit", d(100)), ("endorse", d(112))), "endorsed")
# E: submitted day 140, endorsed day 145, no answer yet on day 151 (6 days: not yet due).
E = Record((("submit", d(140)), ("endorse", d(145))), "endorsed")
# F: a draft: counts for nothing.
F = Record((("create", d(1)),), "draft")


def test_decision_days_pair_each_decision_with_its_submission():
    assert decision_days(B) == [4.0, 6.0]
    assert decision_days(F) == []


def test_figures_against_hand_computed_values():
    figures = board_figures([A, B, C, D, E, F], NOW)
    # decisions took 10, 4, 6, 7, 12, 5 days -> sorted 4 5 6 7 10 12 -> median (6+7)/2
    assert figures.median_days_to_decision == 6.5
    # responses took 20 and 45 days -> median 32.5
    assert figures.median_days_to_response == 32.5
    # answer known or overdue: A (in time), B (late), D (overdue); E not yet due
    assert (figures.answered_within, figures.answer_due) == (1, 3)
    assert figures.share_answered_within == 0.333
    # accepted in whole or part: A implemented, B pending
    assert (figures.implemented, figures.pending, figures.closed) == (1, 1, 0)
    assert figures.recommendations == 6
    assert figures.by_year == {2026: {"submitted": 5, "median_days_to_decision": 6.5,
                                      "median_days_to_response": 32.5}}


def test_no_records_no_figures():
    figures = board_figures([], NOW)
    assert figures.median_days_to_decision is None and figures.share_answered_within is None


def test_figures_from_real_records(board):
    """Two recommendations through the services, with their steps dated by hand."""
    voters = [board["chair2"], board["chair3"]]
    fast = helpers.endorsed(board["chair"], board["admin"], voters, title="Fast")
    services.respond(board["staff"], fast, "accepted", "Yes")
    slow = helpers.submitted(board["chair"], title="Slow")
    services.decide(board["admin"], slow, "returned", "More")
    helpers.draft(board["chair"], title="Invisible to members")
    dates = {"Fast": {"create": -1, "submit": 0, "endorse": 3, "respond": 13},
             "Slow": {"create": -1, "submit": 0, "return": 9}}
    for rec in (fast, slow):
        for event in rec.events:
            event.at = d(dates[rec.title][event.action])
    db.session.commit()
    records = figure_records(board["member"], {})
    assert len(records) == 2
    figures = board_figures(records, d(100))
    assert figures.median_days_to_decision == 6.0  # 3 and 9
    assert figures.median_days_to_response == 10.0
    assert figures.share_answered_within == 1.0
    assert figures.pending == 1 and figures.implemented == 0
