"""Who reads which report, on every route: a member never sees another brand's figures."""

import pytest

from tests.reports.alliance import YEAR
from tests.support import factories

ALLIANCE = ("/reports", f"/reports?year={YEAR}", "/reports/annual", f"/reports/annual/{YEAR}",
            f"/reports/annual/{YEAR}.pdf")
BRAND = ("/reports/brand/{id}", "/reports/brand/{id}.csv", "/reports/brand/{id}.xlsx",
         "/reports/brand/{id}.pdf")


@pytest.fixture
def brands(app):
    a = factories.make_org("Brand One", country="France")
    b = factories.make_org("Brand Two", country="China")
    return {"a": a, "b": b, "a_user": factories.make_user("member", a),
            "b_user": factories.make_user("member", b),
            "chair": factories.make_user("chair", b, chair_of="luxury-goods"),
            "staff": factories.make_user("staff"), "admin": factories.make_user("admin")}


def test_signed_out_visitors_are_sent_to_sign_in(client, brands):
    for path in (*ALLIANCE, "/reports/brand", *(p.format(id=brands["a"].id) for p in BRAND)):
        response = client.get(path)
        assert response.status_code in (302, 401), path
        assert "/login" in response.headers.get("Location", "/login")


def test_every_signed_in_role_reads_the_alliance_reports(brands, as_user):
    for key in ("a_user", "chair", "staff", "admin"):
        client = as_user(brands[key])
        for path in ALLIANCE:
            response = client.get(path)
            assert response.status_code in (200, 302), (key, path)


def test_a_brands_people_read_its_report(brands, as_user):
    for key, org in (("a_user", "a"), ("b_user", "b"), ("chair", "b")):
        client = as_user(brands[key])
        for path in BRAND:
            assert client.get(path.format(id=brands[org].id)).status_code == 200, (key, path)
        own = client.get("/reports/brand")
        assert own.status_code == 302 and own.headers["Location"].endswith(f"/reports/brand/{brands[org].id}")


def test_another_brands_report_is_not_found(brands, as_user):
    for key, other in (("a_user", "b"), ("b_user", "a"), ("chair", "a")):
        client = as_user(brands[key])
        for path in BRAND:
            response = client.get(path.format(id=brands[other].id))
            assert response.status_code == 404, (key, path)
            assert brands[other].name.encode() not in response.data
        assert client.get("/reports/brand/999999").status_code == 404


def test_staff_and_the_secretariat_read_any_brands_report(brands, as_user):
    for key in ("staff", "admin"):
        client = as_user(brands[key])
        for org in ("a", "b"):
            for path in BRAND:
                assert client.get(path.format(id=brands[org].id)).status_code == 200, (key, path)
        page = client.get(f"/reports/brand/{brands['a'].id}").get_data(as_text=True)
        assert 'id="org-pick"' in page  # they can choose another organisation


def test_a_member_gets_no_organisation_picker(brands, as_user):
    page = as_user(brands["a_user"]).get(f"/reports/brand/{brands['a'].id}").get_data(as_text=True)
    assert 'id="org-pick"' not in page and "Brand Two" not in page


def test_the_organisation_api_is_only_ever_the_callers_own(known, api):
    for key, own in (("A", "Brand A"), ("B", "Brand B")):
        body = api(known["users"][key]).get(f"/api/v1/reports/organization?year={YEAR}").get_json()
        assert body["organization"]["name"] == own
    body = api(known["users"]["A"]).get(
        f"/api/v1/reports/organization?year={YEAR}&organization={known['orgs']['B'].id}").get_json()
    assert body["organization"]["name"] == "Brand A"


def test_the_alliance_figures_never_name_a_company(known, api, as_user):
    raw = api(known["users"]["C"]).get(f"/api/v1/reports/alliance?year={YEAR}").get_data(as_text=True)
    pdf = as_user(known["users"]["C"]).get(f"/reports/annual/{YEAR}.pdf").data
    from tests.reports.pdftext import text

    body = text(pdf)
    for key in "ABCDE":
        assert f"Brand {key}" not in raw and f"Brand {key}" not in body
