"""What every report template needs besides its figures: labels and small helpers."""

from flask_babel import lazy_gettext as _l

from advisory.lifecycle import STATUS_LABELS as RECOMMENDATION_STATUS

from . import annual
from .labels import (
    BRAND_METRICS,
    METRICS,
    REGION_LABELS,
    RESPONSE_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    lookup,
)

MONTHS = (_l("Jan"), _l("Feb"), _l("Mar"), _l("Apr"), _l("May"), _l("Jun"), _l("Jul"), _l("Aug"),
          _l("Sep"), _l("Oct"), _l("Nov"), _l("Dec"))

YOY_LABELS = {
    "organizations": _l("Member companies"), "countries": _l("Countries"),
    "tips.shared": _l("Tips shared"), "tips.accepted": _l("Tips accepted"),
    "rules.active": _l("Active rules"), "hits": _l("Hits"), "taken_down": _l("Listings taken down"),
    "test_purchases.count": _l("Test purchases"), "test_purchases.counterfeit": _l("Found counterfeit"),
    "test_purchases.spend.amount": _l("Spend on test purchases"),
    "referrals.count": _l("Referrals to law enforcement"),
    "referrals.value.amount": _l("Value involved in referrals"),
    "board.decided": _l("Recommendations decided"),
}


def month_rows(series: list | None) -> list[tuple[str, int]]:
    """(month name, value) for a twelve-month series."""
    return [(str(name), value) for name, value in zip(MONTHS, series or [0] * 12, strict=True)]


def report_context(**extra) -> dict:
    """Labels and helpers for the report templates, with the page's own values."""
    return {"labels": {"region": REGION_LABELS, "status": STATUS_LABELS, "verdict": VERDICT_LABELS,
                       "response": RESPONSE_LABELS},
            "lookup": lookup, "metrics": METRICS, "brand_metrics": BRAND_METRICS,
            "yoy_labels": YOY_LABELS, "rec_status": RECOMMENDATION_STATUS, "month_rows": month_rows,
            "years": list(range(annual.latest_year(), annual.first_year() - 1, -1))[:10], **extra}
