"""Racing steps on one recommendation: one conditional write each, the loser gets 409."""

from advisory import services
from advisory.models import Recommendation, RecommendationEvent, RecommendationVote
from portal.extensions import db
from portal.notifications.models import Notification
from tests.advisory import helpers
from tests.support.race import codes, meet_before, race


def _reload(rec_id):
    db.session.expire_all()
    return db.session.get(Recommendation, rec_id)


def test_two_edits_of_one_version_save_one(api, board, monkeypatch):
    rid = helpers.draft(board["chair"]).id
    meet_before(monkeypatch, services, "update")
    chair, vice = api(board["chair"]), api(board["vice"])
    body = {**helpers.DRAFT, "version": 1}
    answers = race(
        lambda: chair.patch(f"/api/v1/recommendations/{rid}", json={**body, "title": "One"}),
        lambda: vice.patch(f"/api/v1/recommendations/{rid}", json={**body, "title": "Two"}))
    assert codes(answers) == [200, 409], [r.get_json() for r in answers]
    winner = next(r for r in answers if r.status_code == 200).get_json()
    rec = _reload(rid)
    assert rec.title == winner["title"] and rec.version == 2


def test_racing_decisions_record_one_and_tell_of_one(api, board, make, monkeypatch):
    rec = helpers.submitted(board["chair"])
    rid = rec.id
    for voter in (board["chair2"], board["chair3"]):
        services.vote(voter, rec, "support")
    db.session.query(Notification).delete()
    db.session.commit()
    meet_before(monkeypatch, services, "decide")
    one, other = api(board["admin"]), api(make.make_user("admin"))
    answers = race(
        lambda: one.post(f"/api/v1/recommendations/{rid}/decision", json={"outcome": "endorsed"}),
        lambda: other.post(f"/api/v1/recommendations/{rid}/decision",
                           json={"outcome": "declined"}))
    assert codes(answers) == [200, 409], [r.get_json() for r in answers]
    winner = next(r for r in answers if r.status_code == 200).get_json()
    assert _reload(rid).status == winner["status"]
    decisions = db.session.query(RecommendationEvent).filter(
        RecommendationEvent.recommendation_id == rid,
        RecommendationEvent.action.in_(("endorse", "decline"))).count()
    assert decisions == 1
    told = db.session.query(Notification).filter_by(type="recommendation.status").all()
    assert len({n.user_id for n in told}) == len(told) > 0
    assert all(n.payload["status"] == winner["status"] for n in told)


def test_withdraw_against_a_decision_lets_one_happen(api, board, monkeypatch):
    rid = helpers.submitted(board["chair"]).id
    meet_before(monkeypatch, services, "withdraw", "decide")
    chair, admin = api(board["chair"]), api(board["admin"])
    answers = race(
        lambda: chair.post(f"/api/v1/recommendations/{rid}/withdraw", json={}),
        lambda: admin.post(f"/api/v1/recommendations/{rid}/decision", json={"outcome": "returned"}))
    assert codes(answers) == [200, 409], [r.get_json() for r in answers]
    assert _reload(rid).status in ("withdrawn", "returned")


def test_a_vote_racing_the_decision_lands_before_it_or_is_refused(api, board, monkeypatch):
    rid = helpers.submitted(board["chair"]).id
    meet_before(monkeypatch, services, "vote", "decide")
    voter, admin = api(board["chair2"]), api(board["admin"])
    answers = race(
        lambda: voter.post(f"/api/v1/recommendations/{rid}/votes", json={"position": "object"}),
        lambda: admin.post(f"/api/v1/recommendations/{rid}/decision", json={"outcome": "returned"}))
    vote_code, decision_code = answers[0].status_code, answers[1].status_code
    assert decision_code == 200, answers[1].get_json()
    assert vote_code in (200, 409), answers[0].get_json()
    ballots = db.session.query(RecommendationVote).filter_by(recommendation_id=rid).count()
    assert ballots == (1 if vote_code == 200 else 0)
    if vote_code == 200:  # it counted only if it was in before the decision
        decided = db.session.query(RecommendationEvent).filter_by(
            recommendation_id=rid, action="return").one()
        vote_row = db.session.query(RecommendationVote).filter_by(recommendation_id=rid).one()
        assert vote_row.cast_at <= decided.at


def test_two_votes_of_one_chair_at_once_keep_one_ballot(api, board, monkeypatch):
    rid = helpers.submitted(board["chair"]).id
    meet_before(monkeypatch, services, "vote")
    first, second = api(board["chair2"]), api(board["chair2"])
    answers = race(
        lambda: first.post(f"/api/v1/recommendations/{rid}/votes", json={"position": "support"}),
        lambda: second.post(f"/api/v1/recommendations/{rid}/votes", json={"position": "object"}))
    assert all(r.status_code in (200, 409) for r in answers), [r.get_json() for r in answers]
    assert db.session.query(RecommendationVote).filter_by(recommendation_id=rid).count() == 1


def test_two_chairs_voting_at_once_both_count(api, board, monkeypatch):
    rid = helpers.submitted(board["chair"]).id
    meet_before(monkeypatch, services, "vote")
    one, other = api(board["chair2"]), api(board["chair3"])
    answers = race(
        lambda: one.post(f"/api/v1/recommendations/{rid}/votes", json={"position": "support"}),
        lambda: other.post(f"/api/v1/recommendations/{rid}/votes", json={"position": "support"}))
    assert codes(answers) == [200, 200], [r.get_json() for r in answers]
    assert db.session.query(RecommendationVote).filter_by(recommendation_id=rid).count() == 2
