"""Access rules of documents: whoever may see the group's private parts."""

from typing import Any

from portal.authz import can, rule


@rule("document.view")
def _view(user: Any, document: Any) -> bool:
    return document is not None and can(user, "group.view_private", document.group)
