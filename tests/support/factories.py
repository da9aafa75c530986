"""One-line factories for any fixture: make_org(), make_user(role="chair", chair_of=...)."""

import itertools

from portal.accounts import services
from portal.accounts.groups import group_by_slug
from portal.accounts.models import Organisation, User
from portal.extensions import db

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def make_org(name: str | None = None, kind: str = "member", groups=("luxury-goods",),
             country: str = "France") -> Organisation:
    """An organisation; member companies join `groups` (slugs)."""
    n = next(_seq)
    name = name or f"{kind.title()} Org {n}"
    return services.create_organisation(None, name, kind, country,
                                        list(groups) if kind == "member" else [])


def make_user(role: str = "member", org: Organisation | None = None, *, chair_of: str | None = None,
              email: str | None = None, name: str | None = None, locale: str = "en",
              groups=("luxury-goods",), password: str = PASSWORD) -> User:
    """A person of the right kind of organisation for the role."""
    if org is None:
        kind = {"staff": "platform", "admin": "secretariat"}.get(role, "member")
        org = make_org(kind=kind, groups=(chair_of,) if chair_of else groups)
    if role == "chair" and chair_of is None:
        chair_of = org.active_groups[0].slug
    n = next(_seq)
    return services.create_user(None, email=email or f"{role}{n}@example.com",
                                name=name or f"{role.title()} {n}", organisation=org, role=role,
                                password=password, locale=locale, chair_of=chair_of)


def group(slug: str = "luxury-goods"):
    """A seeded working group by slug."""
    return group_by_slug(slug)


def reload(obj):
    """The object as the database has it now."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)
