"""Asking to join, approving or declining, leaving and removal; every step is audited."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.access import secretariat
from portal.accounts.models import GroupMembership, Organisation, User, WorkingGroup
from portal.audit.services import record
from portal.conditional import claim
from portal.errors import InvalidInput
from portal.extensions import db
from portal.models import utcnow
from portal.notifications.services import notify
from portal.transaction import atomic
from portal.urls import page_url

from ..access import GroupName
from .lifecycle import MEMBERSHIP


def membership_of(org: Organisation, group: WorkingGroup) -> GroupMembership | None:
    """The organisation's record in the group, whatever its state."""
    return db.session.scalar(select(GroupMembership).where(
        GroupMembership.organisation_id == org.id, GroupMembership.working_group_id == group.id))


def _managers(group: WorkingGroup) -> list[User]:
    chairs = [p.user for p in group.current_positions()]
    return [*chairs, *secretariat()]


def _raced() -> str:
    return _("Someone else decided this meanwhile. Reload the page to see where it stands.")


def _move(actor: User, membership: GroupMembership, action: str) -> None:
    """One conditional write: two chairs deciding at once, one wins and the other gets 409."""
    values: dict = {"status": MEMBERSHIP.next_state(membership.status, action)}
    now = utcnow()
    if values["status"] == "active":
        values.update(joined_at=now, ended_at=None)
    elif values["status"] in ("left", "removed", "declined"):
        values["ended_at"] = now
    claim(membership, check=("status",), message=_raced, code="stale_status", **values)
    record(actor, f"membership.{action}", membership,
           f"{membership.organisation.name} {action} in {membership.working_group.slug}",
           organisation_id=membership.organisation_id, group=membership.working_group.slug)


@atomic
def request_to_join(actor: User, group: WorkingGroup) -> GroupMembership:
    """The person's member company asks to join; the chairs and the secretariat are told."""
    org = actor.organisation
    if not org.is_member_company:
        raise InvalidInput({"organisation": _("Only member companies belong to working groups.")})
    membership = membership_of(org, group)
    if membership is None:
        MEMBERSHIP.next_state("none", "request")
        membership = GroupMembership(organisation=org, working_group=group, status="pending",
                                     joined_at=None)
        db.session.add(membership)
        db.session.flush()
        record(actor, "membership.request", membership, f"{org.name} asks to join {group.slug}")
    else:
        _move(actor, membership, "request")
    notify(_managers(group), "membership.requested",
           _l("%(org)s asks to join %(group)s", org=org.name, group=GroupName(group)),
           page_url("workinggroups.roster", slug=group.slug), obj=group, view_rule="group.manage")
    db.session.commit()
    return membership


@atomic
def decide(actor: User, membership: GroupMembership, action: str) -> None:
    """approve | decline | remove, by the group's chairs or the secretariat."""
    if action not in ("approve", "decline", "remove"):
        raise InvalidInput({"action": _("Choose approve, decline or remove.")})
    _move(actor, membership, action)
    group = membership.working_group
    notify(membership.organisation.users, f"membership.{action}",
           _message(action, membership.organisation.name, GroupName(group)),
           page_url("workinggroups.home", slug=group.slug))
    db.session.commit()


def _message(action: str, org: str, group: GroupName):
    if action == "approve":
        return _l("%(org)s is now a member of %(group)s", org=org, group=group)
    if action == "decline":
        return _l("%(org)s's request to join %(group)s was declined", org=org, group=group)
    return _l("%(org)s was removed from %(group)s", org=org, group=group)


@atomic
def leave(actor: User, group: WorkingGroup) -> None:
    """The person's company leaves the group (or withdraws its request)."""
    membership = membership_of(actor.organisation, group)
    if membership is None:
        MEMBERSHIP.next_state("none", "leave")
    _move(actor, membership, "withdraw" if membership.status == "pending" else "leave")
    db.session.commit()


def roster(group: WorkingGroup) -> dict[str, list[GroupMembership]]:
    """The group's memberships by state: pending, active, and past (left, removed, declined)."""
    # With each company and its people, which the roster shows (a group has hundreds).
    rows = db.session.scalars(select(GroupMembership).where(
        GroupMembership.working_group_id == group.id).options(
        joinedload(GroupMembership.organisation).selectinload(Organisation.users))).all()
    by = {"pending": [], "active": [], "past": []}
    for m in sorted(rows, key=lambda m: m.organisation.name.lower()):
        by[m.status if m.status in ("pending", "active") else "past"].append(m)
    return by
