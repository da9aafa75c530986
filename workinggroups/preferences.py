"""Each person's notification level per group, and whether they get the daily digest."""

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, contains_eager, mapped_column

from portal.accounts.models import GroupMembership, Organisation, User, WorkingGroup
from portal.audit.services import record
from portal.errors import InvalidInput
from portal.extensions import db
from portal.models import UTCDateTime

LEVELS = ("all", "mentions", "mute")
LEVEL_LABELS = {"all": _l("Everything"), "mentions": _l("Mentions only"), "mute": _l("Mute")}


class GroupSetting(db.Model):
    """How much a person hears from one group; absent means everything, no digest."""

    __tablename__ = "group_settings"
    __table_args__ = (UniqueConstraint("user_id", "group_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"))
    level: Mapped[str] = mapped_column(String(10), default="all")
    digest: Mapped[bool] = mapped_column(default=False)
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def setting_for(user: Any, group: WorkingGroup) -> GroupSetting:
    """The person's setting for the group (a fresh default, not yet stored, if none)."""
    found = db.session.scalar(select(GroupSetting).where(
        GroupSetting.user_id == user.id, GroupSetting.group_id == group.id))
    return found or GroupSetting(user_id=user.id, group_id=group.id, level="all", digest=False)


def level_of(user: Any, group: WorkingGroup) -> str:
    """everything | mentions | mute."""
    return setting_for(user, group).level or "all"


def save_setting(user: Any, group: WorkingGroup, level: str, digest: bool) -> GroupSetting:
    """Store the person's level and digest choice for the group."""
    if level not in LEVELS:
        raise InvalidInput({"level": str(_l("Choose everything, mentions only or mute."))})
    setting = setting_for(user, group)
    setting.level, setting.digest = level, bool(digest)
    db.session.add(setting)
    record(user, "group.notifications", group, f"{user.email} set {group.slug} to {level}",
           digest=bool(digest))
    db.session.commit()
    return setting


def group_people(group: WorkingGroup) -> list[User]:
    """Active people of the group's member organisations."""
    query = (select(User).join(Organisation, User.organisation_id == Organisation.id)
             .join(GroupMembership, GroupMembership.organisation_id == Organisation.id)
             .where(GroupMembership.working_group_id == group.id,
                    GroupMembership.status == "active", User.is_active_flag.is_(True),
                    Organisation.is_active.is_(True))
             .options(contains_eager(User.organisation)))  # pages name each one's company
    return list(db.session.scalars(query))


def hearing_everything(group: WorkingGroup) -> list[User]:
    """People of the group who asked to hear of everything (the default)."""
    muted = set(db.session.scalars(select(GroupSetting.user_id).where(
        GroupSetting.group_id == group.id, GroupSetting.level != "all")))
    return [u for u in group_people(group) if u.id not in muted]


def muted_ids(group: WorkingGroup) -> set[int]:
    """People who muted the group entirely (not even mentions)."""
    return set(db.session.scalars(select(GroupSetting.user_id).where(
        GroupSetting.group_id == group.id, GroupSetting.level == "mute")))
