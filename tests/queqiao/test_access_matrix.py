"""Role x sharing level x read path: nobody sees what they should not, everybody sees
what they should.

A tip's audience: the author's organisation and platform staff always; once accepted,
its group's member companies (`working_group`) or every member company (`alliance`).
The secretariat sees no tips.
"""

import io

import pytest

from portal.extensions import db
from portal.notifications.models import Notification
from queqiao.tips import services
from tests.queqiao.tipkit import PNG, make_tip
from tests.support import factories

ROLES = ("author", "colleague", "group_member", "other_member", "staff", "admin")
OWN_SIDE = {"author", "colleague", "staff"}
AUDIENCE = {
    "platform": OWN_SIDE,
    "working_group": OWN_SIDE | {"group_member"},
    "alliance": OWN_SIDE | {"group_member", "other_member"},
}
KEYWORD = "矩阵测试词"


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return {t["id"] for t in response.get_json()["items"]}


def _status(response, seen: int = 200) -> bool:
    response.close()  # a served file keeps its handle open until closed
    assert response.status_code in (seen, 404), response.status_code
    return response.status_code == seen


def _page_lists(client, w, query: str = "") -> bool:
    r = client.page.get(f"/queqiao/tips{query}")
    assert r.status_code == 200
    return f'href="/queqiao/tips/{w.tip.id}"' in r.get_data(as_text=True)


def _page_hint(client, w) -> bool:
    r = client.page.get(f"/queqiao/tips/{w.anchor.id}")
    r.close()
    return r.status_code == 200 and f'href="/queqiao/tips/{w.tip.id}"' in r.get_data(True)


def _feedback(client, w) -> bool:
    """Only the author's side and staff; others who see the tip get 403, the rest 404."""
    status = client.get(f"/api/v1/tips/{w.tip.id}/feedback").status_code
    assert status == 200 or status == (403 if w.sees else 404), status
    return status == 200


READ_PATHS = {
    "page_list": _page_lists,
    "page_search": lambda c, w: _page_lists(c, w, f"?q={KEYWORD}"),
    "page_detail": lambda c, w: _status(c.page.get(f"/queqiao/tips/{w.tip.id}")),
    "page_attachment": lambda c, w: _status(
        c.page.get(f"/queqiao/tips/{w.tip.id}/attachments/{w.attachment.id}")),
    "page_similar_hint": _page_hint,
    "csv_export": lambda c, w: f"\n{w.tip.id},Matrix tip," in c.page.get(
        "/queqiao/tips/export.csv").get_data(as_text=True),
    "api_list": lambda c, w: w.tip.id in _ids(c.get("/api/v1/tips")),
    "api_detail": lambda c, w: _status(c.get(f"/api/v1/tips/{w.tip.id}")),
    "api_search": lambda c, w: w.tip.id in _ids(c.get(f"/api/v1/tips?q={KEYWORD}")),
    "attachment": lambda c, w: _status(
        c.get(f"/api/v1/tips/{w.tip.id}/attachments/{w.attachment.id}")),
    "feedback": lambda c, w: _feedback(c, w),
    "comments": lambda c, w: _status(c.get(f"/api/v1/tips/{w.tip.id}/comments")),
    "similar_hint": lambda c, w: _status(c.get(f"/api/v1/tips/{w.anchor.id}/similar")) and
    w.tip.id in _ids(c.get(f"/api/v1/tips/{w.anchor.id}/similar")),
    "notification": lambda c, w: any(
        n.payload.get("tip_id") == w.tip.id for n in db.session.scalars(
            db.select(Notification).where(Notification.user_id == w.user.id))),
}


class World:
    """The tip under test, its evidence, and an alliance-wide tip sharing a keyword."""

    def __init__(self, cast, sharing: str, status: str):
        self.cast = cast
        self.tip = make_tip(cast["author"], sharing=sharing, title="Matrix tip",
                            indicators={"keywords": [KEYWORD, "matrix"]})
        self.attachment = services.add_attachment(
            cast["author"], self.tip, _upload(PNG, "evidence.png"))
        if status == "accepted":
            services.review_tip(cast["staff"], self.tip, "accept")
        third = factories.make_user("member", groups=("luxury-goods", "pharmaceutical"))
        self.anchor = make_tip(third, sharing="alliance", status="accepted",
                               staff=cast["staff"], title="Anchor",
                               indicators={"keywords": [KEYWORD]})
        # Everyone who may see the tip joins its conversation, so comments reach them.
        for role in ROLES:
            if services.may(cast[role], "tip.comment", self.tip):
                services.add_comment(cast[role], self.tip, f"{role} was here")
        self.user = None
        self.sees = False


def _upload(data: bytes, name: str):
    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.mark.parametrize("status", ["accepted", "submitted"])
@pytest.mark.parametrize("sharing", ["platform", "working_group", "alliance"])
def test_every_read_path_follows_the_sharing_level(cast, api, as_user, sharing, status):
    world = World(cast, sharing, status)
    audience = AUDIENCE[sharing] if status == "accepted" else OWN_SIDE
    seen = {}
    for role in ROLES:
        client = api(cast[role])
        client.page = as_user(cast[role])
        world.user = cast[role]
        world.sees = role in audience
        for path, check in READ_PATHS.items():
            seen[(role, path)] = bool(check(client, world))
    expected = {(role, path): role in (OWN_SIDE if path == "feedback" else audience)
                for role in ROLES for path in READ_PATHS}
    wrong = sorted(k for k in expected if seen[k] != expected[k])
    assert wrong == [], f"sharing={sharing} status={status}: wrong for {wrong}"


def test_narrowing_stops_notifications_to_those_who_lost_sight(cast, api):
    tip = make_tip(cast["author"], sharing="alliance", status="accepted", staff=cast["staff"])
    services.add_comment(cast["other_member"], tip, "We see this too")
    services.edit_tip(cast["author"], tip, {"sharing": "platform"})
    before = db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.user_id == cast["other_member"].id))
    services.add_comment(cast["staff"], tip, "Thanks")
    after = db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.user_id == cast["other_member"].id))
    assert after == before
    assert api(cast["other_member"]).get(f"/api/v1/tips/{tip.id}").status_code == 404


def test_submitted_goes_to_staff_and_reviewed_to_the_authors_organisation(cast):
    tip = make_tip(cast["author"], sharing="alliance")
    services.review_tip(cast["staff"], tip, "accept")

    def types(role):
        return {n.type for n in db.session.scalars(db.select(Notification).where(
            Notification.user_id == cast[role].id)) if n.payload.get("tip_id") == tip.id}

    assert types("staff") == {"tip.submitted"}
    assert types("author") == {"tip.reviewed"} and types("colleague") == {"tip.reviewed"}
    assert types("group_member") == set() and types("other_member") == set()
    assert types("admin") == set()
