"""Rules and corpus listings as the API shows them."""

from portal.api.helpers import iso
from portal.urls import page_url

from .models import Rule


def rule_json(rule: Rule) -> dict:
    """A rule with its current conditions."""
    return {
        "id": rule.id,
        "url": page_url("queqiao_rules.detail", rule_id=rule.id),
        "name": rule.name,
        "tip_id": rule.tip_id,
        "brand": rule.brand,
        "status": rule.status,
        "version": rule.version,
        "conditions": rule.conditions,
        "level": rule.level,
        "known_false_positives": rule.known_false_positives,
        "notes": rule.notes,
        "created_by": {"id": rule.created_by.id, "name": rule.created_by.name},
        "created_at": iso(rule.created_at),
        "updated_at": iso(rule.updated_at),
    }
