"""What links to a record: a meeting, tip or purchase page lists the records that cite it.

The records that cite live in packages the cited one may not import (a recommendation
cites a meeting, but workinggroups never imports advisory), so citing packages register a
source `fn(user, kind, ref) -> [(label, url)]` that shows only what the reader may see.
"""

from collections.abc import Callable
from typing import Any

Source = Callable[[Any, str, str], list[tuple[str, str]]]
_sources: list[Source] = []


def backlink_source(fn: Source) -> Source:
    """Register a source of links to records of a kind (as a decorator)."""
    if fn not in _sources:
        _sources.append(fn)
    return fn


def backlinks(user: Any, kind: str, ref: Any) -> list[dict]:
    """[{label, url}] of every record this reader may see that links to (kind, ref)."""
    found = []
    for source in _sources:
        found.extend({"label": label, "url": url} for label, url in source(user, kind, str(ref)))
    return found
