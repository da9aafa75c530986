"""The tips API: writing, bad input, vetting rules, editing and resubmitting."""

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from queqiao.tips.models import Tip, TipEvent
from tests.queqiao.tipkit import make_tip, tip_data


def tip_count() -> int:
    return db.session.scalar(select(func.count(Tip.id)))


def test_member_shares_a_tip_with_chinese_keywords(people, api):
    r = api(people["member"]).post("/api/v1/tips", json=tip_data(sharing="working_group"))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "submitted" and body["sharing"] == "working_group"
    assert body["indicators"] == {"keywords": ["高仿", "原单", "lumiere outlet"],
                                  "exclude": ["正品保证"],
                                  "max_price": {"amount": 150000, "currency": "CNY"},
                                  "regions": ["CN-GD"]}
    assert body["author"]["id"] == people["member"].id
    assert body["organization"]["id"] == people["member"].organisation_id
    assert body["url"] == f"/queqiao/tips/{body['id']}"
    assert [h["action"] for h in body["history"]] == ["submitted"]
    again = api(people["member"]).get(f"/api/v1/tips/{body['id']}").get_json()
    assert again["indicators"]["keywords"][0] == "高仿"


def test_forged_server_owned_fields_are_ignored(people, api):
    forged = tip_data(status="accepted", author_id=people["staff"].id, organisation_id=1,
                      organization={"id": 1}, created_at="2001-01-01T00:00:00+00:00", id=999)
    body = api(people["member"]).post("/api/v1/tips", json=forged).get_json()
    tip = db.session.get(Tip, body["id"])
    assert tip.status == "submitted"
    assert tip.author_id == people["member"].id
    assert tip.organisation_id == people["member"].organisation_id
    assert tip.created_at.year != 2001


@pytest.mark.parametrize("change, field", [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": 5}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"description": None}, "description"),
    ({"brand": ""}, "brand"),
    ({"working_group": "no-such-group"}, "working_group"),
    ({"working_group": "pharmaceutical"}, "working_group"),
    ({"working_group": None}, "working_group"),
    ({"sharing": "everyone"}, "sharing"),
    ({"sharing": None}, "sharing"),
    ({"indicators": "高仿"}, "indicators"),
    ({"indicators": {"keywords": []}}, "indicators.keywords"),
    ({"indicators": {"keywords": "高仿"}}, "indicators.keywords"),
    ({"indicators": {"keywords": ["ok", 3]}}, "indicators.keywords"),
    ({"indicators": {"keywords": ["x" * 101]}}, "indicators.keywords"),
    ({"indicators": {"keywords": [f"k{i}" for i in range(51)]}}, "indicators.keywords"),
    ({"indicators": {"keywords": ["a"], "max_price": -5}}, "indicators.max_price"),
    ({"indicators": {"keywords": ["a"], "max_price": "cheap"}}, "indicators.max_price"),
    ({"indicators": {"keywords": ["a"], "max_price": {"amount": 1.5}}}, "indicators.max_price"),
    ({"indicators": {"keywords": ["a"], "max_price": {"amount": 5, "currency": "XXX"}}},
     "indicators.max_price"),
    ({"indicators": {"keywords": ["a"], "regions": [1]}}, "indicators.regions"),
])
def test_bad_input_is_422_with_the_field_and_writes_nothing(people, api, change, field):
    r = api(people["member"]).post("/api/v1/tips", json=tip_data(**change))
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["error"]["fields"]
    assert tip_count() == 0


def test_malformed_json_is_400(people, api):
    client = api(people["member"])
    r = client.client.post("/api/v1/tips", data="{nope", content_type="application/json",
                           headers={"Authorization": f"Bearer {client.token}"})
    assert r.status_code == 400
    assert api(people["member"]).post("/api/v1/tips", json=[1]).status_code == 400


def test_missing_sharing_defaults_to_the_narrowest(people, api):
    data = tip_data()
    del data["sharing"]
    body = api(people["member"]).post("/api/v1/tips", json=data).get_json()
    assert body["sharing"] == "platform"


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_only_member_companies_share_tips(people, api, role):
    r = api(people[role]).post("/api/v1/tips", json=tip_data())
    assert r.status_code == 403
    assert tip_count() == 0


def test_anonymous_gets_401(api):
    assert api(None).post("/api/v1/tips", json=tip_data()).status_code == 401
    assert api(None).get("/api/v1/tips").status_code == 401


# --- Vetting -------------------------------------------------------------------


@pytest.mark.parametrize("decision, status", [("accept", "accepted"),
                                              ("needs_info", "needs_info"),
                                              ("reject", "rejected")])
def test_staff_decide_and_the_history_keeps_it(people, api, decision, status):
    tip = make_tip(people["member"])
    r = api(people["staff"]).post(f"/api/v1/tips/{tip.id}/review",
                                  json={"decision": decision, "reason": "Duplicate of tip 3"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == status
    last = body["history"][-1]
    assert last["status"] == status and last["from_status"] == "submitted"
    assert last["by"]["id"] == people["staff"].id and last["reason"] == "Duplicate of tip 3"


@pytest.mark.parametrize("decision", ["needs_info", "reject"])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_reason_is_required_unless_accepting(people, api, decision, reason):
    tip = make_tip(people["member"])
    r = api(people["staff"]).post(f"/api/v1/tips/{tip.id}/review",
                                  json={"decision": decision, "reason": reason})
    assert r.status_code == 422
    assert "reason" in r.get_json()["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Tip, tip.id).status == "submitted"


def test_accepting_needs_no_reason(people, api):
    tip = make_tip(people["member"])
    r = api(people["staff"]).post(f"/api/v1/tips/{tip.id}/review", json={"decision": "accept"})
    assert r.status_code == 200 and r.get_json()["status"] == "accepted"


@pytest.mark.parametrize("decision", [None, "approve", "resubmit", "withdraw", 1])
def test_unknown_decision_is_422(people, api, decision):
    tip = make_tip(people["member"])
    r = api(people["staff"]).post(f"/api/v1/tips/{tip.id}/review",
                                  json={"decision": decision, "reason": "x"})
    assert r.status_code == 422 and "decision" in r.get_json()["error"]["fields"]


def test_only_staff_decide(cast, api):
    tip = make_tip(cast["author"], sharing="alliance", status="accepted")
    tip2 = make_tip(cast["author"])
    for who in ("author", "colleague", "group_member", "other_member"):
        r = api(cast[who]).post(f"/api/v1/tips/{tip2.id}/review", json={"decision": "accept"})
        # The author's side sees the waiting tip (403); others do not (404).
        assert r.status_code == (403 if who in ("author", "colleague") else 404), who
        r = api(cast[who]).post(f"/api/v1/tips/{tip.id}/review",
                                json={"decision": "reject", "reason": "x"})
        assert r.status_code == 403, who  # everyone sees the accepted alliance tip
    assert api(cast["admin"]).post(f"/api/v1/tips/{tip2.id}/review",
                                   json={"decision": "accept"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Tip, tip2.id).status == "submitted"


@pytest.mark.parametrize("status, decision", [
    ("accepted", "accept"), ("accepted", "reject"), ("rejected", "accept"),
    ("needs_info", "accept"), ("needs_info", "needs_info"), ("withdrawn", "accept"),
])
def test_illegal_transitions_are_409(people, api, status, decision):
    tip = make_tip(people["member"], status=status if status != "withdrawn" else "submitted")
    if status == "withdrawn":
        api(people["member"]).post(f"/api/v1/tips/{tip.id}/withdraw", json={})
    r = api(people["staff"]).post(f"/api/v1/tips/{tip.id}/review",
                                  json={"decision": decision, "reason": "x"})
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "illegal_transition"


def test_needs_info_edit_resubmit_cycle(people, api):
    author, staff = people["member"], people["staff"]
    tip = make_tip(author)
    api(staff).post(f"/api/v1/tips/{tip.id}/review",
                    json={"decision": "needs_info", "reason": "Insufficient evidence"})
    current = api(author).get(f"/api/v1/tips/{tip.id}").get_json()
    r = api(author).patch(f"/api/v1/tips/{tip.id}", json={
        "description": "Now with photos of the fake stitching.", "version": current["version"]})
    assert r.status_code == 200, r.get_json()
    r = api(author).post(f"/api/v1/tips/{tip.id}/resubmit", json={"note": "Photos added"})
    assert r.status_code == 200 and r.get_json()["status"] == "submitted"
    r = api(staff).post(f"/api/v1/tips/{tip.id}/review", json={"decision": "accept"})
    history = r.get_json()["history"]
    assert [h["action"] for h in history] == ["submitted", "needs_info", "edited", "resubmitted",
                                              "accepted"]
    assert history[1]["reason"] == "Insufficient evidence"
    assert history[3]["reason"] == "Photos added"


def test_resubmitting_a_waiting_tip_is_409(people, api):
    tip = make_tip(people["member"])
    assert api(people["member"]).post(f"/api/v1/tips/{tip.id}/resubmit",
                                      json={}).status_code == 409


def test_stale_version_is_409_and_changes_nothing(people, api):
    tip = make_tip(people["member"])
    r = api(people["member"]).patch(f"/api/v1/tips/{tip.id}", json={"title": "New", "version": 99})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "stale_version"
    db.session.expire_all()
    assert db.session.get(Tip, tip.id).title == tip_data()["title"]


def test_accepted_content_cannot_change_but_sharing_can_widen(people, api):
    tip = make_tip(people["member"], status="accepted")
    client = api(people["member"])
    assert client.patch(f"/api/v1/tips/{tip.id}", json={"title": "Changed"}).status_code == 409
    r = client.patch(f"/api/v1/tips/{tip.id}", json={"sharing": "alliance"})
    assert r.status_code == 200 and r.get_json()["sharing"] == "alliance"
    assert r.get_json()["history"][-1]["action"] == "sharing_widened"


def test_narrowing_sharing_is_recorded(people, api):
    tip = make_tip(people["member"], sharing="alliance", status="accepted")
    r = api(people["member"]).patch(f"/api/v1/tips/{tip.id}", json={"sharing": "platform"})
    last = r.get_json()["history"][-1]
    assert last["action"] == "sharing_narrowed"
    assert last["details"] == {"before": "alliance", "after": "platform"}
    from portal.audit.models import AuditEvent
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "tip.sharing_narrowed", AuditEvent.object_id == str(tip.id)))


def test_only_the_authors_organisation_edits(cast, api):
    tip = make_tip(cast["author"], sharing="alliance", status="accepted")
    assert api(cast["colleague"]).patch(f"/api/v1/tips/{tip.id}",
                                        json={"sharing": "working_group"}).status_code == 200
    for who in ("group_member", "staff"):
        r = api(cast[who]).patch(f"/api/v1/tips/{tip.id}", json={"sharing": "platform"})
        assert r.status_code == 403, who
    assert api(cast["other_member"]).patch(f"/api/v1/tips/{tip.id}",
                                           json={"sharing": "platform"}).status_code == 404


def test_withdraw_and_history(people, api):
    tip = make_tip(people["member"])
    r = api(people["member"]).post(f"/api/v1/tips/{tip.id}/withdraw", json={"reason": "Dup"})
    assert r.get_json()["status"] == "withdrawn"
    assert db.session.scalar(select(func.count(TipEvent.id)).where(TipEvent.tip_id == tip.id)) == 2


def test_edit_with_bad_fields_is_422(people, api):
    tip = make_tip(people["member"])
    r = api(people["member"]).patch(f"/api/v1/tips/{tip.id}", json={"title": "", "sharing": "x"})
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"title", "sharing"}


def test_list_filters_are_checked(people, api):
    client = api(people["member"])
    assert client.get("/api/v1/tips?status=nope").status_code == 422
    assert client.get("/api/v1/tips?group=nope").status_code == 422
    assert client.get("/api/v1/tips?since=yesterday").status_code == 422
    assert client.get("/api/v1/tips?per_page=0").status_code == 422


def test_comments_round_trip_and_are_checked(people, api):
    tip = make_tip(people["member"])
    r = api(people["staff"]).post(f"/api/v1/tips/{tip.id}/comments", json={"body": "哪个店铺？"})
    assert r.status_code == 201 and r.get_json()["body"] == "哪个店铺？"
    assert api(people["member"]).post(f"/api/v1/tips/{tip.id}/comments",
                                      json={"body": " "}).status_code == 422
    items = api(people["member"]).get(f"/api/v1/tips/{tip.id}/comments").get_json()["items"]
    assert [c["body"] for c in items] == ["哪个店铺？"]


def test_vetting_queue_is_for_staff_oldest_first(people, api):
    first = make_tip(people["member"], title="First")
    second = make_tip(people["member"], title="Second")
    make_tip(people["member"], title="Decided", status="accepted")
    assert api(people["member"]).get("/api/v1/tips/queue").status_code == 403
    items = api(people["staff"]).get("/api/v1/tips/queue").get_json()["items"]
    assert [i["id"] for i in items] == [first.id, second.id]
    assert all(i["waiting_seconds"] >= 0 and i["trusted_contributor"] is False for i in items)


def test_the_openapi_document_describes_tips(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post", "get"} <= set(paths["/tips"])
    assert "post" in paths["/tips/{tip_id}/review"]
    assert "get" in paths["/tips/{tip_id}/feedback"]


def test_each_person_reads_the_review_notice_in_their_language(make, people):
    from portal.notifications.models import Notification
    from queqiao.tips import services

    author = people["member"]
    colleague = make.make_user("member", org=author.organisation, locale="zh")
    tip = make_tip(author, title="Fake belts")
    services.review_tip(people["staff"], tip, "needs_info", "Which shops?")

    def title(user):
        return db.session.scalar(select(Notification.title).where(
            Notification.user_id == user.id, Notification.type == "tip.reviewed"))

    assert title(author) == "Your tip “Fake belts” was reviewed: Needs information"
    assert title(colleague) == "您的线索“Fake belts”已审核：需补充信息"
