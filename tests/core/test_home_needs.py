"""The home page starts with what needs the person: each role's to-dos appear while they
wait and go when done, and nobody sees another organisation's."""

import html
import re
from datetime import timedelta

from advisory import services as advisory
from portal.accounts.groups import group_by_slug
from portal.extensions import db
from portal.models import utcnow
from queqiao.scanning.models import FeedUpload
from queqiao.tips import services as tips
from testbuys import services as testbuys
from tests.advisory.helpers import DRAFT
from tests.queqiao.tipkit import make_tip
from tests.support import factories
from tests.support.home import needs_section
from tests.support.queries import query_cost
from tests.testbuys import helpers as buys
from tests.workinggroups.helpers import make_meeting
from workinggroups.meetings import services as meetings
from workinggroups.membership import services as membership

EMPTY = "Nothing needs you right now."


def _needs(as_user, user) -> str:
    return needs_section(as_user(user).get("/home"))


def test_every_role_sees_the_empty_state_first_then_activity_and_figures(as_user, people):
    for role in ("member", "chair", "staff", "admin"):
        page = as_user(people[role]).get("/home").get_data(as_text=True)
        assert EMPTY in needs_section(page), role
        assert page.index('id="needs-you"') < page.index("Activity") < page.index(
            'id="alliance-figures"')


def test_empty_state_in_chinese(as_user):
    page = as_user(factories.make_user("member", locale="zh")).get("/home").get_data(
        as_text=True)
    assert "目前没有需要您处理的事项。" in needs_section(page) and "需要您处理" in page


def test_to_dos_speak_chinese(as_user, people):
    make_tip(people["member"], title="Misspelt logo bags")
    staff = factories.make_user("staff", people["staff"].organisation, locale="zh")
    mine = _needs(as_user, staff)
    assert "待审核的线索" in mine and "Misspelt logo bags" in mine and "需要您处理" in mine


def test_chair_is_asked_to_vote_until_voting_then_secretariat_to_record_the_decision(
        as_user, people):
    rec = advisory.submit(people["chair"], advisory.create(people["chair"], dict(DRAFT)))
    chair = _needs(as_user, people["chair"])
    assert "Awaiting your vote" in chair and f'href="/recommendations/{rec.id}"' in chair
    assert f"due {rec.review_deadline.isoformat()}" in chair
    assert DRAFT["title"] not in _needs(as_user, people["admin"])  # no quorum yet
    advisory.vote(people["chair"], rec, "support")  # the only chair: the board's quorum
    assert DRAFT["title"] not in _needs(as_user, people["chair"])
    admin = _needs(as_user, people["admin"])
    assert "Board decisions to record" in admin and DRAFT["title"] in admin
    for role in ("member", "staff"):
        assert DRAFT["title"] not in _needs(as_user, people[role])
    advisory.decide(people["admin"], rec, "endorsed", "Agreed.")
    assert EMPTY in _needs(as_user, people["admin"])


def test_secretariat_records_the_decision_once_the_review_closed_without_quorum(
        as_user, people):
    factories.make_user("chair", chair_of="pharmaceutical")  # a board of two: quorum is two
    rec = advisory.submit(people["chair"], advisory.create(people["chair"], dict(DRAFT)))
    assert DRAFT["title"] not in _needs(as_user, people["admin"])
    rec.review_deadline = utcnow().date() - timedelta(days=1)
    db.session.commit()
    assert DRAFT["title"] in _needs(as_user, people["admin"])


def test_chair_is_asked_for_minutes_until_they_are_written(as_user, people):
    meeting = make_meeting(people["chair"], title="Old session", days=-3, hours=1)
    make_meeting(people["chair"], title="Yesterday's session", days=-0.5, hours=1)
    chair = _needs(as_user, people["chair"])
    assert "Minutes to write" in chair and "Old session" in chair
    assert f"/meetings/{meeting.id}" in chair
    assert "Yesterday" not in chair  # a day's grace after the meeting
    assert "Old session" not in _needs(as_user, people["member"])
    meetings.record_minutes(people["chair"], meeting, "We met.")
    assert "Old session" not in _needs(as_user, people["chair"])


def test_chair_is_asked_to_decide_requests_to_join_until_decided(as_user, people):
    newcomer = factories.make_user("member", groups=("pharmaceutical",))
    request = membership.request_to_join(newcomer, group_by_slug("luxury-goods"))
    name = newcomer.organisation.name
    chair = _needs(as_user, people["chair"])
    assert "Requests to join your group" in chair and name in chair
    assert 'href="/groups/luxury-goods/roster"' in chair
    for role in ("member", "outsider", "staff"):
        assert name not in _needs(as_user, people[role])
    membership.decide(people["chair"], request, "approve")
    assert name not in _needs(as_user, people["chair"])


def test_tips_wait_for_staff_then_for_their_own_organisation_only(as_user, people):
    tip = make_tip(people["member"], title="Misspelt logo bags")
    competitor = factories.make_user("member", groups=("luxury-goods",))
    colleague = factories.make_user("member", people["member"].organisation)
    staff = _needs(as_user, people["staff"])
    assert "Tips waiting to be vetted" in staff and f"/queqiao/tips/{tip.id}" in staff
    assert "Misspelt" not in _needs(as_user, people["member"])
    tips.review_tip(people["staff"], tip, "needs_info", "Which listings?")
    assert "Misspelt" not in _needs(as_user, people["staff"])
    for user in (people["member"], colleague):
        mine = _needs(as_user, user)
        assert "Tips where staff asked for more information" in mine and "Misspelt" in mine
    for user in (competitor, people["chair"], people["admin"]):
        assert "Misspelt" not in _needs(as_user, user)
    tips.resubmit_tip(people["member"], tip, "These listings.")
    assert "Misspelt" not in _needs(as_user, people["member"])
    assert "Misspelt" in _needs(as_user, people["staff"])


def test_vetting_queue_lists_the_oldest_five_and_counts_the_rest(as_user, people):
    made = [make_tip(people["member"], title=f"Tip number {n}") for n in range(7)]
    staff = _needs(as_user, people["staff"])
    assert all(f"Tip number {n}<" in staff for n in range(5))
    assert "Tip number 5<" not in staff and "and 2 more" in staff
    assert f"/queqiao/tips/{made[0].id}" in staff and 'href="/queqiao/vetting"' in staff


def test_purchases_to_schedule_order_and_authenticate_reach_the_right_people(as_user, people):
    lead, partner = people["member"], factories.make_user("member", groups=("luxury-goods",))
    competitor = factories.make_user("member", groups=("luxury-goods",))
    purchase = buys.propose(lead, "seller-9")
    testbuys.join(partner, purchase.id, 1)
    lead_needs = _needs(as_user, lead)
    assert "Test purchases your organisation leads, to schedule" in lead_needs
    assert f"/test-purchases/{purchase.id}" in lead_needs
    for user in (partner, competitor, people["staff"]):
        assert "seller-9" not in _needs(as_user, user)
    when = buys.later(2)
    testbuys.schedule(lead, purchase.id, scheduled_for=when, purchaser_id=lead.id)
    assert "seller-9" not in _needs(as_user, lead)
    staff = _needs(as_user, people["staff"])
    assert "Scheduled test purchases to order" in staff and "seller-9" in staff
    assert f"due {when.date().isoformat()}" in staff
    testbuys.order(lead, purchase.id, order_number="A-1", cost=(10_000, "CNY"))
    assert "seller-9" not in _needs(as_user, people["staff"])
    testbuys.receive(lead, purchase.id, received_at=None, notes="box sealed")
    for user in (lead, partner):
        assert "your brand&#39;s verdict is missing" in _needs(as_user, user)
    for user in (competitor, people["outsider"], people["staff"], people["admin"]):
        assert "seller-9" not in _needs(as_user, user)
    testbuys.authenticate(lead, purchase.id, verdict="counterfeit", method="label check")
    assert "seller-9" not in _needs(as_user, lead)
    assert "seller-9" in _needs(as_user, partner)  # its own verdict is still missing
    testbuys.authenticate(partner, purchase.id, verdict="counterfeit", method="stitching")
    assert "seller-9" not in _needs(as_user, partner)


def _feed(staff, name: str, status: str) -> FeedUpload:
    feed = FeedUpload(filename=name, stored_path="/nowhere", status=status, created_by=staff,
                      error="bad encoding" if status == "failed" else "")
    db.session.add(feed)
    db.session.commit()
    return feed


def test_failed_feed_shows_to_staff_until_it_is_scanned_again(as_user, people):
    failed = _feed(people["staff"], "taobao-week48.csv", "failed")
    staff = _needs(as_user, people["staff"])
    assert "Feeds that failed" in staff and "taobao-week48.csv · bad encoding" in staff
    assert f"/queqiao/feeds/{failed.id}" in staff
    for role in ("member", "chair", "admin"):
        assert "taobao-week48" not in _needs(as_user, people[role])
    _feed(people["staff"], "taobao-week48.csv", "done")
    assert "taobao-week48" not in _needs(as_user, people["staff"])


def _waiting(people, partner, n: int, start: int) -> None:
    """n more to-dos of every kind for the member, chair, staff and secretariat."""
    for k in range(start, start + n):
        make_tip(people["member"], title=f"Submitted {k}")
        make_tip(people["member"], status="needs_info", staff=people["staff"],
                 title=f"Sent back {k}")
        make_meeting(people["chair"], title=f"Session {k}", days=-3 - k, hours=1)
        newcomer = factories.make_user("member", groups=("pharmaceutical",))
        membership.request_to_join(newcomer, group_by_slug("luxury-goods"))
        buys.propose(people["member"], f"proposed-{k}")
        buys.received(people["member"], partner, f"received-{k}")
        buys.scheduled(people["member"], None, f"scheduled-{k}")
        _feed(people["staff"], f"feed-{k}.csv", "failed")
        for voted in (False, True):
            rec = advisory.submit(people["chair"], advisory.create(
                people["chair"], {**DRAFT, "title": f"Recommendation {k} {voted}"}))
            if voted:
                advisory.vote(people["chair"], rec, "support")


def _cost(as_user, user) -> int:
    client = as_user(user)
    return query_cost(lambda: client.get("/home"))


def test_home_costs_the_same_statements_with_one_or_many_things_waiting(as_user, people):
    partner = factories.make_user("member", groups=("luxury-goods",))
    roles = ("member", "chair", "staff", "admin")
    _waiting(people, partner, 1, 0)
    few = {role: _cost(as_user, people[role]) for role in roles}
    _waiting(people, partner, 7, 1)
    many = {role: _cost(as_user, people[role]) for role in roles}
    assert many == few, (few, many)
    staff = _needs(as_user, people["staff"])
    assert "and 3 more" in staff  # 8 feeds that failed, 5 listed
    assert "and 3 more" in _needs(as_user, people["member"])


def test_every_link_of_the_section_opens_for_its_reader(as_user, people):
    partner = factories.make_user("member", groups=("luxury-goods",))
    _waiting(people, partner, 6, 0)
    for role in ("member", "chair", "staff", "admin"):
        client = as_user(people[role])
        links = set(re.findall(r'href="([^"]+)"', needs_section(client.get("/home"))))
        assert len(links) >= 6, role
        for link in links:
            assert client.get(html.unescape(link)).status_code == 200, (role, link)
