"""One-line factories for the tracker's tests."""

from advisory import services
from advisory.models import Recommendation
from portal.accounts import services as accounts
from portal.accounts.groups import group_by_slug
from tests.support import factories

DRAFT = {"working_group": "luxury-goods", "title": "Require seller ID checks",
         "summary": "Verify high-risk sellers before listing.", "body": "Details.",
         "category": "policy"}


def chair_of(slug: str, name: str | None = None):
    """A new chair of the group `slug` (ending the previous chair's term)."""
    org = factories.make_org(groups=(slug,))
    return factories.make_user("chair", org, chair_of=slug, name=name)


def vice_chair_of(slug: str):
    """A member appointed vice-chair of the group."""
    user = factories.make_user("member", groups=(slug,))
    accounts.appoint_chair(None, user, group_by_slug(slug), "vice_chair")
    return user


def draft(chair, **values) -> Recommendation:
    """A draft by `chair` (defaults to a luxury-goods policy recommendation)."""
    return services.create(chair, {**DRAFT, **values})


def submitted(chair, **values) -> Recommendation:
    """A recommendation put to the board."""
    return services.submit(chair, draft(chair, **values))


def endorsed(chair, admin, voters, **values) -> Recommendation:
    """A recommendation the board endorsed after `voters` supported it."""
    rec = submitted(chair, **values)
    for voter in voters:
        services.vote(voter, rec, "support")
    return services.decide(admin, rec, "endorsed", "Agreed.")
