"""Rule names and conditions come from tips: the secretariat's audit log shows ids only."""

import json

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from queqiao.rules import services

from .helpers import make_rule


def test_admin_reading_the_audit_log_sees_rule_ids_and_statuses_not_names_or_conditions(
        people, as_user):
    rule = make_rule(people["staff"], status="active", name="Lumeire misspelling",
                     all=["lumeire"], any=["outlet-tell"])
    services.update_rule(people["staff"], rule, {
        "name": "Lumeire misspelling v2", "conditions": {"all": ["lumeire"], "any": ["tag-tell"]},
        "version": rule.version})
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "Rule")).all()
    assert {e.action for e in rows} >= {"rule.create", "rule.activate", "rule.edit"}
    text = json.dumps([[e.summary, e.details] for e in rows], ensure_ascii=False)
    for secret in ("Lumeire", "lumeire", "outlet-tell", "tag-tell"):
        assert secret not in text, secret
    page = as_user(people["admin"]).get("/admin/audit?action=rule.").get_data(as_text=True)
    assert f"Rule {rule.id} created" in page and f"Rule {rule.id} is now active" in page
    assert "umeire" not in page and "tell" not in page
