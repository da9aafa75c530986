"""Racing edits and decisions of one tip: one wins, the other gets 409 and tells nobody."""

import pytest

from portal.extensions import db
from portal.notifications.models import Notification
from queqiao.tips import services
from queqiao.tips.models import Tip, TipEvent
from tests.queqiao.tipkit import make_tip
from tests.support.race import codes, meet_before, race


@pytest.fixture
def tip(people):
    return make_tip(people["member"])


def _reload(tip_id):
    db.session.expire_all()
    return db.session.get(Tip, tip_id)


def test_two_edits_of_one_version_save_one_and_refuse_the_other(api, people, tip, monkeypatch):
    tid = tip.id
    meet_before(monkeypatch, services, "edit_tip")
    author, colleague = api(people["member"]), api(people["member"])
    answers = race(
        lambda: author.patch(f"/api/v1/tips/{tid}", json={"title": "First edit", "version": 1}),
        lambda: colleague.patch(f"/api/v1/tips/{tid}",
                                json={"title": "Second edit", "version": 1}))
    assert codes(answers) == [200, 409], [r.get_json() for r in answers]
    loser = next(r for r in answers if r.status_code == 409)
    assert loser.get_json()["error"]["code"] == "stale_version"
    winner = next(r for r in answers if r.status_code == 200).get_json()
    stored = _reload(tid)
    assert stored.title == winner["title"] and stored.version == 2
    edits = db.session.query(TipEvent).filter_by(tip_id=tid, action="edited").count()
    assert edits == 1


@pytest.mark.parametrize("first,second", [("accept", "reject"), ("accept", "needs_info")])
def test_racing_decisions_decide_once_and_notify_once(api, make, people, tip, monkeypatch,
                                                      first, second):
    tid = tip.id
    meet_before(monkeypatch, services, "review_tip")
    one, other = api(people["staff"]), api(make.make_user("staff"))
    author_id = people["member"].id
    db.session.query(Notification).delete()
    db.session.commit()
    answers = race(
        lambda: one.post(f"/api/v1/tips/{tid}/review", json={"decision": first}),
        lambda: other.post(f"/api/v1/tips/{tid}/review",
                           json={"decision": second, "reason": "Not enough."}))
    assert codes(answers) == [200, 409], [r.get_json() for r in answers]
    winner = next(r for r in answers if r.status_code == 200).get_json()
    assert _reload(tid).status == winner["status"]
    decided = db.session.query(TipEvent).filter(
        TipEvent.tip_id == tid, TipEvent.from_status == "submitted").count()
    assert decided == 1
    told = db.session.query(Notification).filter_by(type="tip.reviewed").all()
    assert [n.user_id for n in told] == [author_id]


def test_accept_against_withdraw_lets_only_one_happen(api, people, tip, monkeypatch):
    tid = tip.id
    meet_before(monkeypatch, services, "review_tip", "withdraw_tip")
    staff, author = api(people["staff"]), api(people["member"])
    answers = race(
        lambda: staff.post(f"/api/v1/tips/{tid}/review", json={"decision": "accept"}),
        lambda: author.post(f"/api/v1/tips/{tid}/withdraw", json={}))
    assert codes(answers) == [200, 409], [r.get_json() for r in answers]
    winner = next(r for r in answers if r.status_code == 200).get_json()
    assert _reload(tid).status == winner["status"] in ("accepted", "withdrawn")
    moves = db.session.query(TipEvent).filter(
        TipEvent.tip_id == tid, TipEvent.from_status == "submitted").count()
    assert moves == 1

