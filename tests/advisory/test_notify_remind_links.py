"""Followers and the group hear of every status change (live and by e-mail, after commit);
chairs who have not voted are reminded; links show only what the reader may see."""

from datetime import timedelta

from sqlalchemy import select

from advisory import links, services
from advisory.models import Recommendation, RecommendationLink
from portal.extensions import db
from portal.models import utcnow
from portal.notifications.models import Notification
from tests.advisory import helpers
from tests.support import factories


def _told(user, kind="recommendation.status"):
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.type == kind)).all()


def test_status_change_reaches_author_group_and_followers_not_the_actor(app, board):
    rec = helpers.draft(board["chair"])
    services.submit(board["vice"], rec)
    services.follow(board["outsider"], rec)
    mail = app.extensions.setdefault("sent_mail", [])
    mail.clear()
    services.decide(board["admin"], rec, "returned", "More data")
    for who in ("chair", "vice", "member", "outsider"):
        titles = [n.title for n in _told(board[who])]
        assert any("is now returned" in t for t in titles), who
    assert _told(board["admin"]) == []
    assert _told(board["chair3"]) == []
    assert {m["To"] for m in mail} >= {board["chair"].email, board["member"].email,
                                       board["outsider"].email}


def test_a_draft_tells_nobody_outside_its_chairs(board):
    rec = helpers.draft(board["chair"])
    services.withdraw(board["chair"], rec)
    assert _told(board["member"]) == []
    assert len(_told(board["vice"])) == 1


def test_status_notice_reads_in_the_recipients_language(board):
    board["member"].locale = "zh"
    db.session.commit()
    helpers.submitted(board["chair"], title="Seller checks")
    assert _told(board["member"])[0].title == "建议“Seller checks”现在的状态：顾问委员会审议中。"


def test_nothing_is_sent_when_the_change_rolls_back(app, board, monkeypatch):
    rec = helpers.draft(board["chair"])
    sent = app.extensions["sent_mail"] = []

    def fail():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", fail)
    try:
        services.submit(board["chair"], rec)
    except RuntimeError:
        db.session.rollback()
    monkeypatch.undo()
    assert sent == [] and _told(board["vice"]) == []
    assert db.session.get(Recommendation, rec.id).status == "draft"


def test_reminders_go_to_chairs_who_have_not_voted_once_a_day(runner, board):
    rec = helpers.submitted(board["chair"])
    services.vote(board["chair2"], rec, "object")
    rec.review_deadline = utcnow().date() + timedelta(days=2)
    db.session.commit()
    result = runner.invoke(args=["remind-board", "--days", "3"])
    assert result.exit_code == 0 and f"recommendation {rec.id}: reminded 2 chairs" in result.output
    assert len(_told(board["chair"], "recommendation.reminder")) == 1
    assert len(_told(board["chair3"], "recommendation.reminder")) == 1
    assert _told(board["chair2"], "recommendation.reminder") == []
    assert _told(board["vice"], "recommendation.reminder") == []
    again = runner.invoke(args=["remind-board", "--days", "3"])
    assert "reminded" not in again.output


def test_no_reminder_when_the_deadline_is_far(board):
    rec = helpers.submitted(board["chair"])
    rec.review_deadline = utcnow().date() + timedelta(days=10)
    db.session.commit()
    assert services.remind_board(utcnow().date(), 3) == []


def _secret_doc(user, ref):
    """A test kind: ref "open-N" anyone sees, "staff-N" only platform staff."""
    if ref.startswith("open-") or (ref.startswith("staff-") and user.is_staff):
        return f"Document {ref}", f"/docs/{ref}"
    return None


def test_links_show_only_what_the_reader_may_see(api, board):
    links.register_link_kind("document", _secret_doc)
    try:
        rec = helpers.submitted(board["chair"])
        chair = api(board["chair"])
        r = chair.post(f"/api/v1/recommendations/{rec.id}/links",
                       json={"kind": "document", "ref": "open-1"})
        assert r.status_code == 201
        staff_admin = factories.make_user("admin")
        assert api(staff_admin).post(f"/api/v1/recommendations/{rec.id}/links",
                                     json={"kind": "document", "ref": "staff-2"}
                                     ).status_code == 422  # the admin cannot see it
        # Linked by someone who could see it: the member still must not.
        db.session.add(RecommendationLink(recommendation_id=rec.id, kind="document",
                                          ref="staff-2", added_by_id=board["chair"].id,
                                          added_at=utcnow()))
        db.session.commit()
        member_view = api(board["member"]).get(f"/api/v1/recommendations/{rec.id}").get_json()
        assert [link["ref"] for link in member_view["links"]] == ["open-1"]
        staff_view = api(board["staff"]).get(f"/api/v1/recommendations/{rec.id}").get_json()
        assert [link["label"] for link in staff_view["links"]] == ["Document open-1",
                                                                  "Document staff-2"]
        assert chair.post(f"/api/v1/recommendations/{rec.id}/links",
                          json={"kind": "document", "ref": "open-1"}).status_code == 409
        assert chair.post(f"/api/v1/recommendations/{rec.id}/links",
                          json={"kind": "rumour", "ref": "1"}).status_code == 422
        assert api(board["member"]).post(f"/api/v1/recommendations/{rec.id}/links",
                                         json={"kind": "document", "ref": "open-3"}
                                         ).status_code == 403
    finally:
        links.unregister_link_kind("document")


def test_demo_step_is_idempotent(app, board):
    from portal import demo

    demo.seed()
    count = db.session.scalar(select(db.func.count(Recommendation.id)))
    assert count >= 5
    demo.seed()
    assert db.session.scalar(select(db.func.count(Recommendation.id))) == count
