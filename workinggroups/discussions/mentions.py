"""@mentions in a post: `@name@company.example` for a person, `@group-slug` for a whole group."""

import re

from sqlalchemy import func, select

from portal.accounts.models import User, WorkingGroup
from portal.extensions import db

from ..preferences import group_people

PERSON = re.compile(r"(?<![\w@])@([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# A group slug, which may end a sentence ("… @luxury-goods.") but not run into a domain.
GROUP = re.compile(r"(?<![\w@])@([a-z0-9]+(?:-[a-z0-9]+)+|[a-z0-9]{3,})(?![\w@-]|\.\w)")


def mentioned_people(body: str) -> list[User]:
    """Everyone a post names, people directly and groups by all their people."""
    people: dict[int, User] = {}
    emails = {m.lower() for m in PERSON.findall(body or "")}
    if emails:
        for user in db.session.scalars(select(User).where(func.lower(User.email).in_(emails))):
            people[user.id] = user
    without_emails = PERSON.sub(" ", body or "")
    slugs = set(GROUP.findall(without_emails))
    if slugs:
        for group in db.session.scalars(select(WorkingGroup).where(WorkingGroup.slug.in_(slugs))):
            for user in group_people(group):
                people.setdefault(user.id, user)
    return list(people.values())
