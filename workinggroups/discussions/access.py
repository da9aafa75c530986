"""Access rules of discussions."""

from typing import Any

from sqlalchemy import true

from portal.authz import can, rule, visibility

from ..access import visible_group_ids
from .models import Thread


@rule("thread.view")
def _view(user: Any, thread: Any) -> bool:
    return thread is not None and can(user, "group.view_private", thread.group)


@rule("thread.post")
def _post(user: Any, thread: Any) -> bool:
    """Those who may read a thread may write in it."""
    return _view(user, thread)


@rule("post.edit")
def _edit(user: Any, post: Any) -> bool:
    """Authors edit their own posts while they may still see the thread."""
    return post is not None and post.author_id == user.id and _view(user, post.thread)


@visibility(Thread)
def _visible(user: Any):
    ids = visible_group_ids(user)
    return true() if ids is None else Thread.group_id.in_(ids)
