"""Links from a recommendation to what supports it (meetings, tips, test purchases).

Other packages register a kind with a resolver `resolve(user, ref) -> (label, url) | None`;
None means the reader may not see the target (or it does not exist), so it is not shown.
"""

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from portal.authz import can, visible
from portal.backlinks import backlink_source
from portal.extensions import db
from portal.urls import page_url

Resolver = Callable[[Any, str], tuple[str, str] | None]
_kinds: dict[str, Resolver] = {}
_labels: dict[str, Any] = {}


def register_link_kind(kind: str, resolve: Resolver, label: Any = None) -> None:
    """Make `kind` linkable; the resolver decides what each reader sees. `label` is what
    the link form shows (a lazy string, so each reader sees it in their language)."""
    _kinds[kind] = resolve
    _labels[kind] = label if label is not None else kind


def object_resolver(model: type, view_rule: str, label: Callable[[Any], str],
                    url: Callable[[Any], str]) -> Resolver:
    """A resolver for links to rows of `model` by id, shown only where `view_rule` allows."""

    def resolve(user: Any, ref: str) -> tuple[str, str] | None:
        if not (isinstance(ref, str) and ref.isdigit() and len(ref) < 12):
            return None
        obj = db.session.get(model, int(ref))
        if obj is None or not can(user, view_rule, obj):
            return None
        return label(obj), url(obj)

    return resolve


def link_kind_choices() -> list[tuple[str, Any]]:
    """(kind, label) pairs for the link form."""
    return [(kind, _labels[kind]) for kind in link_kinds()]


def unregister_link_kind(kind: str) -> None:
    """Forget a kind (tests register their own)."""
    _kinds.pop(kind, None)
    _labels.pop(kind, None)


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


@backlink_source
def recommendations_citing(user: Any, kind: str, ref: str) -> list[tuple[str, str]]:
    """The recommendations this reader may see that link to (kind, ref)."""
    from .models import Recommendation, RecommendationLink

    rows = db.session.scalars(select(Recommendation).join(
        RecommendationLink, RecommendationLink.recommendation_id == Recommendation.id).where(
        RecommendationLink.kind == kind, RecommendationLink.ref == ref,
        visible(user, Recommendation)).order_by(Recommendation.id))
    return [(_("Recommendation R-%(id)d: %(title)s", id=r.id, title=r.title),
             page_url("advisory.detail", rec_id=r.id)) for r in rows]
