"""Links from a recommendation to what supports it (meetings, tips, test purchases).

Other packages register a kind with a resolver `resolve(user, ref) -> (label, url) | None`;
None means the reader may not see the target (or it does not exist), so it is not shown.
"""

from collections.abc import Callable
from typing import Any

Resolver = Callable[[Any, str], tuple[str, str] | None]
_kinds: dict[str, Resolver] = {}


def register_link_kind(kind: str, resolve: Resolver) -> None:
    """Make `kind` linkable; the resolver decides what each reader sees."""
    _kinds[kind] = resolve


def unregister_link_kind(kind: str) -> None:
    """Forget a kind (tests register their own)."""
    _kinds.pop(kind, None)


def link_kinds() -> list[str]:
    """The kinds that can be linked, sorted."""
    return sorted(_kinds)


def resolve(user: Any, kind: str, ref: str) -> tuple[str, str] | None:
    """(label, url) of the target for this reader, or None when it is not to be shown."""
    resolver = _kinds.get(kind)
    if resolver is None:
        return None
    return resolver(user, ref)


def visible_links(user: Any, rec: Any) -> list[dict]:
    """The recommendation's links that this reader may see."""
    shown = []
    for link in rec.links:
        target = resolve(user, link.kind, link.ref)
        if target is not None:
            shown.append({"id": link.id, "kind": link.kind, "ref": link.ref,
                          "label": target[0], "url": target[1]})
    return shown
