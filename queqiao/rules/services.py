"""Making, editing and moving rules through their lifecycle; the proving corpus."""

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import parsing
from portal.accounts.access import platform_staff
from portal.audit.services import record
from portal.conditional import claim
from portal.errors import Conflict, InvalidInput, NotFound
from portal.extensions import db
from portal.models import utcnow
from portal.notifications.events import publish
from portal.transaction import atomic
from portal.urls import page_url
from queqiao.engine import Listing, compile_rules
from queqiao.listings.gazetteer import listing_region
from queqiao.listings.models import CorpusListing

from .conditions import parse_conditions, spec_for
from .lifecycle import ACTION_FOR_STATUS, RULE_LIFECYCLE
from .models import LEVELS, STATUSES, Rule, RuleVersion


def _text(values: dict, name: str, *, required: bool = False, max_length: int = 200) -> str | None:
    """A trimmed text field, or None when absent and optional (left as it was)."""
    if values.get(name) is None and not required:
        return None
    return parsing.text(values.get(name), name, required=required, max_length=max_length)


def _level(values: dict) -> str | None:
    level = values.get("level")
    if level is not None and level not in LEVELS:
        raise InvalidInput({"level": _("Choose one of: %(choices)s.", choices=", ".join(LEVELS))})
    return level


def _tip_id(value: Any) -> int | None:
    """A tip reference: a positive integer naming a tip that exists (checked by the tips part)."""
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput({"tip_id": _("Give the number of a tip.")})
    from . import tips_link

    if not tips_link.tip_exists(value):
        raise InvalidInput({"tip_id": _("There is no accepted tip with this number.")})
    return value


def _brand(values: dict, tip_id: int | None) -> str | None:
    """The brand the rule is proven on: as given, else the tip's."""
    brand = _text(values, "brand", max_length=120)
    if not brand and tip_id is not None:
        from . import tips_link

        brand = tips_link.tip_brand(tip_id)
    return brand or None


def create_rule(actor, values: dict) -> Rule:
    """A new rule in shadow mode, version 1, from validated values."""
    name = _text(values, "name", required=True)
    conditions = parse_conditions(values.get("conditions"))
    tip_id = _tip_id(values.get("tip_id"))
    rule = Rule(
        name=name, tip_id=tip_id, conditions=conditions, brand=_brand(values, tip_id),
        level=_level(values) or "medium",
        known_false_positives=_text(values, "known_false_positives", max_length=4000) or "",
        notes=_text(values, "notes", max_length=4000) or "",
        created_by_id=actor.id, status="shadow", version=1,
    )
    db.session.add(rule)
    db.session.flush()
    db.session.add(RuleVersion(rule_id=rule.id, version=1, name=name, conditions=conditions,
                               created_by_id=actor.id))
    # Rule names and conditions are derived from tips and are staff-only; the secretariat
    # reads the audit log, so its rows carry ids, versions and statuses only.
    record(actor, "rule.create", rule, f"Rule {rule.id} created", version=rule.version,
           status=rule.status, tip_id=rule.tip_id)
    db.session.commit()
    return rule


@atomic
def update_rule(actor, rule: Rule, values: dict) -> Rule:
    """Make the next version of a rule; a stale `version` is refused with a conflict."""
    version = values.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidInput({"version": _("Give the version you edited (a whole number).")})
    if rule.status == "retired":
        raise Conflict(_("A retired rule cannot be edited."), code="illegal_transition")
    conditions = (parse_conditions(values["conditions"]) if "conditions" in values
                  else rule.conditions)
    name = _text(values, "name", required="name" in values) or rule.name
    level = _level(values)
    known = _text(values, "known_false_positives", max_length=4000)
    notes = _text(values, "notes", max_length=4000)
    brand = _text(values, "brand", max_length=120)
    if version != rule.version:
        raise Conflict(_("This rule was changed by someone else (now version %(v)d). "
                         "Reload it and make your change again.", v=rule.version),
                       code="stale_version", current_version=rule.version)
    # One conditional write: of two editors who read version n, one makes n + 1, the other
    # is refused; a rule retired meanwhile is not edited.
    claim(rule, check=("version", "status"), code="stale_version",
          message=lambda: _("This rule was changed by someone else. Reload it and make your "
                            "change again."), version=rule.version + 1, updated_at=utcnow())
    rule.conditions = conditions
    rule.name = name
    rule.level = level or rule.level
    if known is not None:
        rule.known_false_positives = known
    if notes is not None:
        rule.notes = notes
    if brand is not None:
        rule.brand = brand or None
    db.session.add(RuleVersion(rule_id=rule.id, version=rule.version, name=name,
                               conditions=conditions, created_by_id=actor.id))
    record(actor, "rule.edit", rule, f"Rule {rule.id} version {rule.version}",
           version=rule.version)
    try:
        db.session.commit()
    except IntegrityError:
        # The version row already exists: another edit made it (kept as a second guard).
        db.session.rollback()
        raise Conflict(_("This rule was changed by someone else. Reload it and make your "
                         "change again."), code="stale_version") from None
    return rule


def proof_failure(rule: Rule, proof: "CorpusResult") -> str | None:
    """Why the corpus does not prove the rule, as a code; None when it does.

    A rule must catch at least RULE_ACTIVATION_MIN_RECALL of its brand's known counterfeits
    and hit no known-genuine listing (of its brand or any other)."""
    if proof.genuine_hits:
        return "genuine_hits"
    if not rule.brand:
        return "no_brand"
    if proof.recall is None:
        return "no_counterfeits"
    if proof.recall < float(current_app.config["RULE_ACTIVATION_MIN_RECALL"]):
        return "low_recall"
    return None


def proof_refusal(rule: Rule, proof: "CorpusResult") -> Conflict | None:
    """The conflict activation answers when the corpus does not prove the rule; or None."""
    failure = proof_failure(rule, proof)
    if failure is None:
        return None
    minimum = float(current_app.config["RULE_ACTIVATION_MIN_RECALL"])
    facts = {"genuine_hits": len(proof.genuine_hits), "brand": rule.brand,
             "counterfeits_known": proof.counterfeit_total,
             "counterfeits_caught": len(proof.counterfeit_hits),
             "recall": proof.recall, "min_recall": minimum}
    if failure == "genuine_hits":
        return Conflict(_("This rule hits %(n)d known-genuine listings. Activate it only with "
                          "an explicit override and a reason.", n=len(proof.genuine_hits)),
                        code="genuine_hits", **facts)
    if failure == "no_brand":
        message = _("This rule names no brand, so no brand's counterfeits prove it. Name the "
                    "brand, or activate it with an override and a reason.")
    elif failure == "no_counterfeits":
        message = _("No known counterfeits of %(brand)s are in the corpus to prove this rule "
                    "on. Add some, or activate it with an override and a reason.",
                    brand=rule.brand)
    else:
        message = _("This rule catches %(caught)d of the %(known)d known counterfeits of "
                    "%(brand)s; at least %(share)d %% are needed. Activate it only with an "
                    "explicit override and a reason.", caught=len(proof.counterfeit_hits),
                    known=proof.counterfeit_total, brand=rule.brand, share=round(minimum * 100))
    return Conflict(message, code="proof_failed", **facts)


@atomic
def change_status(actor, rule: Rule, status: Any, *, override: bool = False,
                  reason: Any = None) -> Rule:
    """Move a rule to `status`; activating a rule its brand's corpus does not prove needs an
    explicit override with a reason, which the audit log keeps."""
    if status not in STATUSES:
        raise InvalidInput({"status": _("Choose one of: %(choices)s.", choices=", ".join(STATUSES))})
    action = ACTION_FOR_STATUS[status]
    new_status = RULE_LIFECYCLE.next_state(rule.status, action)
    overridden = None
    if action == "activate":
        proof = corpus_results(rule)
        failure = proof_failure(rule, proof)
        if failure is not None and not override:
            raise proof_refusal(rule, proof)
        if failure is not None:
            overridden = parsing.text(reason, "reason", max_length=2000)
            if not overridden:
                raise InvalidInput({"reason": _("Say why the rule may go live although its "
                                                "proof fails.")})
    # Conditional on the status and version that were checked (and proven): a rule edited
    # or moved meanwhile is not moved again on the strength of what it was.
    claim(rule, check=("version", "status"), code="stale_version",
          message=lambda: _("This rule was changed by someone else meanwhile. Reload it and "
                            "try again."), status=new_status, status_changed_at=utcnow())
    details = {"override": overridden is not None}
    if overridden is not None:
        details["reason"] = overridden
    record(actor, f"rule.{action}", rule, f"Rule {rule.id} is now {new_status}",
           version=rule.version, status=new_status, **details)
    if new_status == "active":
        publish("rule.activated", platform_staff(), obj=rule, view_rule="staff",
                url=page_url("queqiao_rules.detail", rule_id=rule.id), rule_id=rule.id,
                version=rule.version, tip_id=rule.tip_id)
    db.session.commit()
    return rule


def get_rule(rule_id: int) -> Rule:
    """A rule by id, or 404."""
    rule = db.session.get(Rule, rule_id)
    if rule is None:
        raise NotFound()
    return rule


def rules_query(status: str | None = None, tip_id: int | None = None):
    """Rules, newest first, optionally of one status or tip."""
    query = select(Rule).order_by(Rule.id.desc())
    if status in STATUSES:
        query = query.where(Rule.status == status)
    if tip_id is not None:
        query = query.where(Rule.tip_id == tip_id)
    return query


def rule_counts() -> dict[str, int]:
    """How many rules are in each status."""
    rows = db.session.execute(select(Rule.status, func.count()).group_by(Rule.status)).all()
    return {status: 0 for status in STATUSES} | dict(rows)


# --- the proving corpus -------------------------------------------------------------


@dataclass
class CorpusResult:
    """What a rule does on the corpus: genuine listings it hits, and its own brand's
    counterfeits it hits or misses (other brands' fakes are not its to catch)."""

    genuine_hits: list[CorpusListing] = field(default_factory=list)
    counterfeit_hits: list[CorpusListing] = field(default_factory=list)
    counterfeit_missed: list[CorpusListing] = field(default_factory=list)
    genuine_total: int = 0

    @property
    def counterfeit_total(self) -> int:
        return len(self.counterfeit_hits) + len(self.counterfeit_missed)

    @property
    def recall(self) -> float | None:
        """The share of the brand's known counterfeits caught; None when none are known."""
        total = self.counterfeit_total
        return None if total == 0 else len(self.counterfeit_hits) / total


def folded_results(rule: Rule) -> CorpusResult | None:
    """For a rule with literal terms: what it would do on the corpus with them folded."""
    if not rule.conditions.get("literal"):
        return None
    return corpus_results(rule, {k: v for k, v in rule.conditions.items() if k != "literal"})


def _same_brand(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.strip().casefold() == b.strip().casefold()


def corpus_results(rule: Rule, conditions: dict | None = None) -> CorpusResult:
    """Run one rule (or other `conditions` for it) over the whole corpus (nothing is stored)."""
    matcher = compile_rules([spec_for(rule.id, rule.conditions if conditions is None
                                      else conditions, rule.version)])
    result = CorpusResult()
    items = list(db.session.scalars(select(CorpusListing).order_by(CorpusListing.id)))
    # One batched call: the engine normalises and scans many titles at once.
    hit_ids = {
        listing_id
        for listing_id, _ in matcher.match_many(
            Listing(str(item.id), item.title, item.price, listing_region(item.region))
            for item in items
        )
    }
    for item in items:
        hit = str(item.id) in hit_ids
        if item.kind == "genuine":
            result.genuine_total += 1
            if hit:
                result.genuine_hits.append(item)
        elif not _same_brand(item.brand, rule.brand):
            continue
        elif hit:
            result.counterfeit_hits.append(item)
        else:
            result.counterfeit_missed.append(item)
    return result








