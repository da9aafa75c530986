"""The live dashboard adds up the alliance's figures at most once per REPORTS_DASHBOARD_SECONDS."""

from tests.support import factories
from tests.support.queries import query_cost


def test_the_dashboard_reuses_its_sums_briefly_then_adds_up_again(app, as_user, monkeypatch):
    from reports import figures

    reader = as_user(factories.make_user("member"))
    app.config["REPORTS_DASHBOARD_SECONDS"] = 60
    clock = [1000.0]
    monkeypatch.setattr(figures, "monotonic", lambda: clock[0])
    first = query_cost(lambda: reader.get("/reports"))
    html = reader.get("/reports").get_data(as_text=True)
    assert 'id="dashboard-computed"' in html
    again = query_cost(lambda: reader.get("/reports"))
    assert again < first - 10  # the figures' statements are not run again
    clock[0] += 61
    assert query_cost(lambda: reader.get("/reports")) == first


def test_the_dashboard_says_when_it_added_up_on_the_readers_clock(as_user):
    reader = factories.make_user("member", locale="zh")
    reader.timezone = "Asia/Shanghai"
    from portal.extensions import db

    db.session.commit()
    html = as_user(reader).get("/reports").get_data(as_text=True)
    stamp = html[html.index('id="dashboard-computed"'):][:400]
    assert "统计于" in stamp and "UTC+08:00" in stamp and "UTC." not in stamp


def test_the_api_always_adds_up_afresh(app, api, monkeypatch):
    app.config["REPORTS_DASHBOARD_SECONDS"] = 60
    client = api(factories.make_user("member"))
    client.get("/api/v1/reports/alliance")  # the token's first use is written once
    first = query_cost(lambda: client.get("/api/v1/reports/alliance"))
    assert first > 20
    assert query_cost(lambda: client.get("/api/v1/reports/alliance")) == first
