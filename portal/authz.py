"""The one access policy: every page, API call, feed and socket room asks here.

Deny by default. Rules are named predicates `rule(user, obj) -> bool`; packages
register their own rules and visibility filters at import time, so the core
never imports them, yet every decision goes through `can()` and `visible()`.
Objects a user may not see answer 404, never a hint that they exist.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import request
from flask_login import current_user
from sqlalchemy import false

from .errors import Forbidden, NotFound

Rule = Callable[[Any, Any], bool]
_rules: dict[str, Rule] = {}
_filters: dict[type, Callable[[Any], Any]] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register the predicate deciding `name`."""

    def register(fn: Rule) -> Rule:
        if name in _rules and _rules[name] is not fn:
            raise RuntimeError(f"access rule {name!r} is defined twice")
        _rules[name] = fn
        return fn

    return register


def visibility(model: type) -> Callable:
    """Register the query filter saying which rows of `model` a user may see."""

    def register(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        _filters[model] = fn
        return fn

    return register


def is_signed_in(user: Any) -> bool:
    """An authenticated, active account."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether `user` may do `action` (to `obj`). Unknown actions are denied."""
    if action == "public":
        return True
    check = _rules.get(action)
    if check is None or not is_signed_in(user):
        return False
    return bool(check(user, obj))


def visible(user: Any, model: type) -> Any:
    """A where-clause selecting the rows of `model` the user may see (none by default)."""
    make = _filters.get(model)
    if make is None or not is_signed_in(user):
        return false()
    return make(user)


def require(action: str, obj: Any = None, *, user: Any = None) -> None:
    """Raise Forbidden unless the user may do `action`."""
    if not can(current_user if user is None else user, action, obj):
        raise Forbidden()


def require_visible(action: str, obj: Any, *, user: Any = None) -> Any:
    """Return obj if the user may see it; otherwise answer 404 as if it did not exist."""
    if obj is None or not can(current_user if user is None else user, action, obj):
        raise NotFound()
    return obj


def access(action: str) -> Callable:
    """Declare and enforce the page-level rule of a view.

    Every endpoint carries one (a test walks the URL map). Signed-out visitors are
    sent to sign in (401 under /api). A page-level rule names the roles a page is for, so
    a signed-in person outside them gets 404: the page of a tool their role never uses
    (the secretariat's admin pages, staff's rules and vetting queue) is not there for
    them, like the objects it shows. 403 is for an object the person can see but may not
    act on; views raise it with `require(action, obj)`. The API keeps its documented 403
    for an operation the caller's role may not call.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if action != "public" and not is_signed_in(current_user):
                from .extensions import login_manager

                return login_manager.unauthorized()
            if not can(current_user, action):
                raise Forbidden() if request.path.startswith("/api/") else NotFound()
            return view(*args, **kwargs)

        guarded.access_rule = action  # type: ignore[attr-defined]
        return guarded

    return decorate


def wants_json() -> bool:
    """API paths and clients that asked for JSON get JSON answers."""
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"])
        == "application/json"
    )


# --- Rules of the core --------------------------------------------------------


@rule("signed_in")
def _signed_in(user: Any, obj: Any) -> bool:
    return True


@rule("admin")
def _admin(user: Any, obj: Any) -> bool:
    return user.is_admin


@rule("staff")
def _staff(user: Any, obj: Any) -> bool:
    return user.is_staff


@rule("staff_or_admin")
def _staff_or_admin(user: Any, obj: Any) -> bool:
    return user.is_staff or user.is_admin


@rule("member_side")
def _member_side(user: Any, obj: Any) -> bool:
    return user.is_member_side


@rule("notification.view")
def _own_notification(user: Any, notification: Any) -> bool:
    return notification is not None and notification.user_id == user.id


@rule("group.view_private")
def _group_private(user: Any, group: Any) -> bool:
    """A group's meetings, threads, documents and room: its member organisations,
    platform staff and admins."""
    if group is None:
        return False
    return user.is_staff or user.is_admin or group.id in user.group_ids()


@rule("group.chair")
def _group_chair(user: Any, group: Any) -> bool:
    """The group's current chair or vice-chair."""
    return group is not None and any(g.id == group.id for g in user.chaired_groups())


@rule("group.manage")
def _group_manage(user: Any, group: Any) -> bool:
    """Run the group: its chairs and the secretariat."""
    return user.is_admin or _group_chair(user, group)
