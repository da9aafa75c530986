"""Secretariat pages: who can open them, what they change, how they refuse bad input."""

from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import ChairPosition, Organisation, User
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.support.factories import reload

ADMIN_PAGES = ["/admin/organisations", "/admin/organisations/new", "/admin/users",
               "/admin/users/invite", "/admin/chairs", "/admin/audit"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_opens_every_admin_page(as_user, people, path):
    assert as_user(people["admin"]).get(path).status_code == 200


@pytest.mark.parametrize("role", ["member", "chair", "staff"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_absent_for_other_roles(as_user, people, role, path):
    assert as_user(people[role]).get(path).status_code == 404


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, path):
    r = client.get(path)
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_admin_creates_an_organisation_in_groups(as_user, people):
    r = as_user(people["admin"]).post("/admin/organisations/new", data={
        "name": "Nouvelle Maison", "kind": "member", "country": "France",
        "groups": ["luxury-goods", "jewelry-accessories"]})
    assert r.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Nouvelle Maison"))
    assert {g.slug for g in org.active_groups} == {"luxury-goods", "jewelry-accessories"}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.create"))


@pytest.mark.parametrize("data,field", [
    ({"name": "", "kind": "member"}, b"This field is required."),
    ({"name": "X", "kind": "platform", "groups": ["luxury-goods"]}, b"Only member companies"),
    ({"name": "X", "kind": "member", "groups": ["no-such-group"]}, b"not a valid choice"),
])
def test_bad_organisation_form_is_shown_again_and_nothing_is_saved(as_user, people, data, field):
    before = db.session.scalar(select(db.func.count(Organisation.id)))
    r = as_user(people["admin"]).post("/admin/organisations/new", data=data)
    assert r.status_code == 422 and field in r.data
    assert db.session.scalar(select(db.func.count(Organisation.id))) == before


def test_leaving_a_group_is_recorded_not_deleted(as_user, people, make):
    org = make.make_org("Leaver", groups=("luxury-goods", "pharmaceutical"))
    as_user(people["admin"]).post(f"/admin/organisations/{org.id}", data={
        "name": "Leaver", "country": "France", "groups": ["pharmaceutical"], "is_active": "y"})
    org = reload(org)
    states = {m.working_group.slug: m.status for m in org.memberships}
    assert states == {"luxury-goods": "removed", "pharmaceutical": "active"}
    assert next(m for m in org.memberships if m.status == "removed").ended_at is not None


def test_admin_deactivates_an_account(as_user, people):
    member = people["member"]
    as_user(people["admin"]).post(f"/admin/users/{member.id}/active", data={"active": "0"})
    assert reload(member).is_active is False
    assert as_user(member).get("/home").status_code == 302


def test_admin_cannot_deactivate_themself(as_user, people):
    admin = people["admin"]
    r = as_user(admin).post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    assert r.status_code == 409 and reload(admin).is_active


def test_appointing_a_new_chair_ends_the_previous_term_and_notifies(as_user, people, make):
    new_chair = make.make_user("member", people["chair"].organisation)
    r = as_user(people["admin"]).post("/admin/chairs", data={
        "user": new_chair.id, "group": "luxury-goods", "title": "chair",
        "starts_on": date.today().isoformat()})
    assert r.status_code == 302
    luxury = make.group("luxury-goods")
    assert luxury.chair.id == new_chair.id
    old = db.session.scalar(select(ChairPosition).where(ChairPosition.user_id == people["chair"].id))
    assert old.ends_on is not None
    assert as_user(new_chair).get("/notifications").data.count(b"You are now chair") == 1


def test_chair_must_belong_to_a_member_company_of_the_group(as_user, people):
    r = as_user(people["admin"]).post("/admin/chairs", data={
        "user": people["outsider"].id, "group": "luxury-goods", "title": "chair",
        "starts_on": "2026-01-01"})
    assert r.status_code == 422
    assert make_no_position(people["outsider"])


def make_no_position(user) -> bool:
    return db.session.scalar(select(ChairPosition).where(ChairPosition.user_id == user.id)) is None


def test_audit_log_filters_by_action(as_user, people, make):
    make.make_org("Filtered Org")
    r = as_user(people["admin"]).get("/admin/audit?action=organisation.")
    assert b"Filtered Org" in r.data
    r = as_user(people["admin"]).get("/admin/audit?action=chair.")
    assert b"Filtered Org" not in r.data


def test_the_audit_filter_keeps_the_person_chosen(as_user, people):
    admin = people["admin"]
    page = as_user(admin).get(f"/admin/audit?actor={admin.id}").get_data(as_text=True)
    assert f'<option value="{admin.id}" selected>' in page
    assert page.count(" selected>") == 1
    assert " selected>" not in as_user(admin).get("/admin/audit").get_data(as_text=True)


def test_audit_events_cannot_be_changed(people):
    import pytest as _pytest

    from portal.audit.models import AppendOnlyError

    event = db.session.scalars(select(AuditEvent)).first()
    event.summary = "rewritten"
    with _pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()


def test_organisations_and_people_are_listed_a_page_at_a_time(as_user, people, make):
    from portal.paging import PER_PAGE

    first = make.make_org("Aaa First Brand")
    for _ in range(2):
        make.make_user("member", org=first)
    for n in range(PER_PAGE):
        make.make_org(f"Zzz Brand {n:03d}")
    admin = as_user(people["admin"])
    page = admin.get("/admin/organisations").get_data(as_text=True)
    row = page[page.index("Aaa First Brand"):].split("</tr>")[0]
    assert "Luxury Goods" in row and "<td>2</td>" in row  # its groups and its two people
    assert page.count('<tr class=') == PER_PAGE and 'rel="next"' in page
    rest = admin.get("/admin/organisations?page=2").get_data(as_text=True)
    assert "Zzz Brand 049" in rest and "Aaa First Brand" not in rest
    beyond = admin.get("/admin/organisations?page=99")
    assert beyond.status_code == 200 and "past the end" in beyond.get_data(as_text=True)
    assert admin.get("/admin/organisations?page=x").status_code == 422
    everyone = db.session.scalar(select(db.func.count()).select_from(User))
    users = admin.get("/admin/users").get_data(as_text=True)
    assert users.count("<tr><td>") == min(PER_PAGE, everyone)
    assert ('rel="next"' in users) == (everyone > PER_PAGE)
