"""The audit log through the API and as CSV: admins only, the page's filters."""

import csv
import io
from datetime import timedelta

import pytest

from portal.audit.services import record
from portal.extensions import db
from portal.models import utcnow


def events(people):
    record(people["staff"], "tip.review", None, "Tip 1 accept")
    record(people["member"], "tip.create", None, "=cmd|' /C calc'!A0")
    record(people["admin"], "membership.approve", None, "Approved")
    db.session.commit()


@pytest.mark.parametrize("role, status", [("admin", 200), ("staff", 403), ("chair", 403),
                                          ("member", 403), ("outsider", 403), (None, 401)])
def test_only_admins_read_the_audit_log(people, api, role, status):
    events(people)
    c = api(people[role] if role else None)
    assert c.get("/api/v1/audit").status_code == status
    assert c.get("/api/v1/audit/export").status_code == status


def test_filters_by_actor_action_and_dates(people, api):
    events(people)
    admin = api(people["admin"])
    tips = admin.get("/api/v1/audit?action=tip.").get_json()
    assert {e["action"] for e in tips["items"]} == {"tip.review", "tip.create"}
    mine = admin.get(f"/api/v1/audit?actor={people['member'].id}").get_json()["items"]
    assert [e["action"] for e in mine if e["action"].startswith("tip")] == ["tip.create"]
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    assert admin.get(f"/api/v1/audit?since={tomorrow}").get_json()["total"] == 0
    assert admin.get(f"/api/v1/audit?since={yesterday}&until={yesterday}").get_json()["total"] == 0
    everything = admin.get(f"/api/v1/audit?since={yesterday}&until={tomorrow}").get_json()
    assert everything["total"] >= 3


@pytest.mark.parametrize("query, field", [("since=soon", "since"), ("until=3000-01-01", "until"),
                                          ("actor=abc", "actor"), ("page=0", "page")])
def test_bad_filters_are_422(people, api, query, field):
    r = api(people["admin"]).get(f"/api/v1/audit?{query}")
    assert r.status_code == 422 and field in r.get_json()["error"]["fields"]


def test_csv_download_has_the_filtered_events_with_formulas_neutralised(people, api, as_user):
    events(people)
    r = api(people["admin"]).get("/api/v1/audit/export?action=tip.")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert {row["action"] for row in rows} == {"tip.review", "tip.create"}
    assert any(row["summary"].startswith("'=cmd") for row in rows)
    page = as_user(people["admin"]).get("/admin/audit/export.csv?action=tip.")
    assert page.status_code == 200 and page.get_data() == r.get_data()


def test_the_page_links_its_csv_with_the_same_filters(people, as_user):
    html = as_user(people["admin"]).get("/admin/audit?action=tip.").get_data(as_text=True)
    assert 'href="/admin/audit/export.csv?action=tip."' in html


@pytest.mark.parametrize("role", ["staff", "member", "chair"])
def test_others_cannot_download_the_page_csv(people, as_user, role):
    assert as_user(people[role]).get("/admin/audit/export.csv").status_code in (403, 404)


def test_audit_events_are_as_documented(people, api, client):
    """Admins alone read the log, so the contract run never sees an event: held to the
    document here, with a system event and details of every JSON kind."""
    from tests.support.documented import assert_documented

    events(people)
    record(None, "scan.run", None, "Scanned 2 listings", new_hits=2, feed_id=None,
           fields=["title"], override=True, ratio=0.5, nested={"before": "a", "after": "b"})
    db.session.commit()
    document = client.get("/api/v1/openapi.json").get_json()
    body = assert_documented(document, "get", "/audit", api(people["admin"]).get("/api/v1/audit"),
                             200)
    scan = next(e for e in body["items"] if e["action"] == "scan.run")
    assert scan["actor"] is None and scan["details"]["feed_id"] is None
