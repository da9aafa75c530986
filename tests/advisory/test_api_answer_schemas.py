"""The tracker's API answers are the ones the OpenAPI document describes, through a whole
life: votes (shown and hidden), comments, a co-sign, a link, the decision, the platform's
response and milestones."""

from advisory import services
from tests.advisory import helpers
from tests.support.documented import assert_documented, served_document
from tests.workinggroups.helpers import make_meeting

BASE = "/api/v1/recommendations"
ONE = "/recommendations/{rec_id}"


def test_a_recommendation_through_its_life_follows_the_schema(api, board, client):
    chair = api(board["chair"])
    r = chair.post(BASE, json=helpers.DRAFT)
    assert r.status_code == 201 and r.get_json()["submitted_at"] is None
    assert_documented(served_document(client), "post", "/recommendations", r)
    rec_id = r.get_json()["id"]
    r = chair.post(f"{BASE}/{rec_id}/submit")
    assert r.get_json()["review_deadline"] is not None
    assert_documented(served_document(client), "post", f"{ONE}/submit", r)
    r = chair.post(f"{BASE}/{rec_id}/links",
                   json={"kind": "meeting", "ref": str(make_meeting(board["chair"]).id)})
    assert r.status_code == 201 and len(r.get_json()["links"]) == 1
    assert_documented(served_document(client), "post", f"{ONE}/links", r)
    r = api(board["chair2"]).post(f"{BASE}/{rec_id}/cosign")
    assert r.status_code == 201 and r.get_json()["cosigned_by"] == ["pharmaceutical"]
    assert_documented(served_document(client), "post", f"{ONE}/cosign", r)
    r = api(board["chair2"]).post(f"{BASE}/{rec_id}/comments", json={"body": "Agreed."})
    assert r.status_code == 201 and r.get_json()["comments"][0]["author"]["organization"]
    assert_documented(served_document(client), "post", f"{ONE}/comments", r)
    for voter, position in (("chair", "support"), ("chair2", "object")):
        r = api(board[voter]).post(f"{BASE}/{rec_id}/votes", json={"position": position})
        assert r.status_code == 200
        assert_documented(served_document(client), "post", f"{ONE}/votes", r)
    assert r.get_json()["votes"]["mine"] == "object" and r.get_json()["votes"]["support"] == 1

    services.decide(board["admin"], services.get(rec_id), "endorsed", "Agreed.")
    staff = api(board["staff"])
    r = staff.post(f"{BASE}/{rec_id}/response",
                   json={"outcome": "accepted", "rationale": "We will do it."})
    assert r.get_json()["response"] == {"outcome": "accepted", "rationale": "We will do it."}
    assert_documented(served_document(client), "post", f"{ONE}/response", r)
    r = staff.post(f"{BASE}/{rec_id}/milestones",
                   json={"title": "Pilot", "target_date": "2030-06-30", "progress": 10})
    assert r.status_code == 201
    assert_documented(served_document(client), "post", f"{ONE}/milestones", r)
    r = staff.post(f"{BASE}/{rec_id}/milestones", json={"title": "Everyone"})
    milestone = r.get_json()["milestones"][1]
    assert milestone["target_date"] is None
    r = staff.patch(f"{BASE}/{rec_id}/milestones/{milestone['id']}", json={"progress": 50})
    assert r.get_json()["progress"] == 30 and r.get_json()["status"] == "implementing"
    assert_documented(served_document(client), "patch", f"{ONE}/milestones/{{milestone_id}}", r)

    r = api(board["member"]).get(f"{BASE}/{rec_id}")
    assert r.get_json()["votes"]["mine"] is None
    assert {e["action"] for e in r.get_json()["history"]} >= {"create", "submit", "endorse"}
    assert_documented(served_document(client), "get", ONE, r)
    r = api(board["member"]).get(BASE)
    assert r.get_json()["items"][0]["submitted_at"] is not None
    assert_documented(served_document(client), "get", "/recommendations", r)


def test_a_hidden_tally_follows_the_schema(api, board, client):
    rec = helpers.submitted(board["chair"], hide_tally=True)
    services.vote(board["chair"], rec, "support")
    r = api(board["member"]).get(f"{BASE}/{rec.id}")
    votes = r.get_json()["votes"]
    assert votes["hidden"] is True and votes["support"] is None and votes["voted"] == 1
    assert_documented(served_document(client), "get", ONE, r)
    r = api(board["member"]).post(f"{BASE}/{rec.id}/follow")
    assert r.get_json()["following"] is True
    assert_documented(served_document(client), "post", f"{ONE}/follow", r)
