"""Membership: a company asks to join, the chair decides, the roster, leaving and removal."""

import pytest

from portal.audit.models import AuditEvent
from portal.errors import Conflict
from portal.notifications.models import Notification
from tests.support.factories import reload
from workinggroups.membership import services
from workinggroups.membership.services import membership_of

from .helpers import group

SLUG = "luxury-goods"


def test_company_asks_chair_approves_and_it_becomes_a_member(as_user, people):
    outsider = people["outsider"]
    r = as_user(outsider).post(f"/groups/{SLUG}/join")
    assert r.status_code == 302
    m = membership_of(outsider.organisation, group(SLUG))
    assert m.status == "pending"
    assert people["chair"].id in {n.user_id for n in Notification.query.filter_by(
        type="membership.requested")}
    assert SLUG not in [g.slug for g in reload(outsider).organisation.active_groups]
    roster = as_user(people["chair"]).get(f"/groups/{SLUG}/roster").get_data(as_text=True)
    assert outsider.organisation.name in roster.split('id="pending"')[1]
    r = as_user(people["chair"]).post(f"/groups/{SLUG}/roster/{m.id}/approve")
    assert r.status_code == 302
    assert reload(m).status == "active"
    assert as_user(outsider).get(f"/groups/{SLUG}/meetings").status_code == 200
    assert {"membership.request", "membership.approve"} <= {
        e.action for e in AuditEvent.query.all()}


def test_asking_twice_is_a_conflict(people):
    services.request_to_join(people["outsider"], group(SLUG))
    with pytest.raises(Conflict) as e:
        services.request_to_join(people["outsider"], group(SLUG))
    assert e.value.code == "illegal_transition"
    with pytest.raises(Conflict) as e:
        services.request_to_join(people["member"], group(SLUG))  # already a member
    assert e.value.code == "illegal_transition"


def test_declined_request_is_recorded_and_can_be_asked_again(people):
    m = services.request_to_join(people["outsider"], group(SLUG))
    services.decide(people["admin"], m, "decline")
    assert reload(m).status == "declined" and reload(m).ended_at is not None
    services.request_to_join(people["outsider"], group(SLUG))
    assert reload(m).status == "pending"


def test_leaving_and_removal_are_recorded_and_close_the_private_parts(as_user, people):
    member = people["member"]
    assert as_user(member).post(f"/groups/{SLUG}/leave").status_code == 302
    m = membership_of(member.organisation, group(SLUG))
    assert m.status == "left" and m.ended_at is not None
    assert as_user(member).get(f"/groups/{SLUG}/meetings").status_code == 404
    chair_org_m = membership_of(people["chair"].organisation, group(SLUG))
    services.request_to_join(member, group(SLUG))
    services.decide(people["chair"], reload(m), "approve")
    services.decide(people["admin"], reload(m), "remove")
    assert reload(m).status == "removed"
    past = as_user(people["chair"]).get(f"/groups/{SLUG}/roster").get_data(as_text=True)
    assert member.organisation.name in past.split('id="past-members"')[1]
    assert reload(chair_org_m).status == "active"
    actions = [e.action for e in AuditEvent.query.order_by(AuditEvent.id)]
    assert {"membership.leave", "membership.remove"} <= set(actions)


def test_deciding_an_already_decided_membership_is_refused(as_user, people):
    m = membership_of(people["member"].organisation, group(SLUG))
    chair = as_user(people["chair"])
    r = chair.post(f"/groups/{SLUG}/roster/{m.id}/approve")
    assert r.status_code == 302 and reload(m).status == "active"
    page = chair.get(f"/groups/{SLUG}/roster").get_data(as_text=True)
    assert "cannot be approve" in page


@pytest.mark.parametrize("role,status", [("chair", 200), ("admin", 200), ("member", 403),
                                         ("staff", 403), ("outsider", 403)])
def test_roster_by_role(as_user, people, role, status):
    assert as_user(people[role]).get(f"/groups/{SLUG}/roster").status_code == status


@pytest.mark.parametrize("role,status", [("member", 403), ("staff", 403), ("outsider", 403)])
def test_decisions_by_others_are_refused(as_user, people, role, status):
    m = services.request_to_join(people["outsider"], group(SLUG))
    assert as_user(people[role]).post(f"/groups/{SLUG}/roster/{m.id}/approve"
                                      ).status_code == status
    assert reload(m).status == "pending"


def test_membership_of_another_group_under_this_slug_is_404(as_user, people):
    other = membership_of(people["outsider"].organisation, group("pharmaceutical"))
    assert as_user(people["admin"]).post(f"/groups/{SLUG}/roster/{other.id}/remove"
                                         ).status_code == 404


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_platform_and_secretariat_do_not_join_groups(as_user, people, role):
    assert as_user(people[role]).post(f"/groups/{SLUG}/join").status_code == 404
    assert as_user(people[role]).post(f"/groups/{SLUG}/leave").status_code == 404


def test_home_page_by_role(as_user, people, client):
    for role in ("member", "chair", "staff", "admin", "outsider"):
        r = as_user(people[role]).get(f"/groups/{SLUG}")
        assert r.status_code == 200
        text = r.get_data(as_text=True)
        assert ('id="home-meetings"' in text) == (role != "outsider")
        assert ("Ask to join this group" in text) == (role == "outsider")
    assert as_user(people["member"]).get("/groups/no-such-group").status_code == 404
    assert client.get(f"/groups/{SLUG}").status_code == 302


def test_home_lists_member_companies_a_page_at_a_time(as_user, people, monkeypatch):
    from tests.support.factories import make_org
    monkeypatch.setattr("portal.paging.PER_PAGE", 2)
    for name in ("Aaa Maison", "Aab Maison", "Aac Maison"):
        make_org(name)
    client = as_user(people["member"])
    first = client.get(f"/groups/{SLUG}").get_data(as_text=True)
    assert "Aaa Maison" in first and "Aab Maison" in first and "Aac Maison" not in first
    assert f'href="/groups/{SLUG}?page=2"' in first and ">Next<" in first
    second = client.get(f"/groups/{SLUG}?page=2").get_data(as_text=True)
    assert "Aac Maison" in second and "Aaa Maison" not in second and ">Previous<" in second
    assert "This page is past the end of the list." in client.get(
        f"/groups/{SLUG}?page=99").get_data(as_text=True)


def test_the_group_page_names_each_member_company_s_active_people_to_those_who_may_see_them(
        as_user, people, make):
    from portal.extensions import db

    company = make.make_org("Atelier Nord")
    make.make_user("member", company, name="Ines Active")
    gone = make.make_user("member", company, name="Paul Left")
    gone.is_active_flag = False
    closed = make.make_org("Closed Maison")
    make.make_user("member", closed, name="Nora Closed")
    closed.is_active = False
    db.session.commit()
    page = as_user(people["member"]).get(f"/groups/{SLUG}").get_data(as_text=True)
    members = page.split('id="group-members"')[1].split("<h2")[0]
    nord = members.split("Atelier Nord")[1].split("</ul>")[0]
    assert "<li>Ines Active</li>" in nord and "Paul Left" not in members
    assert "Closed Maison" in members and "Nora Closed" not in members
    assert people["member"].name in members
    # A company outside the group sees the companies, not their people.
    outside = as_user(people["outsider"]).get(f"/groups/{SLUG}").get_data(as_text=True)
    assert "Atelier Nord" in outside and "Ines Active" not in outside
