"""A recommendation cites the meeting it came from, tips and test purchases; each reader
sees only the ones the access policy shows them."""

from tests.advisory import helpers
from tests.queqiao.tipkit import make_tip
from tests.support import factories
from tests.testbuys.helpers import propose
from tests.workinggroups.helpers import make_meeting


def _link(client, rec, kind, ref):
    return client.post(f"/api/v1/recommendations/{rec.id}/links", json={"kind": kind, "ref": ref})


def test_each_reader_sees_only_the_meeting_tip_and_purchase_they_may_see(api, board):
    chair = board["chair"]
    rec = helpers.submitted(chair)
    meeting = make_meeting(chair, title="Spring session")
    tip = make_tip(chair, title="Outlet stock replicas", sharing="platform")
    # No working group: open purchases are seen by their group's members, and this one
    # should be seen by its participants, staff and admins only.
    purchase = propose(chair, seller="outlet-seller", working_group="")
    client = api(chair)
    for kind, ref in (("meeting", meeting.id), ("tip", tip.id), ("test_purchase", purchase.id)):
        assert _link(client, rec, kind, str(ref)).status_code == 201

    def labels(user):
        body = api(user).get(f"/api/v1/recommendations/{rec.id}").get_json()
        return sorted(link["label"] for link in body["links"])

    everything = sorted(["Spring session", "Outlet stock replicas", "taobao · outlet-seller"])
    assert labels(chair) == everything
    assert labels(board["staff"]) == everything
    # A member of the group sees its meeting, not another company's platform-only tip or
    # a purchase it does not take part in.
    assert labels(board["member"]) == ["Spring session"]
    assert labels(board["outsider"]) == []


def test_a_link_to_something_the_chair_cannot_see_is_refused(api, board):
    rec = helpers.submitted(board["chair"])
    stranger = factories.make_user("member", groups=("pharmaceutical",))
    hidden_tip = make_tip(stranger, sharing="platform", working_group="pharmaceutical")
    hidden_purchase = propose(stranger, seller="other-seller", working_group="pharmaceutical")
    client = api(board["chair"])
    for kind, ref in (("tip", str(hidden_tip.id)), ("test_purchase", str(hidden_purchase.id)),
                      ("meeting", "999999"), ("tip", "not-a-number")):
        r = _link(client, rec, kind, ref)
        assert r.status_code == 422, (kind, ref)
        assert "ref" in r.get_json()["error"]["fields"]


def test_link_form_offers_the_kinds_in_the_readers_language(as_user, board):
    rec = helpers.submitted(board["chair"])
    page = as_user(board["chair"]).get(f"/recommendations/{rec.id}").get_data(as_text=True)
    for label in ("Meeting", "Queqiao tip", "Test purchase"):
        assert f">{label}</option>" in page
