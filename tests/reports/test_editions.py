"""The secretariat's foreword and notes, and a published edition that no longer changes."""

import re

from portal.audit.models import AuditEvent
from portal.extensions import db
from reports.models import AnnualEdition
from reports.services import edition
from tests.reports import alliance
from tests.reports.alliance import YEAR
from tests.reports.pdftext import text
from tests.support import factories


def test_the_secretariat_writes_a_foreword_and_publishes(known, as_user, app):
    admin = as_user(known["admin"])
    response = admin.post(f"/reports/annual/{YEAR}/edit", data={
        "foreword_en": "A **good** year.", "foreword_zh": "丰收的一年。", "notes_en": "Counted in UTC.",
        "notes_zh": ""})
    assert response.status_code == 302
    page = admin.get(f"/reports/annual/{YEAR}").get_data(as_text=True)
    assert "<strong>good</strong>" in page and "Counted in UTC." in page
    zh = admin.get(f"/reports/annual/{YEAR}?lang=zh").get_data(as_text=True)
    assert "丰收的一年。" in zh and "Counted in UTC." in zh  # a blank note falls back
    assert admin.post(f"/reports/annual/{YEAR}/publish").status_code == 302
    item = edition(YEAR)
    assert item.is_published and item.figures["figures"]["tips"]["shared"] == 6
    assert "A good year." in text(item.pdf_en) and "丰收的一年。" in text(item.pdf_zh)
    assert db.session.query(AuditEvent).filter_by(action="report.edition.publish").count() == 1


def test_a_published_edition_does_not_follow_corrected_data(known, as_user, api):
    admin = as_user(known["admin"])
    admin.post(f"/reports/annual/{YEAR}/publish")
    frozen_pdf = edition(YEAR).pdf_en
    org = factories.make_org("Late Brand", country="Italy")
    late = factories.make_user("member", org)
    alliance._tip(late, "Late tip", "accepted", known["staff"], alliance.at(8, 1), 1)
    assert api(late).get(f"/api/v1/reports/alliance?year={YEAR}").get_json()["tips"]["shared"] == 7
    page = as_user(late).get(f"/reports/annual/{YEAR}").get_data(as_text=True)
    assert re.search(r'id="fig-tips-shared">6<', page) and "Published on" in page
    response = as_user(late).get(f"/reports/annual/{YEAR}.pdf?lang=en")
    assert response.data == frozen_pdf


def test_a_published_edition_cannot_be_edited_or_published_again(known, as_user):
    admin = as_user(known["admin"])
    admin.post(f"/reports/annual/{YEAR}/edit", data={"foreword_en": "First."})
    admin.post(f"/reports/annual/{YEAR}/publish")
    stored = edition(YEAR).published_at
    assert admin.post(f"/reports/annual/{YEAR}/edit", data={"foreword_en": "Changed."}).status_code == 409
    again = admin.post(f"/reports/annual/{YEAR}/publish", follow_redirects=True)
    assert "published already" in again.get_data(as_text=True)
    db.session.expire_all()
    assert edition(YEAR).foreword_en == "First." and edition(YEAR).published_at == stored


def test_a_stale_draft_is_refused_and_long_text_is_422(app, as_user):
    admin_user = factories.make_user("admin")
    admin = as_user(admin_user)
    admin.post(f"/reports/annual/{YEAR}/edit", data={"foreword_en": "One."})
    admin.post(f"/reports/annual/{YEAR}/edit", data={"foreword_en": "Two.", "version": "1"})
    stale = admin.post(f"/reports/annual/{YEAR}/edit", data={"foreword_en": "Three.", "version": "1"})
    assert stale.status_code == 409
    too_long = admin.post(f"/reports/annual/{YEAR}/edit", data={"foreword_en": "x" * 20_001})
    assert too_long.status_code == 422 and "x" * 100 in too_long.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(AnnualEdition).one().foreword_en == "Two."


def test_only_the_secretariat_edits_and_publishes(people, as_user):
    for role in ("member", "outsider", "chair", "staff"):
        client = as_user(people[role])
        assert client.get(f"/reports/annual/{YEAR}/edit").status_code == 404, role
        assert client.post(f"/reports/annual/{YEAR}/edit", data={"foreword_en": "x"}).status_code == 404
        assert client.post(f"/reports/annual/{YEAR}/publish").status_code == 404, role
    assert as_user(people["admin"]).get(f"/reports/annual/{YEAR}/edit").status_code == 200
    assert db.session.query(AnnualEdition).count() == 0


def test_years_outside_the_range_have_no_page(app, as_user):
    client = as_user(factories.make_user("admin"))
    for path in (f"/reports/annual/{YEAR + 1}", "/reports/annual/1999", f"/reports/annual/{YEAR + 1}.pdf",
                 f"/reports/annual/{YEAR + 1}/edit", "/reports/annual/" + "9" * 30):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/reports/annual/{YEAR + 1}/publish").status_code == 404
