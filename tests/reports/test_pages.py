"""The dashboard and the brand page show the known alliance's figures, in both languages."""

import re

from portal.extensions import db
from tests.reports.alliance import YEAR
from tests.support import factories
from tests.support.queries import query_cost


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_the_dashboard_shows_the_alliance_figures(known, as_user):
    page = as_user(known["users"]["C"]).get(f"/reports?year={YEAR}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    expected = {"fig-organizations": "5", "fig-tips-shared": "6", "fig-tips-accepted": "3",
                "fig-vetting": "6.0 days", "fig-rules-active": "3", "fig-hits": "6",
                "fig-taken-down": "3", "fig-proactive": "75.0 %", "fig-purchases": "4",
                "fig-counterfeit": "2", "fig-genuine": "1", "fig-rate": "66.7 %",
                "fig-spend": "¥450.00", "fig-referrals": "2", "fig-referral-value": "¥110,000.00",
                "fig-decided": "3", "fig-to-decision": "6.0 days", "fig-to-answer": "20.0 days",
                "fig-within-30": "100.0 %"}
    assert {key: _text(html, key) for key in expected} == expected
    assert 'id="trend-chart"' in html and 'data-chart="' in html and "<script>" not in html
    assert 'id="monthly-table"' in html  # the numbers beside the chart
    assert "reports.js" in html


def test_the_dashboard_in_chinese(known, as_user):
    known["users"]["C"].locale = "zh"
    db.session.commit()
    html = as_user(known["users"]["C"]).get(f"/reports?year={YEAR}").get_data(as_text=True)
    assert "联盟仪表板" in html
    assert _text(html, "fig-vetting") == "6.0 天"
    assert _text(html, "fig-spend") == "¥450.00"
    assert "已分享的线索" in html


def test_the_dashboard_names_no_company(known, as_user):
    html = as_user(known["users"]["C"]).get(f"/reports?year={YEAR}").get_data(as_text=True)
    for key in "ABDE":
        assert f"Brand {key}" not in html


def test_a_small_group_shows_a_dash_and_why(known, as_user):
    html = as_user(known["users"]["A"]).get(f"/reports?year={YEAR}").get_data(as_text=True)
    row = re.search(r'data-group="pharmaceutical">(.*?)</tr>', html, re.S).group(1)
    assert "—" in row
    assert 'id="suppressed-note"' in html and "fewer than 3 organisations" in html


def test_the_dashboard_of_an_empty_year_says_so(app, as_user):
    html = as_user(factories.make_user("member")).get("/reports?year=2001").get_data(as_text=True)
    assert "Nothing to report for this year yet." in html


def test_a_bad_year_is_422(app, as_user):
    client = as_user(factories.make_user("member"))
    assert client.get("/reports?year=abc").status_code == 422
    assert client.get("/reports?year=1999").status_code == 422


def test_the_dashboard_is_in_the_navigation(app, as_user):
    html = as_user(factories.make_user("member")).get("/home").get_data(as_text=True)
    assert 'href="/reports"' in html


def test_the_brand_page_shows_its_own_figures(known, as_user):
    org = known["orgs"]["A"]
    page = as_user(known["users"]["A"]).get(f"/reports/brand/{org.id}?year={YEAR}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = re.search(r'data-figure="test_purchases.share">(.*?)</tr>', html, re.S).group(1)
    assert "¥100.00" in row
    assert "Alpha tip" in html and "Bravo tip" not in html
    assert "seller-1" in html and "seller-2" not in html


def test_the_dashboard_costs_the_same_statements_as_data_grows(known, as_user, app):
    client = as_user(known["users"]["A"])
    before = query_cost(lambda: client.get(f"/reports?year={YEAR}"))
    from tests.reports import alliance

    for n in range(3):
        org = factories.make_org(f"More {n}", country="Italy")
        user = factories.make_user("member", org)
        alliance._tip(user, f"More tip {n}", "accepted", known["staff"], alliance.at(7, 1 + n), 3)
    after = query_cost(lambda: client.get(f"/reports?year={YEAR}"))
    assert after == before
