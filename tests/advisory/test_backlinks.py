"""The meeting, tip and purchase pages list the recommendations that cite them, each reader
seeing only the recommendations (and pages) the policy shows them."""

from tests.advisory import helpers
from tests.queqiao.tipkit import make_tip
from tests.testbuys.helpers import propose
from tests.workinggroups.helpers import make_meeting


def _pages(board):
    chair = board["chair"]
    meeting = make_meeting(chair, title="Spring session")
    tip = make_tip(chair, title="Outlet stock replicas", sharing="platform")
    purchase = propose(chair, seller="outlet-seller")
    return chair, {
        "meeting": (meeting.id, f"/groups/luxury-goods/meetings/{meeting.id}"),
        "tip": (tip.id, f"/queqiao/tips/{tip.id}"),
        "test_purchase": (purchase.id, f"/test-purchases/{purchase.id}"),
    }


def _link(api, user, rec, kind, ref):
    r = api(user).post(f"/api/v1/recommendations/{rec.id}/links", json={"kind": kind, "ref": ref})
    assert r.status_code == 201, r.get_json()


def test_cited_pages_link_back_to_the_recommendation(as_user, api, board):
    chair, pages = _pages(board)
    rec = helpers.submitted(chair, title="Verify outlet sellers")
    for kind, (ref, _url) in pages.items():
        _link(api, chair, rec, kind, f"0{ref}")  # any spelling of the id
    client = as_user(chair)
    for kind, (_ref, url) in pages.items():
        page = client.get(url).get_data(as_text=True)
        section = page[page.index('id="backlinks"'):]
        assert f'href="/recommendations/{rec.id}"' in section, kind
        assert f"Recommendation R-{rec.id}: Verify outlet sellers" in section


def test_a_draft_citing_a_page_is_not_shown_to_others(as_user, api, board):
    chair, pages = _pages(board)
    draft = helpers.draft(chair, title="Secret draft")
    ref, url = pages["meeting"]
    _link(api, chair, draft, "meeting", str(ref))
    assert "Secret draft" in as_user(chair).get(url).get_data(as_text=True)
    member = as_user(board["member"]).get(url).get_data(as_text=True)
    assert "Secret draft" not in member and "No recommendation links here yet." in member


def test_backlinks_read_in_chinese(as_user, board):
    chair, pages = _pages(board)
    chair.locale = "zh"
    _ref, url = pages["meeting"]
    assert "被以下记录引用" in as_user(chair).get(url).get_data(as_text=True)
