"""GET /api/v1/reports/alliance and /reports/organization, as in the integration contract."""

from tests.reports.alliance import YEAR
from tests.support import factories

CONTRACT = {"year", "organizations", "countries", "working_groups", "tips", "rules", "hits",
            "taken_down", "test_purchases", "referrals", "board"}


def test_the_alliance_figures(known, api):
    body = api(known["users"]["B"]).get(f"/api/v1/reports/alliance?year={YEAR}").get_json()
    assert set(body) >= CONTRACT
    assert (body["year"], body["organizations"], body["countries"], body["working_groups"]) == (
        YEAR, 5, 5, 2)
    assert {k: body["tips"][k] for k in ("shared", "accepted")} == {"shared": 6, "accepted": 3}
    assert body["rules"] == {"active": 3}
    assert (body["hits"], body["taken_down"]) == (6, 3)
    assert {k: body["test_purchases"][k] for k in ("count", "counterfeit", "genuine", "spend")} == {
        "count": 4, "counterfeit": 2, "genuine": 1, "spend": {"amount": 45000, "currency": "CNY"}}
    assert body["referrals"] == {"count": 2, "value": {"amount": 11_000_000, "currency": "CNY"}}
    assert {k: body["board"][k] for k in ("decided", "median_days_to_decision",
                                          "answered_within_30_days")} == {
        "decided": 3, "median_days_to_decision": 6.0, "answered_within_30_days": 1.0}


def test_the_year_defaults_to_the_current_one(known, api):
    assert api(known["users"]["B"]).get("/api/v1/reports/alliance").get_json()["year"] == YEAR


def test_the_callers_own_organisation(known, api):
    body = api(known["users"]["A"]).get(f"/api/v1/reports/organization?year={YEAR}").get_json()
    assert set(body) >= CONTRACT
    assert body["organization"]["name"] == "Brand A"
    assert body["tips"]["shared"] == 2 and body["hits"] == 2 and body["taken_down"] == 1
    assert body["test_purchases"]["spend"] == {"amount": 30000, "currency": "CNY"}
    assert body["test_purchases"]["share"] == {"amount": 10000, "currency": "CNY"}
    other = api(known["users"]["E"]).get(f"/api/v1/reports/organization?year={YEAR}").get_json()
    assert other["organization"]["name"] == "Brand E"
    assert other["test_purchases"]["count"] == 1 and other["tips"]["shared"] == 0


def test_suppressed_figures_are_null_and_listed(known, api, app):
    app.config["REPORTS_MIN_ORGANISATIONS"] = 6
    body = api(known["users"]["B"]).get(f"/api/v1/reports/alliance?year={YEAR}").get_json()
    assert body["tips"]["shared"] is None and body["test_purchases"]["spend"] is None
    assert "tips.shared" in body["suppressed"] and "test_purchases" in body["suppressed"]


def test_bad_years_are_422_and_no_token_is_401(app, api):
    client = api(factories.make_user("member"))
    for year in ("abc", "1999", str(YEAR + 1), "9" * 40):
        response = client.get(f"/api/v1/reports/alliance?year={year}")
        assert response.status_code == 422, year
        assert "year" in response.get_json()["error"]["fields"]
    assert client.get("/api/v1/reports/organization?year=x").status_code == 422
    for path in ("/api/v1/reports/alliance", "/api/v1/reports/organization"):
        assert api(None).get(path).status_code == 401


def test_every_role_reads_the_alliance_figures(people, api):
    for user in people.values():
        assert api(user).get("/api/v1/reports/alliance").status_code == 200
        assert api(user).get("/api/v1/reports/organization").status_code == 200


def test_the_openapi_document(app, api):
    doc = api(factories.make_user("member")).get("/api/v1/openapi.json").get_json()
    for path in ("/reports/alliance", "/reports/organization"):
        operation = doc["paths"][path]["get"]
        assert operation["parameters"][0]["name"] == "year"
    figures = doc["components"]["schemas"]["ReportFigures"]
    assert set(figures["required"]) == CONTRACT
