"""Access rules of documents: whoever may see the group's private parts."""

from typing import Any

from portal.authz import can, require_visible, rule
from portal.extensions import db

from .models import Document


@rule("document.view")
def _view(user: Any, document: Any) -> bool:
    return document is not None and can(user, "group.view_private", document.group)


def document_or_404(group: Any, document_id: int) -> Document:
    """A document of this group that the person may see."""
    document = db.session.get(Document, document_id)
    return require_visible("document.view", document if document and
                           document.group_id == group.id else None)
