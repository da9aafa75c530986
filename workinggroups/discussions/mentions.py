"""@mentions in a post: `@name@company.example` for a person, `@group-slug` for a whole group."""

import re

from markupsafe import Markup
from sqlalchemy import func, select

from portal.accounts.models import User, WorkingGroup
from portal.extensions import db
from portal.richtext import render_markdown
from portal.urls import page_url

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


# Text outside these elements is where a mention may be linked (not inside code or a link).
_TAG = re.compile(r"(<[^>]+>)")
_SKIP = {"a", "code", "pre"}


def post_html(body: str | None) -> Markup:
    """A post as safe HTML with its @mentions of members and groups highlighted and linked."""
    html = str(render_markdown(body))
    if "@" not in html:
        return Markup(html)
    people, groups = _known(html)
    parts, depth = _TAG.split(html), 0
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() in _SKIP:
                depth += -1 if part.startswith("</") else 1
        elif depth == 0 and "@" in part:
            parts[i] = _link(part, people, groups)
    return Markup("".join(parts))


def _known(html: str) -> tuple[dict[str, User], dict[str, WorkingGroup]]:
    emails = {m.lower() for m in PERSON.findall(html)}
    people = {u.email.lower(): u for u in db.session.scalars(
        select(User).where(func.lower(User.email).in_(emails)))} if emails else {}
    slugs = set(GROUP.findall(PERSON.sub(" ", html)))
    groups = {g.slug: g for g in db.session.scalars(
        select(WorkingGroup).where(WorkingGroup.slug.in_(slugs)))} if slugs else {}
    return people, groups


def _link(text: str, people: dict, groups: dict) -> str:
    """Already escaped text with each known mention wrapped in a link."""
    def person(match: re.Match) -> str:
        user = people.get(match.group(1).lower())
        if user is None or not user.is_active:
            return match.group(0)
        return str(Markup('<a class="mention" href="mailto:{0}" title="{1}">@{2}</a>').format(
            user.email, user.name, match.group(1)))

    def group(match: re.Match) -> str:
        found = groups.get(match.group(1))
        if found is None:
            return match.group(0)
        return str(Markup('<a class="mention mention-group" href="{0}" title="{1}">@{2}</a>')
                   .format(page_url("workinggroups.home", slug=found.slug), found.name_en,
                           match.group(1)))

    pieces = PERSON.split(text)
    out = []
    for i, piece in enumerate(pieces):
        if i % 2:
            out.append(person(PERSON.match("@" + piece)))
        else:
            out.append(GROUP.sub(group, piece))
    return "".join(out)
