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


def test_kept_figures_are_rendered_once_per_language_and_again_when_added_up(app, as_user,
                                                                             monkeypatch):
    """Rendering the figures for each request would cost more than reading them; they are
    rendered once per sum and language. A Chinese reader after an English one still reads
    Chinese, and new sums are shown as soon as they are added up."""
    from reports import figures, views

    app.config["REPORTS_DASHBOARD_SECONDS"] = 60
    clock = [5000.0]
    monkeypatch.setattr(figures, "monotonic", lambda: clock[0])
    rendered = []
    real = views.render_template
    monkeypatch.setattr(views, "render_template", lambda name, **kw: (
        rendered.append(name), real(name, **kw))[1])
    english = as_user(factories.make_user("member"))
    chinese = as_user(factories.make_user("member", locale="zh"))
    first = english.get("/reports").get_data(as_text=True)
    english.get("/reports")
    assert rendered.count("reports/_dashboard_figures.html") == 1
    page = chinese.get("/reports").get_data(as_text=True)
    assert rendered.count("reports/_dashboard_figures.html") == 2
    assert "按月" in page or "逐月" in page
    assert 'id="trends"' in first and "Month by month" in first
    clock[0] += 61
    english.get("/reports")
    assert rendered.count("reports/_dashboard_figures.html") == 3


def test_while_one_request_adds_up_again_the_others_read_the_kept_sums(app, monkeypatch):
    """Expired sums are replaced by one request; the rest are not made to add up too."""
    import threading

    from reports import figures

    app.config["REPORTS_DASHBOARD_SECONDS"] = 60
    clock = [9000.0]
    monkeypatch.setattr(figures, "monotonic", lambda: clock[0])
    calls, started, release = [], threading.Event(), threading.Event()

    def slow_sum(year):
        calls.append(year)
        if len(calls) == 2:  # the second sum, after expiry, is slow
            started.set()
            release.wait(10)
        return {"computed_at": f"sum-{len(calls)}"}

    monkeypatch.setattr(figures, "alliance", slow_sum)
    assert figures.alliance_recent(2026)["computed_at"] == "sum-1"
    clock[0] += 61
    answers = []

    def read():
        with app.app_context():
            answers.append(figures.alliance_recent(2026)["computed_at"])

    first = threading.Thread(target=read)
    first.start()
    assert started.wait(10)
    others = [threading.Thread(target=read) for _ in range(5)]
    for t in others:
        t.start()
    for t in others:
        t.join(10)
    assert answers == ["sum-1"] * 5 and calls == [2026, 2026]
    release.set()
    first.join(10)
    assert answers[-1] == "sum-2"
    assert figures.alliance_recent(2026)["computed_at"] == "sum-2" and len(calls) == 2
