"""Who may keep webhooks: people of a member company for it, platform staff for the platform."""

from typing import Any

from ..authz import rule


@rule("webhook.manage")
def can_manage_webhooks(user: Any, obj: Any) -> bool:
    """Register and look after the webhooks of one's own organisation."""
    return user.is_member_side or user.is_staff


@rule("webhook.view")
def can_see_webhook(user: Any, webhook: Any) -> bool:
    """A webhook is its organisation's: nobody else learns that it exists."""
    return (webhook is not None and webhook.deleted_at is None
            and webhook.organisation_id == user.organisation_id
            and can_manage_webhooks(user, webhook))


def receivers(people: list[Any]) -> list[Any]:
    """The people of an organisation who are told about its webhooks (switched off, say)."""
    return [p for p in people if p.is_active and can_manage_webhooks(p, None)]
