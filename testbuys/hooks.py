"""Hooks for packages that act on test-purchase outcomes without this package knowing them.

testbuys imports no feature package. A package that wants to learn of a verdict
(Queqiao feeds its rule-proving corpus from purchases proposed from rule hits) subscribes
with `on_authenticated(fn)` when it registers. `fn(purchase, actor)` runs inside the
transaction that stores the verdict, after it is flushed and before it commits: what a
listener adds commits together with the verdict or, on rollback, not at all. A listener
must not commit, and may only add to the session (plain rows, audit records).
"""

from collections.abc import Callable
from typing import Any

AuthenticatedListener = Callable[[Any, Any], None]
_authenticated: list[AuthenticatedListener] = []


def on_authenticated(fn: AuthenticatedListener) -> AuthenticatedListener:
    """Call `fn(purchase, actor)` whenever a purchase is authenticated (usable as a decorator)."""
    if fn not in _authenticated:
        _authenticated.append(fn)
    return fn


def off_authenticated(fn: AuthenticatedListener) -> None:
    """Stop calling `fn` (tests subscribe their own)."""
    if fn in _authenticated:
        _authenticated.remove(fn)


def authenticated(purchase: Any, actor: Any) -> None:
    """Tell every listener that `purchase` now has a verdict."""
    for fn in list(_authenticated):
        fn(purchase, actor)
