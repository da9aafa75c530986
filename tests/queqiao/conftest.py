"""Fixtures of the tip tests."""

import pytest

from tests.support import factories


@pytest.fixture
def cast(people):
    """The people of the sharing matrix: the author's side, the group, the alliance, staff."""
    author = people["member"]
    return {
        "author": author,
        "colleague": factories.make_user("member", org=author.organisation),
        "group_member": people["chair"],      # another company in the tip's group
        "other_member": people["outsider"],   # a member company outside the group
        "staff": people["staff"],
        "admin": people["admin"],
    }
