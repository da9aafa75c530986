"""Monitoring rules: the validated, normalised form the matcher works on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from queqiao.engine.errors import RuleError
from queqiao.engine.normalisation import literal_form, normalise

RuleId = int | str

CURRENCY = "CNY"
CONDITION_KEYS = frozenset({"all", "any", "none", "max_price", "regions", "literal"})
# The conditions whose terms can be matched in the literal form, in canonical order.
TERM_CONDITIONS = ("all", "any", "none")


def _check_id(rule_id: object) -> RuleId:
    """Return `rule_id` if it is a usable id (a non-bool int or a non-empty str)."""
    if isinstance(rule_id, bool) or not isinstance(rule_id, int | str):
        raise RuleError(None, f"rule id must be an int or a str, not {rule_id!r}")
    if isinstance(rule_id, str) and not rule_id.strip():
        raise RuleError(None, "rule id must not be blank")
    return rule_id


def _check_literal(rule_id: RuleId, literal: object) -> tuple[str, ...]:
    """Return which term conditions are literal: True means all three, False or None none."""
    if literal is None or literal is False:
        return ()
    if literal is True:
        return TERM_CONDITIONS
    if isinstance(literal, str | bytes) or not isinstance(literal, Iterable):
        raise RuleError(rule_id, f"literal must be a boolean or a list of conditions, not {literal!r}")
    names = set()
    for name in literal:
        if name not in TERM_CONDITIONS:
            raise RuleError(rule_id, f"literal names term conditions {list(TERM_CONDITIONS)}, not {name!r}")
        names.add(name)
    return tuple(name for name in TERM_CONDITIONS if name in names)


def _normalised_terms(
    rule_id: RuleId, role: str, terms: object, form=normalise
) -> tuple[str, ...]:
    """Bring a list of terms into `form`, dropping duplicates and rejecting empty ones."""
    # A bare string is iterable and would silently become one term per character.
    if isinstance(terms, str | bytes) or not isinstance(terms, Iterable):
        raise RuleError(rule_id, f"'{role}' must be a list of strings, not {terms!r}")
    seen: dict[str, None] = {}
    for term in terms:
        if not isinstance(term, str):
            raise RuleError(rule_id, f"'{role}' terms must be strings, not {term!r}")
        norm = form(term)
        if not norm:
            raise RuleError(rule_id, f"'{role}' contains an empty term ({term!r})")
        seen[norm] = None
    return tuple(seen)


def _check_price(rule_id: RuleId, max_price: object) -> int | None:
    """Return the price ceiling in minor units, accepting an int, None or {amount, currency}."""
    if max_price is None:
        return None
    if isinstance(max_price, Mapping):
        unknown = set(max_price) - {"amount", "currency"}
        if unknown:
            raise RuleError(rule_id, f"max_price has unknown keys {sorted(map(str, unknown))}")
        if "amount" not in max_price:
            raise RuleError(rule_id, "max_price needs an 'amount' in minor units (fen)")
        currency = max_price.get("currency", CURRENCY)
        # Listing prices carry no currency: they are fen, so only a CNY ceiling compares.
        if currency != CURRENCY:
            raise RuleError(rule_id, f"max_price currency must be {CURRENCY!r}, not {currency!r}")
        max_price = max_price["amount"]
    if isinstance(max_price, bool) or not isinstance(max_price, int):
        raise RuleError(rule_id, f"max_price must be an integer amount of fen, not {max_price!r}")
    if max_price < 0:
        raise RuleError(rule_id, f"max_price must not be negative ({max_price})")
    return max_price


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One monitoring rule; terms and regions are stored normalised and de-duplicated.

    Terms are kept in the matching form (normalisation.normalise), except those of the
    conditions named in `literal`, which are kept, and matched, in the literal form
    (normalisation.literal_form): no accents, look-alikes or traditional characters
    folded and no CJK separators joined, for a term a fold would confuse with another
    word. `literal` may be given as True (all, any and none), False, or a list of
    condition names; it is stored as a tuple of names in the order all, any, none.
    Regions always use the matching form.
    """

    id: RuleId
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    max_price: int | None = None
    regions: tuple[str, ...] = ()
    version: int = 1
    literal: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Validate the rule and bring terms and regions into their normalised form."""
        rule_id = _check_id(self.id)
        literal = _check_literal(rule_id, self.literal)
        # Validating here means no RuleSpec can exist that the matcher would have to
        # second-guess: every instance is already canonical.
        fields: dict[str, Any] = {
            role: _normalised_terms(
                rule_id, role, getattr(self, role), literal_form if role in literal else normalise
            )
            for role in TERM_CONDITIONS
        }
        fields["regions"] = _normalised_terms(rule_id, "regions", self.regions)
        fields["max_price"] = _check_price(rule_id, self.max_price)
        fields["literal"] = literal
        if not fields["all"] and not fields["any"]:
            raise RuleError(rule_id, "a rule needs at least one 'all' or 'any' term")
        if isinstance(self.version, bool) or not isinstance(self.version, int):
            raise RuleError(rule_id, f"version must be an integer, not {self.version!r}")
        if self.version < 1:
            raise RuleError(rule_id, f"version must be at least 1, not {self.version}")
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    @classmethod
    def from_conditions(
        cls, id: RuleId, conditions: Mapping[str, Any], version: int = 1
    ) -> RuleSpec:
        """Build a rule from the API's conditions JSON ({all, any, none, max_price, regions}).

        An optional ``literal`` (true, or a list of "all", "any", "none") asks for the
        literal form of those terms.
        """
        rule_id = _check_id(id)
        if not isinstance(conditions, Mapping):
            raise RuleError(rule_id, f"conditions must be an object, not {conditions!r}")
        unknown = set(conditions) - CONDITION_KEYS
        if unknown:
            # Rejecting typos ("al", "max-price") beats silently ignoring a condition.
            raise RuleError(rule_id, f"unknown condition keys {sorted(map(str, unknown))}")

        def terms(key: str) -> Any:
            value = conditions.get(key)
            return () if value is None else value

        return cls(
            id=rule_id,
            all=terms("all"),
            any=terms("any"),
            none=terms("none"),
            max_price=conditions.get("max_price"),
            regions=terms("regions"),
            version=version,
            literal=conditions.get("literal"),
        )

    def is_literal(self, role: str) -> bool:
        """Return True when the terms of condition `role` are in (and match by) the literal form."""
        return role in self.literal

    def to_conditions(self) -> dict[str, Any]:
        """Return the conditions in the API's JSON shape (normalised terms).

        ``literal`` appears only when some condition is literal, so rules without it keep
        the shape they always had.
        """
        conditions: dict[str, Any] = {
            "all": list(self.all),
            "any": list(self.any),
            "none": list(self.none),
            "max_price": (
                None if self.max_price is None else {"amount": self.max_price, "currency": CURRENCY}
            ),
            "regions": list(self.regions),
        }
        if self.literal:
            conditions["literal"] = list(self.literal)
        return conditions
