"""The audit log is read by the secretariat, who see no tips: tip rows carry ids, not content."""

import json

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from queqiao.tips import services

from .tipkit import PNG, tip_data

TITLE = "Secret tell: misspelt Lumeire tag"
REASON = "The hologram trick is already known to sellers"


def _tip_rows(tip_id):
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "Tip", AuditEvent.object_id == str(tip_id))).all()


def test_admin_reading_the_audit_log_sees_the_tip_id_but_not_its_title_or_reason(
        people, api, as_user):
    r = api(people["member"]).post("/api/v1/tips", json=tip_data(title=TITLE))
    assert r.status_code == 201
    tip_id = r.get_json()["id"]
    r = api(people["staff"]).post(f"/api/v1/tips/{tip_id}/review",
                                  json={"decision": "needs_info", "reason": REASON})
    assert r.status_code == 200, r.get_json()
    admin = as_user(people["admin"])
    assert admin.get(f"/queqiao/tips/{tip_id}").status_code == 404
    page = admin.get("/admin/audit?action=tip.").get_data(as_text=True)
    assert f"Tip {tip_id} submitted" in page and f"Tip {tip_id} needs_info" in page
    assert "Lumeire" not in page and "hologram" not in page


def test_tip_audit_details_carry_statuses_and_sharing_never_content(people, api):
    tip = services.create_tip(people["member"], tip_data(title=TITLE),
                              [_png("lumeire-tag-closeup.png")])
    services.review_tip(people["staff"], tip, "reject", REASON)
    rows = _tip_rows(tip.id)
    assert {e.action for e in rows} >= {"tip.create", "tip.attach", "tip.review"}
    review = next(e for e in rows if e.action == "tip.review")
    assert review.details == {"decision": "reject", "from_status": "submitted",
                              "to_status": "rejected"}
    create = next(e for e in rows if e.action == "tip.create")
    assert create.details == {"status": "submitted", "sharing": "platform"}
    text = json.dumps([[e.summary, e.details] for e in rows], ensure_ascii=False)
    for secret in ("Lumeire", "hologram", "lumeire-tag", "高仿", "LUMIERE"):
        assert secret not in text, secret


def _png(name):
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    return FileStorage(BytesIO(PNG), filename=name, content_type="image/png")
