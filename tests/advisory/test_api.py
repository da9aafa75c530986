"""The recommendations API: the contract's paths, roles, refusals and the whole walk."""

import pytest

from tests.advisory import helpers

BASE = "/api/v1/recommendations"


def test_chair_drafts_and_gets_201_with_draft_status(api, board):
    r = api(board["chair"]).post(BASE, json=helpers.DRAFT)
    assert r.status_code == 201
    body = r.get_json()
    assert body["status"] == "draft" and body["working_group"] == "luxury-goods"
    assert body["url"] == f"/recommendations/{body['id']}"
    assert body["history"][0]["status"] == "draft"
    assert body["history"][0]["by"]["id"] == board["chair"].id


def test_vice_chair_may_draft_for_their_group(api, board):
    assert api(board["vice"]).post(BASE, json=helpers.DRAFT).status_code == 201


@pytest.mark.parametrize("who", ["member", "chair2", "staff", "admin"])
def test_only_the_groups_chairs_draft(api, board, who):
    r = api(board[who]).post(BASE, json=helpers.DRAFT)
    assert r.status_code == 403
    assert r.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("field, value", [
    ("category", "astrology"), ("category", None), ("title", ""), ("title", "x" * 201),
    ("summary", "  "), ("working_group", "no-such-group"), ("title", 42),
])
def test_bad_draft_fields_answer_422_with_the_field(api, board, field, value):
    r = api(board["chair"]).post(BASE, json={**helpers.DRAFT, field: value})
    assert r.status_code == 422
    assert field in r.get_json()["error"]["fields"]


def test_malformed_json_is_400(api, board):
    client = api(board["chair"])
    r = client.client.post(BASE, data="{", headers={"Content-Type": "application/json",
                                                     "Authorization": f"Bearer {client.token}"})
    assert r.status_code == 400


def test_draft_is_private_to_the_groups_chairs(api, board):
    rec = helpers.draft(board["chair"])
    for who in ("member", "chair2", "staff", "admin", "outsider"):
        assert api(board[who]).get(f"{BASE}/{rec.id}").status_code == 404, who
        assert api(board[who]).get(BASE).get_json()["total"] == 0, who
    assert api(board["vice"]).get(f"{BASE}/{rec.id}").status_code == 200


def test_submitted_is_visible_to_every_member_organisation_staff_and_admin(api, board):
    rec = helpers.submitted(board["chair"])
    for who in ("member", "outsider", "chair2", "staff", "admin"):
        r = api(board[who]).get(f"{BASE}/{rec.id}")
        assert r.status_code == 200, who
        assert r.get_json()["status"] == "submitted"


def test_unauthenticated_is_401(api, board):
    assert api(None).get(BASE).status_code == 401
    assert api(None).post(BASE, json=helpers.DRAFT).status_code == 401


@pytest.mark.parametrize("who, status", [("chair", 200), ("vice", 200), ("chair2", 404),
                                         ("member", 404), ("staff", 404), ("admin", 404)])
def test_who_may_submit(api, board, who, status):
    rec = helpers.draft(board["chair"])
    assert api(board[who]).post(f"{BASE}/{rec.id}/submit").status_code == status


def test_submitted_cannot_be_submitted_again(api, board):
    rec = helpers.submitted(board["chair"])
    r = api(board["chair"]).post(f"{BASE}/{rec.id}/submit")
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "illegal_transition"
    assert "under board review" in error["message"]


@pytest.mark.parametrize("who, status", [("chair", 200), ("chair2", 200), ("chair3", 200),
                                         ("vice", 403), ("member", 403), ("staff", 403),
                                         ("admin", 403)])
def test_only_current_chairs_vote(api, board, who, status):
    rec = helpers.submitted(board["chair"])
    r = api(board[who]).post(f"{BASE}/{rec.id}/votes", json={"position": "support"})
    assert r.status_code == status


@pytest.mark.parametrize("position", ["yes", "", None, 1, "SUPPORT"])
def test_vote_outside_the_list_is_422(api, board, position):
    rec = helpers.submitted(board["chair"])
    r = api(board["chair2"]).post(f"{BASE}/{rec.id}/votes", json={"position": position})
    assert r.status_code == 422
    assert "position" in r.get_json()["error"]["fields"]


def test_one_vote_each_changeable_until_the_decision(api, board):
    rec = helpers.submitted(board["chair"])
    voter = api(board["chair2"])
    voter.post(f"{BASE}/{rec.id}/votes", json={"position": "object"})
    r = voter.post(f"{BASE}/{rec.id}/votes", json={"position": "support", "comment": "Convinced"})
    votes = r.get_json()["votes"]
    assert votes["voted"] == 1 and votes["support"] == 1 and votes["object"] == 0
    assert votes["board"] == 3 and votes["quorum"] == 2 and not votes["quorum_reached"]
    api(board["chair3"]).post(f"{BASE}/{rec.id}/votes", json={"position": "support"})
    api(board["admin"]).post(f"{BASE}/{rec.id}/decision", json={"outcome": "endorsed"})
    r = voter.post(f"{BASE}/{rec.id}/votes", json={"position": "object"})
    assert r.status_code == 409


def test_hidden_tally_shows_only_how_many_voted_until_the_decision(api, board):
    rec = helpers.submitted(board["chair"], hide_tally=True)
    api(board["chair2"]).post(f"{BASE}/{rec.id}/votes", json={"position": "object"})
    seen = api(board["member"]).get(f"{BASE}/{rec.id}").get_json()["votes"]
    assert seen["voted"] == 1 and seen["hidden"] is True and seen["object"] is None
    mine = api(board["chair2"]).get(f"{BASE}/{rec.id}").get_json()["votes"]
    assert mine["mine"] == "object" and mine["object"] is None
    assert api(board["admin"]).get(f"{BASE}/{rec.id}").get_json()["votes"]["object"] == 1
    api(board["admin"]).post(f"{BASE}/{rec.id}/decision", json={"outcome": "returned"})
    after = api(board["member"]).get(f"{BASE}/{rec.id}").get_json()["votes"]
    assert after["hidden"] is False and after["object"] == 1


@pytest.mark.parametrize("who, status", [("admin", 200), ("chair", 403), ("chair2", 403),
                                         ("staff", 403), ("member", 403)])
def test_only_the_secretariat_records_the_decision(api, board, who, status):
    rec = helpers.submitted(board["chair"])
    r = api(board[who]).post(f"{BASE}/{rec.id}/decision", json={"outcome": "returned"})
    assert r.status_code == status


def test_endorsing_needs_quorum(api, board):
    rec = helpers.submitted(board["chair"])
    api(board["chair2"]).post(f"{BASE}/{rec.id}/votes", json={"position": "support"})
    r = api(board["admin"]).post(f"{BASE}/{rec.id}/decision", json={"outcome": "endorsed"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "no_quorum"
    api(board["chair3"]).post(f"{BASE}/{rec.id}/votes", json={"position": "support"})
    r = api(board["admin"]).post(f"{BASE}/{rec.id}/decision", json={"outcome": "endorsed"})
    assert r.status_code == 200 and r.get_json()["status"] == "endorsed"


def test_quorum_is_configurable(app, api, board):
    app.config["ADVISORY_QUORUM"] = 1
    rec = helpers.submitted(board["chair"])
    api(board["chair2"]).post(f"{BASE}/{rec.id}/votes", json={"position": "support"})
    r = api(board["admin"]).post(f"{BASE}/{rec.id}/decision", json={"outcome": "declined"})
    assert r.get_json()["status"] == "declined"


@pytest.mark.parametrize("outcome", ["approved", "", None])
def test_unknown_decision_is_422(api, board, outcome):
    rec = helpers.submitted(board["chair"])
    r = api(board["admin"]).post(f"{BASE}/{rec.id}/decision", json={"outcome": outcome})
    assert r.status_code == 422 and "outcome" in r.get_json()["error"]["fields"]


def test_response_only_after_endorsement(api, board):
    rec = helpers.submitted(board["chair"])
    r = api(board["staff"]).post(f"{BASE}/{rec.id}/response",
                                 json={"outcome": "accepted", "rationale": "Yes"})
    assert r.status_code == 409


@pytest.mark.parametrize("body, field", [
    ({"outcome": "accepted", "rationale": ""}, "rationale"),
    ({"outcome": "accepted"}, "rationale"),
    ({"outcome": "maybe", "rationale": "Because"}, "outcome"),
])
def test_bad_response_is_422(api, board, body, field):
    rec = helpers.endorsed(board["chair"], board["admin"], [board["chair2"], board["chair3"]])
    r = api(board["staff"]).post(f"{BASE}/{rec.id}/response", json=body)
    assert r.status_code == 422 and field in r.get_json()["error"]["fields"]
    assert api(board["staff"]).get(f"{BASE}/{rec.id}").get_json()["status"] == "endorsed"


@pytest.mark.parametrize("who, status", [("staff", 200), ("admin", 403), ("chair", 403),
                                         ("member", 403)])
def test_only_platform_staff_respond(api, board, who, status):
    rec = helpers.endorsed(board["chair"], board["admin"], [board["chair2"], board["chair3"]])
    r = api(board[who]).post(f"{BASE}/{rec.id}/response",
                             json={"outcome": "partially_accepted", "rationale": "In part."})
    assert r.status_code == status


def test_the_whole_walk_from_draft_to_implemented(api, board):
    chair, staff = api(board["chair"]), api(board["staff"])
    rid = chair.post(BASE, json=helpers.DRAFT).get_json()["id"]
    chair.post(f"{BASE}/{rid}/submit")
    api(board["chair2"]).post(f"{BASE}/{rid}/cosign")
    api(board["chair2"]).post(f"{BASE}/{rid}/comments", json={"body": "Good idea"})
    api(board["chair2"]).post(f"{BASE}/{rid}/votes", json={"position": "support"})
    api(board["chair3"]).post(f"{BASE}/{rid}/votes", json={"position": "abstain"})
    api(board["admin"]).post(f"{BASE}/{rid}/decision", json={"outcome": "endorsed", "note": "OK"})
    r = staff.post(f"{BASE}/{rid}/response", json={"outcome": "accepted", "rationale": "We will."})
    assert r.get_json()["status"] == "answered"
    r = staff.post(f"{BASE}/{rid}/milestones", json={"title": "Design", "target_date": "2027-01-31"})
    assert r.status_code == 201 and r.get_json()["status"] == "implementing"
    staff.post(f"{BASE}/{rid}/milestones", json={"title": "Roll-out", "progress": 20})
    m1 = r.get_json()["milestones"][0]["id"]
    r = staff.patch(f"{BASE}/{rid}/milestones/{m1}", json={"progress": 100})
    assert r.get_json()["progress"] == 60
    assert staff.patch(f"{BASE}/{rid}/milestones/{m1}", json={"progress": 101}).status_code == 422
    # at 60 % the platform says why it counts as implemented
    assert staff.post(f"{BASE}/{rid}/complete").status_code == 422
    r = staff.post(f"{BASE}/{rid}/complete", json={"note": "Roll-out is self-service now."})
    body = api(board["member"]).get(f"{BASE}/{rid}").get_json()
    assert body["status"] == "implemented"
    assert [h["status"] for h in body["history"]] == [
        "draft", "submitted", "submitted", "endorsed", "answered", "implementing",
        "implementing", "implementing", "implemented"]
    assert body["history"][3]["by"]["id"] == board["admin"].id
    assert body["response"] == {"outcome": "accepted", "rationale": "We will."}
    assert body["cosigned_by"] == ["pharmaceutical"]
    assert body["votes"]["support"] == 1 and body["votes"]["abstain"] == 1


def test_returned_goes_back_to_the_chair_who_edits_and_resubmits(api, board):
    rec = helpers.submitted(board["chair"])
    api(board["admin"]).post(f"{BASE}/{rec.id}/decision", json={"outcome": "returned",
                                                                 "note": "More data"})
    chair = api(board["chair"])
    current = chair.get(f"{BASE}/{rec.id}").get_json()
    r = chair.patch(f"{BASE}/{rec.id}", json={**helpers.DRAFT, "title": "Better",
                                               "version": current["version"]})
    assert r.status_code == 200 and r.get_json()["title"] == "Better"
    stale = chair.patch(f"{BASE}/{rec.id}", json={**helpers.DRAFT,
                                                   "version": current["version"]})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    bad = chair.patch(f"{BASE}/{rec.id}", json={**helpers.DRAFT, "version": "1"})
    assert bad.status_code == 422 and "version" in bad.get_json()["error"]["fields"]
    assert chair.post(f"{BASE}/{rec.id}/submit").get_json()["status"] == "submitted"


def test_withdraw_before_decision_only(api, board):
    rec = helpers.submitted(board["chair"])
    assert api(board["chair2"]).post(f"{BASE}/{rec.id}/withdraw").status_code == 403
    assert api(board["chair"]).post(f"{BASE}/{rec.id}/withdraw").get_json()["status"] == "withdrawn"
    other = helpers.endorsed(board["chair"], board["admin"], [board["chair2"], board["chair3"]])
    assert api(board["chair"]).post(f"{BASE}/{other.id}/withdraw").status_code == 409


def test_nothing_to_implement_after_a_declining_answer(api, board):
    rec = helpers.endorsed(board["chair"], board["admin"], [board["chair2"], board["chair3"]])
    staff = api(board["staff"])
    staff.post(f"{BASE}/{rec.id}/response", json={"outcome": "declined", "rationale": "No"})
    assert staff.post(f"{BASE}/{rec.id}/milestones", json={"title": "x"}).status_code == 409
    assert staff.post(f"{BASE}/{rec.id}/close").get_json()["status"] == "closed"


def test_list_filters_and_rejects_unknown_filter_values(api, board):
    helpers.submitted(board["chair"])
    helpers.submitted(board["chair2"], working_group="pharmaceutical", category="enforcement")
    client = api(board["member"])
    assert client.get(BASE).get_json()["total"] == 2
    assert client.get(f"{BASE}?working_group=pharmaceutical").get_json()["total"] == 1
    assert client.get(f"{BASE}?category=policy").get_json()["total"] == 1
    assert client.get(f"{BASE}?status=endorsed").get_json()["total"] == 0
    assert client.get(f"{BASE}?year=2020").get_json()["total"] == 0
    assert client.get(f"{BASE}?category=nope").status_code == 422
    assert client.get(f"{BASE}?year=soon").status_code == 422


def test_follow_and_unfollow(api, board):
    rec = helpers.submitted(board["chair"])
    client = api(board["outsider"])
    assert client.post(f"{BASE}/{rec.id}/follow").get_json()["following"] is True
    assert client.delete(f"{BASE}/{rec.id}/follow").get_json()["following"] is False


def test_invisible_recommendation_is_404_for_every_action(api, board):
    rec = helpers.draft(board["chair"])
    client = api(board["member"])
    for path in ("submit", "withdraw", "votes", "decision", "response", "comments", "cosign",
                 "milestones", "complete", "close", "follow", "links"):
        assert client.post(f"{BASE}/{rec.id}/{path}", json={}).status_code == 404, path
    assert client.post(f"{BASE}/99999/submit").status_code == 404


def test_resubmission_opens_a_fresh_round_of_votes(api, board):
    rec = helpers.submitted(board["chair"])
    api(board["chair2"]).post(f"{BASE}/{rec.id}/votes", json={"position": "object"})
    api(board["admin"]).post(f"{BASE}/{rec.id}/decision", json={"outcome": "returned"})
    r = api(board["chair"]).post(f"{BASE}/{rec.id}/submit")
    assert r.get_json()["votes"]["voted"] == 0
    assert r.get_json()["votes"]["mine"] is None


def test_quorum_and_review_days_come_from_the_environment(monkeypatch, tmp_path):
    from portal import create_app
    from portal.config import TestConfig

    monkeypatch.setenv("ADVISORY_QUORUM", "5")
    monkeypatch.setenv("ADVISORY_REVIEW_DAYS", "21")
    app = create_app(TestConfig(str(tmp_path), "sqlite://"))
    assert app.config["ADVISORY_QUORUM"] == 5 and app.config["ADVISORY_REVIEW_DAYS"] == 21
    monkeypatch.delenv("ADVISORY_QUORUM")
    assert create_app(TestConfig(str(tmp_path), "sqlite://")).config["ADVISORY_QUORUM"] is None


def test_submission_sets_the_review_deadline(app, api, board):
    from datetime import timedelta

    from portal.models import utcnow

    app.config["ADVISORY_REVIEW_DAYS"] = 10
    rec = helpers.draft(board["chair"])
    body = api(board["chair"]).post(f"{BASE}/{rec.id}/submit").get_json()
    assert body["review_deadline"] == (utcnow().date() + timedelta(days=10)).isoformat()
