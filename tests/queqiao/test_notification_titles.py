"""A notification shows a tip's title only while the reader may still see the tip."""

from queqiao.tips import services
from tests.queqiao.tipkit import make_tip


def test_title_is_hidden_once_the_reader_lost_access(cast, as_user):
    author, reader = cast["author"], cast["group_member"]
    tip = make_tip(author, status="accepted", staff=cast["staff"], sharing="working_group",
                   title="Secret marker of fakes")
    services.add_comment(reader, tip, "Seen this too.")
    services.add_comment(author, tip, "Thanks.")
    page = as_user(reader).get("/notifications").get_data(as_text=True)
    assert "Secret marker of fakes" in page
    services.change_sharing(author, tip, "platform")
    page = as_user(reader).get("/notifications").get_data(as_text=True)
    assert "Secret marker of fakes" not in page
    assert "About something you can no longer see." in page
    # the author's side still reads its own notifications in full
    colleague_page = as_user(cast["staff"]).get("/notifications").get_data(as_text=True)
    assert "Secret marker of fakes" in colleague_page


def test_opening_such_a_notification_does_not_lead_to_the_tip(cast, as_user):
    from portal.extensions import db
    from portal.notifications.models import Notification

    author, reader = cast["author"], cast["group_member"]
    tip = make_tip(author, status="accepted", staff=cast["staff"], sharing="working_group",
                   title="Secret marker of fakes")
    services.add_comment(reader, tip, "Seen this too.")
    services.add_comment(author, tip, "Thanks.")
    services.change_sharing(author, tip, "platform")
    note = db.session.query(Notification).filter_by(user_id=reader.id, type="tip.comment").one()
    r = as_user(reader).post(f"/notifications/{note.id}/read")
    assert r.status_code == 302 and f"/tips/{tip.id}" not in r.headers["Location"]
