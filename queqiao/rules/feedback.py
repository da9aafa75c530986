"""What rules made from tips did, told to the tips' feedback (counts only, never the rules)."""

from collections.abc import Iterator

from sqlalchemy import select

from portal.extensions import db
from queqiao.scanning.models import OUTCOMES, Hit
from queqiao.tips.feedback import FeedbackEvent, register_feedback_source

from .models import Rule


@register_feedback_source(kinds=("rule", "hit", *OUTCOMES))
def rule_feedback(tip_ids: list[int]) -> Iterator[FeedbackEvent]:
    """Rules made from the tips; hits of those rules while active; their outcomes."""
    for tip_id, created_at in db.session.execute(
            select(Rule.tip_id, Rule.created_at).where(Rule.tip_id.in_(tip_ids))):
        yield FeedbackEvent(tip_id, "rule", created_at)
    # Shadow hits are trials that act on nothing; members hear about active ones.
    rows = db.session.execute(
        select(Rule.tip_id, Hit.created_at, Hit.outcome, Hit.outcome_at)
        .join(Rule, Hit.rule_id == Rule.id)
        .where(Rule.tip_id.in_(tip_ids), Hit.mode == "active"))
    for tip_id, created_at, outcome, outcome_at in rows:
        yield FeedbackEvent(tip_id, "hit", created_at)
        if outcome is not None:
            yield FeedbackEvent(tip_id, outcome, outcome_at)
