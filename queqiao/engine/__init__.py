"""Queqiao monitoring-rule engine: match marketplace listings against many keyword rules fast.

A rule has conditions ``{all, any, none, max_price, regions}``. A listing matches when
its normalised title contains every ``all`` term, at least one ``any`` term (if any are
given) and no ``none`` term, its price (minor units, fen) is at most ``max_price`` (if
given; a listing without a price does not qualify) and its normalised region is one of
``regions`` (if given). Titles, terms and regions are normalised alike (NFKC, casefold,
whitespace collapsed and stripped) and terms match as plain substrings, which suits
Chinese text where there are no word boundaries.

Typical use::

    rules = [RuleSpec.from_conditions(rule.id, rule.conditions, rule.version) for rule in rows]
    matcher = compile_rules(rules)          # once; immutable and safe to share
    matcher.match(listing)                  # -> [rule ids]
    matcher.match_many(listings)            # -> [(listing id, rule id), ...]

``explain`` tells, condition by condition, why a rule matches a listing or not;
``reference_match`` is the plain per-rule definition the compiled matcher is tested
against; ``export_rules``/``load_rules`` read and write the ``queqiao.rules/1`` document
handed to the platform's production engine. Nothing here depends on Flask or a database.
"""

from queqiao.engine.compiler import CompiledRuleSet, compile_rules
from queqiao.engine.errors import RuleDocumentError, RuleError
from queqiao.engine.explain import Explanation, Reason, explain
from queqiao.engine.export import FORMAT, export_rules, load_rules
from queqiao.engine.listing import Listing
from queqiao.engine.normalisation import (
    LITERAL_NORMALISATION,
    NORMALISATION,
    NORMALISATION_V1,
    literal_form,
    normalise,
)
from queqiao.engine.reference import reference_match
from queqiao.engine.rules import RuleId, RuleSpec

__all__ = [
    "FORMAT",
    "LITERAL_NORMALISATION",
    "NORMALISATION",
    "NORMALISATION_V1",
    "CompiledRuleSet",
    "Explanation",
    "Listing",
    "Reason",
    "RuleDocumentError",
    "RuleError",
    "RuleId",
    "RuleSpec",
    "compile_rules",
    "explain",
    "export_rules",
    "literal_form",
    "load_rules",
    "normalise",
    "reference_match",
]
