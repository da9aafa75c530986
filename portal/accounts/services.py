"""Organisations, people, group membership and chair appointments."""

import re
from datetime import date
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..audit.services import record
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..models import utcnow
from ..transaction import atomic
from .groups import group_by_slug
from .models import (
    LOCALES,
    ORG_KINDS,
    POSITIONS,
    ROLES,
    ChairPosition,
    GroupMembership,
    Organisation,
    User,
    user_by_email,
)
from .passwords import hash_password, password_problem, verify_password


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def normalise_email(email: str | None) -> str:
    """A syntactically valid e-mail in lower case, or InvalidInput."""
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidInput({"email": _("Enter a valid e-mail address.")}) from None


def resolve_groups(slugs) -> list:
    """Working groups for a list of slugs; unknown slugs are an InvalidInput."""
    groups, unknown = [], []
    for slug in slugs or []:
        group = group_by_slug(str(slug).strip())
        (groups if group else unknown).append(group or slug)
    if unknown:
        raise InvalidInput({"groups": _("Unknown working group: %(slugs)s",
                                        slugs=", ".join(map(str, unknown)))})
    return groups


def create_organisation(actor, name: str, kind: str, country: str = "", group_slugs=()) -> Organisation:
    """Create an organisation, optionally in some working groups."""
    name = _clean(name)
    errors = {}
    if not name or len(name) > 200:
        errors["name"] = _("Give a name of at most 200 characters.")
    elif db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower())):
        errors["name"] = _("An organisation with this name exists already.")
    if kind not in ORG_KINDS:
        errors["kind"] = _("Choose member, platform or secretariat.")
    try:
        groups = resolve_groups(group_slugs)
    except InvalidInput as e:
        errors.update(e.fields)
        groups = []
    if groups and kind != "member":
        errors["groups"] = _("Only member companies belong to working groups.")
    if errors:
        raise InvalidInput(errors)
    org = Organisation(name=name, kind=kind, country=_clean(country) or None)
    db.session.add(org)
    db.session.flush()
    for group in groups:
        db.session.add(GroupMembership(organisation=org, working_group=group, status="active"))
    record(actor, "organisation.create", org, f"Organisation {name} ({kind}) created")
    db.session.commit()
    return org


def update_organisation(actor, org: Organisation, *, name: str, country: str, group_slugs,
                        is_active: bool = True) -> Organisation:
    """Rename an organisation and set the groups it belongs to (leaving is recorded)."""
    name = _clean(name)
    errors = {}
    clash = db.session.scalar(select(Organisation).where(
        func.lower(Organisation.name) == name.lower(), Organisation.id != org.id))
    if not name or len(name) > 200:
        errors["name"] = _("Give a name of at most 200 characters.")
    elif clash:
        errors["name"] = _("An organisation with this name exists already.")
    try:
        groups = resolve_groups(group_slugs)
    except InvalidInput as e:
        errors.update(e.fields)
        groups = []
    if groups and org.kind != "member":
        errors["groups"] = _("Only member companies belong to working groups.")
    if errors:
        raise InvalidInput(errors)
    if org.is_active and not is_active:
        from ..auth.sessions import end_all

        for person in org.users:
            end_all(person, "deactivated", actor=actor, tokens=True, commit=False)
    org.name, org.country, org.is_active = name, _clean(country) or None, is_active
    set_groups(org, groups)
    record(actor, "organisation.update", org, f"Organisation {name} updated",
           groups=[g.slug for g in groups])
    db.session.commit()
    return org


def set_groups(org: Organisation, groups) -> None:
    """Make `groups` the organisation's active groups, keeping the history of the rest."""
    wanted = {g.id for g in groups}
    by_group = {m.working_group_id: m for m in org.memberships}
    for group in groups:
        m = by_group.get(group.id)
        if m is None:
            db.session.add(GroupMembership(organisation=org, working_group=group, status="active"))
        elif m.status != "active":
            m.status, m.joined_at, m.ended_at = "active", utcnow(), None
    for group_id, m in by_group.items():
        if group_id not in wanted and m.status == "active":
            m.status, m.ended_at = "removed", utcnow()


def organisation_by_name(name: str) -> Organisation | None:
    """The organisation of that name (ignoring case), or None."""
    return db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == _clean(name).lower()))


def create_user(actor, *, email: str, name: str, organisation: Organisation | None, role: str,
                password: str | None = None, locale: str = "en", chair_of: str | None = None,
                commit: bool = True) -> User:
    """Create a person; without a password the account waits for an invitation to be taken."""
    errors = {}
    try:
        email = normalise_email(email)
        if user_by_email(email):
            errors["email"] = _("Someone already uses this e-mail address.")
    except InvalidInput as e:
        errors.update(e.fields)
    name = _clean(name) or (email.split("@")[0] if "@" in (email or "") else "")
    if organisation is None:
        errors["organisation"] = _("Choose an organisation.")
    if role not in ROLES:
        errors["role"] = _("Choose member, chair, staff or admin.")
    elif organisation is not None:
        errors.update(_role_problems(role, organisation, chair_of))
    if locale not in LOCALES:
        errors["locale"] = _("Choose English or Chinese.")
    if password is not None and (problem := password_problem(password)):
        errors["password"] = problem
    if errors:
        raise InvalidInput(errors)
    user = User(email=email, name=name, organisation=organisation, role=role, locale=locale,
                password_hash=hash_password(password) if password else None)
    user.new_calendar_key()
    db.session.add(user)
    db.session.flush()
    if role == "chair":
        appoint_chair(actor, user, group_by_slug(chair_of), "chair", commit=False)
    record(actor, "user.create", user, f"User {email} ({role}) created")
    if commit:
        db.session.commit()
    return user


def _role_problems(role: str, org: Organisation, chair_of: str | None) -> dict[str, str]:
    if role == "staff" and org.kind != "platform":
        return {"role": _("Platform staff must belong to the platform operator.")}
    if role in ("member", "chair") and org.kind != "member":
        return {"role": _("Members and chairs belong to a member company.")}
    if role == "admin" and org.kind != "secretariat":
        return {"role": _("Admins belong to the alliance secretariat.")}
    if role == "chair":
        group = group_by_slug(chair_of or "")
        if group is None:
            return {"chair_of": _("A chair needs the working group they chair.")}
        if group.id not in {m.working_group_id for m in org.memberships if m.status == "active"}:
            return {"chair_of": _("The chair's company must be a member of that group.")}
    return {}


def appoint_chair(actor, user: User, group, title: str = "chair", starts_on: date | None = None,
                  ends_on: date | None = None, commit: bool = True) -> ChairPosition:
    """Appoint a chair or vice-chair; a new chair ends the previous chair's term."""
    errors = {}
    if group is None:
        errors["group"] = _("Choose a working group.")
    if title not in POSITIONS:
        errors["title"] = _("Choose chair or vice-chair.")
    starts_on = starts_on or utcnow().date()
    if ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The term cannot end before it starts.")
    if group is not None and group.id not in user.group_ids():
        errors["user"] = _("The person's company must be a member of that group.")
    if errors:
        raise InvalidInput(errors)
    if title == "chair":
        for p in group.positions:
            if p.title == "chair" and p.is_current(starts_on) and p.user_id != user.id:
                p.ends_on = starts_on
    position = ChairPosition(user=user, working_group=group, title=title, starts_on=starts_on,
                             ends_on=ends_on)
    db.session.add(position)
    user.take_chair_role()
    record(actor, "chair.appoint", position, f"{user.name} appointed {title} of {group.slug}")
    from ..notifications.services import notify
    from ..urls import page_url

    notify([user], "chair.appointed",
           _l("You are now chair of %(group)s.", group=group.name(user.locale)) if title == "chair"
           else _l("You are now vice-chair of %(group)s.", group=group.name(user.locale)),
           page_url("workinggroups.home", slug=group.slug))
    if commit:
        db.session.commit()
    return position


def end_position(actor, position: ChairPosition) -> None:
    """End a chair appointment today."""
    position.ends_on = utcnow().date()
    user = position.user
    still_chairing = any(p.is_current(utcnow().date()) and p.id != position.id
                         for p in user.positions)
    if not still_chairing:
        user.drop_chair_role()
    record(actor, "chair.end", position, f"{user.name}'s term as {position.title} ended")
    db.session.commit()


def set_active(actor, user: User, active: bool) -> None:
    """Deactivate (or reactivate) an account; its history stays."""
    if actor.id == user.id and not active:
        raise Conflict(_("You cannot deactivate your own account."))
    user.is_active_flag = active
    record(actor, "user.activate" if active else "user.deactivate", user,
           f"{user.email} {'reactivated' if active else 'deactivated'}")
    if not active:
        from ..auth.sessions import end_all

        end_all(user, "deactivated", actor=actor, tokens=True, commit=False)
    db.session.commit()


@cache
def time_zones() -> tuple[str, ...]:
    """The IANA time zones a person may choose, by name (read from disk once per process)."""
    from zoneinfo import available_timezones

    return tuple(sorted(z for z in available_timezones()
                        if "/" in z and not z.startswith(("Etc/", "SystemV/"))))


def update_profile(user: User, *, name: str, locale: str, email_notifications: bool = True,
                   timezone: str | None = None) -> None:
    """Change the person's own name, language, time zone and mail preference."""
    errors = {}
    if timezone not in (None, "", "UTC") and timezone not in time_zones():
        errors["timezone"] = _("Choose a time zone from the list.")
    name = _clean(name)
    if not name or len(name) > 120:
        errors["name"] = _("Give a name of at most 120 characters.")
    if locale not in LOCALES:
        errors["locale"] = _("Choose English or Chinese.")
    if errors:
        raise InvalidInput(errors)
    user.name, user.locale = name, locale
    settings = {**(user.settings or {}), "email_notifications": bool(email_notifications)}
    if timezone is not None:
        user.timezone = None if timezone in ("", "UTC") else timezone
        settings["timezone_chosen"] = True  # UTC chosen on purpose is not replaced by a guess
    user.settings = settings
    record(user, "user.profile", user, "Profile updated")
    db.session.commit()


def set_password(user: User, password: str, *, actor=None, reason: str = "change") -> None:
    """Set a new password after checking its strength."""
    if problem := password_problem(password):
        raise InvalidInput({"password": problem})
    from ..auth.sessions import end_all

    user.password_hash = hash_password(password)
    record(actor or user, f"user.password_{reason}", user, "Password set")
    # Whoever knew the old password may have a session or a token made with it: both end,
    # with their live sockets (the person signs in again; a change keeps this browser).
    end_all(user, f"password_{reason}", actor=actor or user, tokens=True, commit=False)
    db.session.commit()


def regenerate_calendar_token(user: User) -> str:
    """Give the person a new secret calendar link; the old one stops working."""
    token = user.new_calendar_key()
    record(user, "user.calendar_token", user, "Calendar link regenerated")
    db.session.commit()
    return token


def authenticate(email: str, password: str):
    """The active user with these credentials, or None (and the attempt is audited).

    Failures are also counted per account, whatever address they come from: past
    LOGIN_ACCOUNT_LIMIT the account refuses sign-in for a while (429), right password or
    not, so spraying one account from many machines is slowed. The successful sign-in is
    recorded by whoever completes it (a session, an API token), after any second factor.
    """
    from ..auth.throttle import TooManyAttempts, blocked, failed

    subject = (email or "").strip().lower()[:254]
    if subject and blocked("login", subject, "LOGIN_ACCOUNT_LIMIT"):
        record(None, "auth.login_throttled", None, f"Sign-in refused for {email!r}: too many failures"[:500])
        db.session.commit()
        raise TooManyAttempts()
    user = user_by_email(email or "")
    if user is None or not user.is_active or not verify_password(user.password_hash, password or ""):
        if subject:
            failed("login", subject, "LOGIN_ACCOUNT_LIMIT")
        record(None, "auth.login_failed", None, f"Failed sign-in for {email!r}"[:500])
        db.session.commit()
        return None
    return user


def wants_timezone_guess(user: User) -> bool:
    """Whether the person has neither a zone nor chose UTC on purpose, so that the browser's
    zone may be taken as a first guess."""
    return not user.timezone and not (user.settings or {}).get("timezone_chosen")


@atomic
def guess_timezone(user: User, timezone: str | None) -> bool:
    """Store the browser's zone as the person's if they have none yet; True if stored. An
    IANA name the profile would not offer is a 422; a zone already set stays as it is (one
    conditional write, so two tabs guessing at once store it once)."""
    timezone = (timezone or "").strip()
    if timezone != "UTC" and timezone not in time_zones():
        raise InvalidInput({"timezone": _("Choose a time zone from the list.")})
    if not wants_timezone_guess(user) or timezone == "UTC":
        return False
    settings = {**(user.settings or {}), "timezone_chosen": True}
    stored = db.session.execute(
        update(User).where(User.id == user.id, User.timezone.is_(None))
        .values(timezone=timezone, settings=settings)).rowcount == 1
    if stored:
        record(user, "user.timezone_guessed", user, f"Time zone guessed as {timezone}")
    db.session.commit()
    db.session.refresh(user)
    return stored
