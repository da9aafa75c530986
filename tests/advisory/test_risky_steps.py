"""Risky steps of the tracker: the vote has no default, submitting asks first and says what
happened, the board hears of a submission and the secretariat of a quorum."""

import re

from sqlalchemy import select

from advisory import services
from advisory.models import RecommendationVote
from portal.extensions import db
from portal.notifications.models import Notification
from tests.advisory import helpers


def _notes(user, type_):
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.type == type_)).all()


def test_vote_form_has_no_default_and_an_empty_vote_is_refused(as_user, board):
    rec = helpers.submitted(board["chair"])
    client = as_user(board["chair2"])
    page = client.get(f"/recommendations/{rec.id}").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="vote-position".*?</select>', page, re.S).group(0)
    assert "required" in select_html.split(">")[0] and "<option selected" not in select_html
    assert re.search(r'<select[^>]*><option value="">', select_html)
    r = client.post(f"/recommendations/{rec.id}/vote", data={"vote-position": ""})
    assert r.status_code == 422
    assert db.session.scalar(select(RecommendationVote)) is None


def test_submit_button_asks_first_and_the_message_says_who_was_asked(as_user, board):
    rec = helpers.draft(board["chair"])
    client = as_user(board["chair"])
    page = client.get(f"/recommendations/{rec.id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="[^"]*/submit"[^>]*>', page).group(0)
    assert "data-confirm=" in form and "notified" in form
    r = client.post(f"/recommendations/{rec.id}/submit", follow_redirects=True)
    text = r.get_data(as_text=True)
    # the board is three chairs; the one submitting is not told of it
    assert f"Recommendation R-{rec.id} is with the board; 2 chairs are notified" in text


def test_chairs_on_the_board_are_asked_to_vote_on_submission(board):
    helpers.submitted(board["chair"])
    assert len(_notes(board["chair2"], "recommendation.review")) == 1
    assert len(_notes(board["chair3"], "recommendation.review")) == 1
    assert _notes(board["chair"], "recommendation.review") == []
    assert _notes(board["member"], "recommendation.review") == []


def test_secretariat_gets_one_to_do_when_quorum_is_reached(board):
    rec = helpers.submitted(board["chair"])
    services.vote(board["chair"], rec, "support")
    assert _notes(board["admin"], "recommendation.quorum") == []
    services.vote(board["chair2"], rec, "object")  # quorum is two of three
    services.vote(board["chair2"], rec, "support")  # a changed vote does not repeat it
    services.vote(board["chair3"], rec, "abstain")
    notes = _notes(board["admin"], "recommendation.quorum")
    assert len(notes) == 1 and "reached quorum" in notes[0].title
    assert _notes(board["chair"], "recommendation.quorum") == []


def _implementing(board, progress):
    rec = helpers.endorsed(board["chair"], board["admin"], [board["chair2"], board["chair3"]])
    services.respond(board["staff"], rec, "accepted", "We will.")
    services.add_milestone(board["staff"], rec, "Roll-out", None, progress)
    return rec


def test_implemented_below_100_percent_needs_a_reason(as_user, board):
    rec = _implementing(board, 40)
    staff = as_user(board["staff"])
    page = staff.get(f"/recommendations/{rec.id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*id="complete-form".*?</form>', page, re.S).group(0)
    assert "data-confirm=" in form and 'name="complete-note"' in form
    refused = staff.post(f"/recommendations/{rec.id}/complete")
    assert refused.status_code == 422
    assert "Implementation stands at 40 %" in refused.get_data(as_text=True)
    assert services.get(rec.id).status == "implementing"
    done = staff.post(f"/recommendations/{rec.id}/complete",
                      data={"complete-note": "The rest is the sellers' own step."})
    assert done.status_code == 302
    rec = services.get(rec.id)
    assert rec.status == "implemented" and rec.events[-1].note.startswith("The rest")


def test_implemented_at_100_percent_needs_no_reason(as_user, board):
    rec = _implementing(board, 100)
    staff = as_user(board["staff"])
    page = staff.get(f"/recommendations/{rec.id}").get_data(as_text=True)
    assert 'name="complete-note"' not in page
    assert staff.post(f"/recommendations/{rec.id}/complete").status_code == 302
    assert services.get(rec.id).status == "implemented"
