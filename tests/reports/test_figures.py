"""The figures of a known alliance, worked out by hand, added up by the database."""

from reports import figures
from tests.reports.alliance import YEAR


def test_alliance_figures_of_the_known_alliance(known):
    f = figures.alliance(YEAR)
    assert (f["organizations"], f["countries"], f["working_groups"]) == (5, 5, 2)
    regions = {r["region"]: r["count"] for r in f["members"]["by_region"]}
    assert regions == {"europe": 2, "americas": 1, "china": 1, "asia_pacific": 1, "other": 0}
    assert f["members"]["at_start"] == 1
    assert f["members"]["joined_by_month"][:6] == [1, 2, 0, 0, 0, 1]
    assert f["members"]["total_by_month"][:6] == [2, 4, 4, 4, 4, 5]
    assert f["tips"] == {"shared": 6, "accepted": 3, "median_days_to_vetting": 6.0,
                         "by_status": {"submitted": 1, "needs_info": 1, "accepted": 3,
                                       "rejected": 1, "withdrawn": 1}}
    assert f["rules"] == {"active": 3}
    assert (f["hits"], f["taken_down"], f["false_positives"]) == (6, 3, 1)
    assert f["proactive_share"] == 0.75  # 3 takedowns by rules, 1 after a test purchase
    assert f["test_purchases"] == {"count": 4, "counterfeit": 2, "genuine": 1, "inconclusive": 0,
                                   "counterfeit_rate": 0.667,
                                   "spend": {"amount": 45000, "currency": "CNY"}}
    assert f["referrals"] == {"count": 2, "value": {"amount": 11_000_000, "currency": "CNY"}}
    board = f["board"]
    assert (board["recommendations"], board["decided"]) == (3, 3)
    assert board["median_days_to_decision"] == 6.0
    assert board["median_days_to_answer"] == 20.0
    assert board["answered_within_30_days"] == 1.0
    luxury = next(g for g in f["groups"] if g["slug"] == "luxury-goods")
    assert (luxury["members"], luxury["meetings"], luxury["minutes_on_time"], luxury["threads"],
            luxury["documents"], luxury["recommendations"]) == (5, 2, 1, 1, 0, 3)
    assert f["monthly"]["tips"][2:5] == [2, 2, 2]


def test_a_group_of_fewer_companies_than_the_threshold_is_suppressed(known):
    f = figures.alliance(YEAR)
    pharma = next(g for g in f["groups"] if g["slug"] == "pharmaceutical")
    assert pharma["members"] == 2 and pharma["suppressed"] and pharma["meetings"] is None
    assert f["suppressed"] == ["groups.pharmaceutical"]


def test_figures_from_too_few_organisations_are_suppressed(known, app):
    app.config["REPORTS_MIN_ORGANISATIONS"] = 5  # tips come from 4, purchases from 5, hits from 3
    f = figures.alliance(YEAR)
    assert f["tips"]["shared"] is None and f["tips"]["accepted"] is None
    assert f["hits"] is None and f["taken_down"] is None and f["rules"]["active"] is None
    assert f["test_purchases"]["count"] == 4
    assert f["referrals"] == {"count": None, "value": None}
    assert f["monthly"]["tips"] is None and f["monthly"]["hits"] is None
    assert {"tips.shared", "hits", "taken_down", "referrals"} <= set(f["suppressed"])
    assert f["organizations"] == 5 and f["board"]["decided"] == 3  # never suppressed


def test_one_brands_figures(known):
    f = figures.organisation(known["orgs"]["A"], YEAR)
    assert f["organization"]["name"] == "Brand A"
    assert f["tips"]["shared"] == 2 and f["tips"]["accepted"] == 1
    assert f["rules"] == {"active": 1}
    assert (f["hits"], f["taken_down"], f["false_positives"]) == (2, 1, 1)
    assert f["proactive_share"] == 0.5
    assert f["test_purchases"]["count"] == 2 and f["test_purchases"]["counterfeit"] == 1
    assert f["test_purchases"]["spend"] == {"amount": 30000, "currency": "CNY"}
    assert f["test_purchases"]["share"] == {"amount": 10000, "currency": "CNY"}  # weight 1 of 3
    assert f["referrals"] == {"count": 1, "value": {"amount": 6_000_000, "currency": "CNY"}}
    assert f["suppressed"] == []


def test_year_on_year(known):
    rows = {r["key"]: r for r in figures.year_on_year(figures.alliance(YEAR),
                                                       figures.alliance(YEAR - 1))}
    assert rows["organizations"] == {"key": "organizations", "current": 5, "previous": 1,
                                     "change": 4.0}
    assert rows["tips.shared"]["previous"] == 0 and rows["tips.shared"]["change"] is None


def test_an_empty_year(app):
    f = figures.alliance(YEAR)
    assert f["organizations"] == 0 and f["tips"]["shared"] == 0 and f["suppressed"] == []
    assert f["board"]["median_days_to_decision"] is None
