"""What each figure is called, in the reader's language."""

from flask_babel import lazy_gettext as _l

REGION_LABELS = {"europe": _l("Europe"), "americas": _l("Americas"), "china": _l("China"),
                 "asia_pacific": _l("Asia-Pacific"), "other": _l("Other or not given")}

STATUS_LABELS = {"submitted": _l("awaiting vetting"), "needs_info": _l("needs information"),
                 "accepted": _l("accepted"), "rejected": _l("rejected"),
                 "withdrawn": _l("withdrawn")}

VERDICT_LABELS = {"counterfeit": _l("counterfeit"), "genuine": _l("genuine"),
                  "inconclusive": _l("inconclusive"), None: _l("no verdict yet")}

RESPONSE_LABELS = {"accepted": _l("accepted"), "partially_accepted": _l("partially accepted"),
                   "declined": _l("declined"), None: _l("not answered yet")}

# (path into the figures, label, kind): kind says how to show the value.
METRICS = (
    ("organizations", _l("Member companies"), "count"),
    ("countries", _l("Countries"), "count"),
    ("working_groups", _l("Working groups with members"), "count"),
    ("tips.shared", _l("Tips shared"), "count"),
    ("tips.accepted", _l("Tips accepted"), "count"),
    ("tips.median_days_to_vetting", _l("Median days to vetting"), "days"),
    ("rules.active", _l("Active rules"), "count"),
    ("hits", _l("Hits"), "count"),
    ("taken_down", _l("Listings taken down"), "count"),
    ("proactive_share", _l("Proactive share of takedowns"), "share"),
    ("test_purchases.count", _l("Test purchases"), "count"),
    ("test_purchases.counterfeit", _l("Found counterfeit"), "count"),
    ("test_purchases.genuine", _l("Found genuine"), "count"),
    ("test_purchases.counterfeit_rate", _l("Counterfeit rate"), "share"),
    ("test_purchases.spend", _l("Spend on test purchases"), "money"),
    ("referrals.count", _l("Referrals to law enforcement"), "count"),
    ("referrals.value", _l("Value involved in referrals"), "money"),
    ("board.recommendations", _l("Recommendations submitted"), "count"),
    ("board.decided", _l("Recommendations decided"), "count"),
    ("board.median_days_to_decision", _l("Median days to the board's decision"), "days"),
    ("board.median_days_to_answer", _l("Median days to the platform's answer"), "days"),
    ("board.answered_within_30_days", _l("Answered within 30 days"), "share"),
)

BRAND_METRICS = (
    *(m for m in METRICS if m[0] not in ("organizations", "countries")),
    ("test_purchases.share", _l("Our share of joint costs"), "money"),
)


def lookup(figures: dict, path: str):
    """The value at a dotted path, or None."""
    value = figures
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value
