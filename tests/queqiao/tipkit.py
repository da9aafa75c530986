"""One-line factories and helpers for tip tests."""

from contextlib import contextmanager
from datetime import UTC, datetime

from queqiao.tips import services
from queqiao.tips.feedback import FeedbackEvent, register_feedback_source, unregister_feedback_source
from tests.support import factories

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7"
       b"\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82")


def tip_data(**overrides) -> dict:
    """A valid API body for a new tip."""
    data = {
        "title": "Replica handbags with misspelt logo",
        "description": "Listings say **LUMIERE** without the accent and sell below cost.",
        "brand": "Maison Lumière",
        "working_group": "luxury-goods",
        "sharing": "platform",
        "indicators": {"keywords": ["高仿", "原单", "lumiere outlet"], "exclude": ["正品保证"],
                       "max_price": {"amount": 150000, "currency": "CNY"},
                       "regions": ["Guangdong"]},
    }
    data.update(overrides)
    return data


def make_tip(author=None, *, status: str = "submitted", staff=None, **overrides):
    """A tip by `author` (a new member by default), optionally vetted into `status`."""
    author = author or factories.make_user("member")
    tip = services.create_tip(author, tip_data(**overrides))
    if status in ("accepted", "needs_info", "rejected"):
        staff = staff or factories.make_user("staff")
        decision = {"accepted": "accept", "needs_info": "needs_info", "rejected": "reject"}[status]
        services.review_tip(staff, tip, decision, "Because.")
    return tip


def at(day: int, month: int = 11, year: int = 2026) -> datetime:
    """A UTC time on a day."""
    return datetime(year, month, day, 12, tzinfo=UTC)


@contextmanager
def feedback_source(events: list[FeedbackEvent]):
    """Register a feedback source returning `events` (for the tips asked about)."""

    def source(tip_ids):
        return [e for e in events if e.tip_id in tip_ids]

    register_feedback_source(source)
    try:
        yield source
    finally:
        unregister_feedback_source(source)
