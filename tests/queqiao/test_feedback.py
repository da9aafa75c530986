"""Feedback counted from registered sources; the track record and the trusted mark."""

from datetime import timedelta

import pytest

from portal.models import utcnow
from queqiao.tips.feedback import FeedbackEvent, precision, weekly
from tests.queqiao.tipkit import feedback_source, make_tip


def test_with_no_source_the_feedback_is_real_zeros(people, api):
    tip = make_tip(people["member"], status="accepted")
    body = api(people["member"]).get(f"/api/v1/tips/{tip.id}/feedback").get_json()
    for key in ("rules", "hits", "taken_down", "test_purchases", "confirmed_counterfeit",
                "confirmed_genuine"):
        assert body[key] == 0, key
    assert body["precision"] is None
    assert body["weekly"] and all(w["hits"] == 0 for w in body["weekly"])


def test_feedback_counts_the_events_of_this_tip_only(people, api):
    tip = make_tip(people["member"], status="accepted")
    other = make_tip(people["member"], status="accepted")
    now = utcnow()
    kinds = ["rule", "rule", "hit", "hit", "hit", "hit", "taken_down", "taken_down",
             "false_positive", "test_purchase", "test_purchase", "test_purchase", "counterfeit",
             "counterfeit", "counterfeit", "genuine", "inconclusive", "no_such_kind"]
    events = [FeedbackEvent(tip.id, k, now - timedelta(minutes=i)) for i, k in enumerate(kinds)]
    events.append(FeedbackEvent(other.id, "hit", now))
    with feedback_source(events):
        body = api(people["staff"]).get(f"/api/v1/tips/{tip.id}/feedback").get_json()
    assert {k: body[k] for k in ("rules", "hits", "taken_down", "false_positives",
                                 "test_purchases", "confirmed_counterfeit", "confirmed_genuine",
                                 "inconclusive")} == {
        "rules": 2, "hits": 4, "taken_down": 2, "false_positives": 1, "test_purchases": 3,
        "confirmed_counterfeit": 3, "confirmed_genuine": 1, "inconclusive": 1}
    # (3 counterfeit + 2 taken down) ÷ (those + 1 genuine + 1 false positive)
    assert body["precision"] == pytest.approx(5 / 7)
    assert sum(w["hits"] for w in body["weekly"]) == 4


def test_feedback_is_for_the_authors_organisation_and_staff(cast, api):
    tip = make_tip(cast["author"], sharing="alliance", status="accepted")
    expected = {"author": 200, "colleague": 200, "staff": 200, "group_member": 403,
                "other_member": 403, "admin": 404}
    for who, status in expected.items():
        assert api(cast[who]).get(f"/api/v1/tips/{tip.id}/feedback").status_code == status, who


def test_precision_is_counterfeit_over_authenticated():
    assert precision(0, 0) is None
    assert precision(9, 1) == 0.9
    assert precision(0, 3) == 0.0


def test_weekly_series_has_no_gaps():
    from tests.queqiao.tipkit import at

    events = [FeedbackEvent(1, "hit", at(2)), FeedbackEvent(1, "hit", at(3)),
              FeedbackEvent(1, "taken_down", at(20))]
    series = weekly(events, at(2), at(24))
    assert [w["week"] for w in series] == ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
    assert [w["hits"] for w in series] == [2, 0, 0, 0]
    assert [w["taken_down"] for w in series] == [0, 0, 1, 0]


def _accepted_tips(author, n, staff):
    return [make_tip(author, status="accepted", staff=staff, title=f"Tip {i}") for i in range(n)]


def test_track_record_counts_windows_and_earns_the_trusted_mark(app, make, api):
    app.config.update(TIPS_TRUSTED_MIN_ACCEPTED=3, TIPS_TRUSTED_MIN_ACCEPTANCE=0.9,
                      TIPS_TRUSTED_MIN_PRECISION=0.9)
    staff = make.make_user("staff")
    good = make.make_user("member")
    tips = _accepted_tips(good, 3, staff)
    now = utcnow()
    events = [FeedbackEvent(tips[0].id, "counterfeit", now - timedelta(days=d)) for d in (1, 40, 70)]
    events += [FeedbackEvent(tips[1].id, "hit", now - timedelta(days=45))]
    with feedback_source(events):
        body = api(good).get(f"/api/v1/organizations/{good.organisation_id}/tip-record").get_json()
        assert body["trusted"] is True
        windows = {w["months"]: w for w in body["windows"]}
        assert windows[1]["accepted"] == 3 and windows[1]["submitted"] == 3
        assert windows[1]["hits"] == 0 and windows[2]["hits"] == 1
        assert windows[1]["precision"] == 1.0
        assert body["thresholds"]["min_accepted"] == 3
    # Without authenticated purchases precision is unmeasured: no mark.
    body = api(staff).get(f"/api/v1/organizations/{good.organisation_id}/tip-record").get_json()
    assert body["trusted"] is False


def test_track_record_is_private_to_the_organisation_and_staff(people, api):
    org_id = people["member"].organisation_id
    assert api(people["member"]).get(f"/api/v1/organizations/{org_id}/tip-record").status_code == 200
    assert api(people["staff"]).get(f"/api/v1/organizations/{org_id}/tip-record").status_code == 200
    for who in ("outsider", "chair", "admin"):
        r = api(people[who]).get(f"/api/v1/organizations/{org_id}/tip-record")
        assert r.status_code == 404, who
    assert api(people["staff"]).get("/api/v1/organizations/99999/tip-record").status_code == 404


def test_trusted_contributors_go_to_the_front_of_the_queue(app, make, api):
    app.config.update(TIPS_TRUSTED_MIN_ACCEPTED=2)
    staff = make.make_user("staff")
    ordinary, trusted = make.make_user("member"), make.make_user("member")
    old = make_tip(ordinary, title="Waiting longest")
    tips = _accepted_tips(trusted, 2, staff)
    new = make_tip(trusted, title="From a trusted contributor")
    events = [FeedbackEvent(tips[0].id, "counterfeit", utcnow())]
    with feedback_source(events):
        items = api(staff).get("/api/v1/tips/queue").get_json()["items"]
    assert [i["id"] for i in items] == [new.id, old.id]
    assert [i["trusted_contributor"] for i in items] == [True, False]
    items = api(staff).get("/api/v1/tips/queue").get_json()["items"]
    assert [i["id"] for i in items] == [old.id, new.id]


def test_the_vetting_page_keeps_the_queue_order_across_pages(app, make, as_user, monkeypatch):
    monkeypatch.setattr("queqiao.tips.views.PER_PAGE", 2)
    app.config.update(TIPS_TRUSTED_MIN_ACCEPTED=2)
    staff = make.make_user("staff")
    ordinary, trusted = make.make_user("member"), make.make_user("member")
    waiting = [make_tip(ordinary, title=f"Ordinary {i}") for i in range(2)]
    tips = _accepted_tips(trusted, 2, staff)
    new = make_tip(trusted, title="From a trusted contributor")
    client = as_user(staff)
    with feedback_source([FeedbackEvent(tips[0].id, "counterfeit", utcnow())]):
        first = client.get("/queqiao/vetting").get_data(as_text=True)
        second = client.get("/queqiao/vetting?page=2").get_data(as_text=True)
    assert first.index(new.title) < first.index(waiting[0].title)
    assert "trusted-mark" in first and waiting[1].title not in first
    assert "Next page" in first and "Previous page" not in first
    assert waiting[1].title in second and new.title not in second
    assert "Previous page" in second and "Next page" not in second
    assert "trusted-mark" not in second
    reader = as_user(make.make_user("staff", locale="zh"))
    assert "下一页" in reader.get("/queqiao/vetting").get_data(as_text=True)


def test_a_reader_of_some_kinds_skips_the_sources_of_others(app):
    from queqiao.tips.feedback import events_for, register_feedback_source, unregister_feedback_source

    asked = []

    def hits_only(tip_ids):
        asked.append(tip_ids)
        return [FeedbackEvent(tip_ids[0], "hit", utcnow())]

    register_feedback_source(hits_only, kinds=["hit"])
    try:
        assert events_for([1], kinds=["counterfeit", "genuine"]) == [] and asked == []
        assert [e.kind for e in events_for([1])] == ["hit"] and asked == [[1]]
    finally:
        unregister_feedback_source(hits_only)
