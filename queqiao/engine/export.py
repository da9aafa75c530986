"""Rules export format ``queqiao.rules/1`` for the platform's production matching engine.

A document is a JSON object::

    {
      "format": "queqiao.rules/1",
      "generated_at": "2025-03-01T08:00:00+00:00",
      "normalisation": "queqiao-match/2:drop-invisible+NFKC+casefold+fold-accents+...",
      "rules": [
        {
          "id": 17,
          "version": 3,
          "all": ["gucci", "高仿"],
          "any": [],
          "none": ["正品授权"],
          "max_price": {"amount": 50000, "currency": "CNY"},
          "regions": ["广东", "浙江"]
        }
      ]
    }

Fields:

* ``format`` -- always ``"queqiao.rules/1"``; a consumer must refuse any other value.
* ``generated_at`` -- ISO 8601 timestamp of the export (UTC unless the exporter was
  given another one).
* ``normalisation`` -- which matching form every term and region in the document is
  already in: normalisation.NORMALISATION, the versioned name of the form
  normalisation.normalise produces (invisible characters dropped, NFKC, casefold,
  accents, look-alike letters and traditional characters folded, white space
  collapsed, separators between CJK characters dropped; see docs/queqiao-rules.md). A
  consumer applies the same function to listing titles and regions and then tests
  plain substring containment (terms) or equality (regions); terms of the conditions a
  rule names in ``literal`` are in the literal form instead
  (normalisation.LITERAL_NORMALISATION) and are tested against the title's literal form.
  A consumer must refuse a value it does not implement.
* ``rules`` -- one object per rule, each with exactly these keys:

  - ``id`` -- integer or non-empty string, unique in the document;
  - ``version`` -- integer >= 1, the rule's revision;
  - ``all`` -- terms that must all occur in the title;
  - ``any`` -- if non-empty, at least one must occur;
  - ``none`` -- none may occur;
  - ``max_price`` -- ``null``, or ``{"amount": int, "currency": "CNY"}`` with the amount
    in minor units (fen); a listing matches when its price is at most the amount, and a
    listing without a price never satisfies it;
  - ``regions`` -- if non-empty, the listing's normalised region must be one of them;

  and, only for a rule that has literal terms, ``literal`` -- the conditions among
  ``"all"``, ``"any"``, ``"none"`` whose terms are in (and match by) the literal form.

  ``all`` and ``any`` are never both empty, and no term is empty. Terms in a list are
  distinct.

Older documents: before version 2 the only form was ``"NFKC+casefold+collapse-whitespace"``
(NORMALISATION_V1). load_rules still reads such a document, and keeps what its rules
meant when it was made: every term condition is loaded as literal (the literal form is
that form with invisible characters dropped), so no fold widens an old rule; regions
are brought into the current form. Any other normalisation value is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from queqiao.engine.errors import RuleDocumentError, RuleError
from queqiao.engine.normalisation import (
    NORMALISATION,
    NORMALISATION_V1,
    literal_form,
    normalise,
    normalise_v1,
)
from queqiao.engine.rules import CURRENCY, TERM_CONDITIONS, RuleSpec

FORMAT = "queqiao.rules/1"
DOCUMENT_KEYS = frozenset({"format", "generated_at", "normalisation", "rules"})
RULE_KEYS = frozenset({"id", "version", "all", "any", "none", "max_price", "regions"})
# Keys a rule object may hold besides RULE_KEYS, by the document's normalisation.
OPTIONAL_RULE_KEYS = {NORMALISATION: frozenset({"literal"}), NORMALISATION_V1: frozenset()}


def export_rules(
    rules: Iterable[RuleSpec], generated_at: datetime | str | None = None
) -> dict[str, Any]:
    """Return a JSON-serialisable ``queqiao.rules/1`` document for `rules`, in their order."""
    rules = list(rules)
    seen: set[int | str] = set()
    for rule in rules:
        if not isinstance(rule, RuleSpec):
            raise TypeError(f"expected RuleSpec, got {type(rule).__name__}")
        if rule.id in seen:
            raise RuleError(rule.id, "duplicate rule id")
        seen.add(rule.id)
    return {
        "format": FORMAT,
        "generated_at": _timestamp(generated_at),
        "normalisation": NORMALISATION,
        "rules": [_rule_entry(rule) for rule in rules],
    }


def _rule_entry(rule: RuleSpec) -> dict[str, Any]:
    """Return one rule's object of the document (``literal`` only when it has literal terms)."""
    entry: dict[str, Any] = {
        "id": rule.id,
        "version": rule.version,
        "all": list(rule.all),
        "any": list(rule.any),
        "none": list(rule.none),
        "max_price": (
            None if rule.max_price is None else {"amount": rule.max_price, "currency": CURRENCY}
        ),
        "regions": list(rule.regions),
    }
    if rule.literal:
        entry["literal"] = list(rule.literal)
    return entry


def load_rules(document: Mapping[str, Any]) -> list[RuleSpec]:
    """Validate a ``queqiao.rules/1`` document and return its rules, in document order."""
    if not isinstance(document, Mapping):
        raise RuleDocumentError(
            f"a rules document must be an object, not {type(document).__name__}"
        )
    missing = DOCUMENT_KEYS - set(document)
    if missing:
        raise RuleDocumentError(f"rules document lacks {sorted(missing)}")
    unknown = set(document) - DOCUMENT_KEYS
    if unknown:
        raise RuleDocumentError(f"rules document has unknown keys {sorted(map(str, unknown))}")
    if document["format"] != FORMAT:
        raise RuleDocumentError(f"unsupported format {document['format']!r}; expected {FORMAT!r}")
    normalisation = document["normalisation"]
    if normalisation not in OPTIONAL_RULE_KEYS:
        raise RuleDocumentError(
            f"unsupported normalisation {normalisation!r}; expected {NORMALISATION!r}"
            f" (or {NORMALISATION_V1!r} of version 1 documents)"
        )
    generated_at = document["generated_at"]
    if not isinstance(generated_at, str):
        raise RuleDocumentError("generated_at must be an ISO 8601 string")
    try:
        datetime.fromisoformat(generated_at)
    except ValueError:
        raise RuleDocumentError(f"generated_at is not ISO 8601: {generated_at!r}") from None
    entries = document["rules"]
    if not isinstance(entries, list):
        raise RuleDocumentError("'rules' must be a list")

    rules: list[RuleSpec] = []
    seen: set[int | str] = set()
    for position, entry in enumerate(entries):
        rule = _load_rule(position, entry, normalisation)
        if rule.id in seen:
            raise RuleError(rule.id, "duplicate rule id")
        seen.add(rule.id)
        rules.append(rule)
    return rules


def _load_rule(position: int, entry: object, normalisation: str) -> RuleSpec:
    """Validate one rule object of a document made with `normalisation` and build its RuleSpec."""
    if not isinstance(entry, Mapping):
        raise RuleDocumentError(f"rules[{position}] must be an object")
    rule_id = entry.get("id", f"rules[{position}]")
    missing = RULE_KEYS - set(entry)
    if missing:
        raise RuleError(rule_id, f"missing keys {sorted(missing)}")
    unknown = set(entry) - RULE_KEYS - OPTIONAL_RULE_KEYS[normalisation]
    if unknown:
        raise RuleError(rule_id, f"unknown keys {sorted(map(str, unknown))}")
    if normalisation == NORMALISATION_V1:
        # Version 1 terms meant exactly their text: load them literal, so no fold widens them.
        literal: Any = TERM_CONDITIONS
    else:
        literal = entry.get("literal", ())
        if not isinstance(literal, list | tuple) or not set(literal) <= set(TERM_CONDITIONS):
            raise RuleError(rule_id, f"'literal' must list conditions of {list(TERM_CONDITIONS)}")
    for key in ("all", "any", "none", "regions"):
        values = entry[key]
        if not isinstance(values, list):
            raise RuleError(rule_id, f"'{key}' must be a list")
        form = _form_of(normalisation, key in literal)
        for value in values:
            # The document promises normalised text; a consumer relies on that promise.
            if isinstance(value, str) and value != form(value):
                raise RuleError(rule_id, f"'{key}' term {value!r} is not normalised")
    max_price = entry["max_price"]
    if max_price is not None and not (
        isinstance(max_price, Mapping) and set(max_price) == {"amount", "currency"}
    ):
        raise RuleError(rule_id, "max_price must be null or {amount, currency}")
    return RuleSpec(
        id=entry["id"],
        all=tuple(entry["all"]),
        any=tuple(entry["any"]),
        none=tuple(entry["none"]),
        max_price=max_price,
        regions=tuple(entry["regions"]),
        version=entry["version"],
        literal=tuple(literal),
    )


def _form_of(normalisation: str, literal: bool):
    """Return the function the document's terms of one condition must be fixed points of."""
    if normalisation == NORMALISATION_V1:
        return normalise_v1
    return literal_form if literal else normalise


def _timestamp(value: datetime | str | None) -> str:
    """Return `value` (default: now, UTC) as an ISO 8601 string, rejecting malformed strings."""
    if value is None:
        return datetime.now(UTC).isoformat(timespec="seconds")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise RuleDocumentError(f"generated_at is not ISO 8601: {value!r}") from None
        return value
    raise TypeError(f"generated_at must be a datetime, an ISO 8601 str or None, not {value!r}")
