"""What people do to recommendations. Pages, the API and the CLI all come through here.

Every action checks, in this order: the reader may see it (404), their role allows the action
(403), the lifecycle allows it now (409), the input is valid (422). Each step is dated,
attributed, audited, and told to the people following the recommendation after commit.
"""

from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import parsing
from portal.accounts.access import secretariat
from portal.accounts.groups import group_by_slug
from portal.accounts.models import GroupMembership, Organisation, User
from portal.audit.services import record
from portal.authz import can, require_visible
from portal.conditional import claim, lock
from portal.errors import Conflict, Forbidden, InvalidInput
from portal.extensions import db
from portal.models import utcnow
from portal.notifications.services import notify
from portal.transaction import atomic
from portal.urls import page_url

from . import board, lifecycle, links
from .models import (
    CATEGORIES,
    DECISIONS,
    RESPONSES,
    VOTE_POSITIONS,
    Recommendation,
    RecommendationComment,
    RecommendationCosign,
    RecommendationEvent,
    RecommendationFollower,
    RecommendationLink,
    RecommendationMilestone,
    RecommendationVote,
)

TEXT_LIMITS = {"title": 200, "summary": 2000, "body": 20000}


# --- checks -------------------------------------------------------------------------------


def _check(actor: Any, rec: Recommendation, action: str) -> str:
    """404 / 403 / 409 in that order; returns the state the action leads to."""
    require_visible("recommendation.view", rec, user=actor)
    if not lifecycle.may(actor, rec, action):
        raise Forbidden(_("You may not do this to this recommendation."))
    return lifecycle.next_status(rec, action)


def _text(value: Any, field: str, *, required: bool = True) -> str:
    """A trimmed text field within its length limit."""
    return parsing.text(value, field, required=required, max_length=TEXT_LIMITS.get(field, 5000))


_choice = parsing.choice


def _content(values: dict) -> dict:
    """Validated title, summary, body and category (all errors at once)."""
    errors, clean = {}, {}
    for field, required in (("title", True), ("summary", True), ("body", False)):
        try:
            clean[field] = _text(values.get(field), field, required=required)
        except InvalidInput as e:
            errors.update(e.fields)
    try:
        clean["category"] = _choice(values.get("category"), "category", CATEGORIES)
    except InvalidInput as e:
        errors.update(e.fields)
    if errors:
        raise InvalidInput(errors)
    return clean


# --- recording a step ---------------------------------------------------------------------


def _raced() -> str:
    return _("Someone else changed this recommendation meanwhile; reload it and try again.")


def _hold(rec: Recommendation) -> None:
    """Keep the recommendation in the state it was read in while a vote, comment or co-sign
    is added (a decision or withdrawal racing it wins or waits, never both)."""
    lock(rec, check=("status",), message=_raced, code="illegal_transition")


def _commit_unique(message) -> None:
    """Commit; a unique constraint that a racing request filled first is a 409, not a 500."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(message(), code="duplicate") from None


def _step(actor: Any, rec: Recommendation, action: str, status: str, note: str = "") -> None:
    """Move to `status`, keep the dated, attributed event, audit it and tell people.

    The move is one conditional write on the version and status that were read: of two
    racing steps one wins, the other gets a 409 and tells nobody."""
    before = rec.status
    claim(rec, check=("version", "status"), message=_raced, code="stale_version",
          status=status, version=rec.version + 1)
    db.session.add(RecommendationEvent(recommendation_id=rec.id, action=action, status=status,
                                       at=utcnow(), by_id=getattr(actor, "id", None), note=note))
    record(actor, f"recommendation.{action}", rec, f"{rec.title}: {before} -> {status}")
    if before != status:
        _announce(actor, rec)


def audience(rec: Recommendation) -> list[User]:
    """Who hears of a status change: the author, the group's chairs and people, followers."""
    group_people = db.session.scalars(
        select(User).join(Organisation, User.organisation_id == Organisation.id)
        .join(GroupMembership, GroupMembership.organisation_id == Organisation.id)
        .where(GroupMembership.working_group_id == rec.working_group_id,
               GroupMembership.status == "active"))
    followers = db.session.scalars(
        select(User).join(RecommendationFollower, RecommendationFollower.user_id == User.id)
        .where(RecommendationFollower.recommendation_id == rec.id))
    chairs = [p.user for p in rec.working_group.current_positions()]
    return [rec.author, *chairs, *group_people, *followers]


def _announce(actor: Any, rec: Recommendation) -> None:
    """recommendation.status to everyone concerned who may see it, live and by e-mail."""
    db.session.flush()
    notify(audience(rec), "recommendation.status",
           _l("Recommendation “%(title)s” is now %(status)s.", title=rec.title,
              status=lifecycle.STATUS_LABELS[rec.status]),
           page_url("advisory.detail", rec_id=rec.id), obj=rec,
           view_rule="recommendation.view", email=True, exclude=actor,
           event="recommendation.status", recommendation_id=rec.id, status=rec.status)


# --- drafting -----------------------------------------------------------------------------


@atomic
def create(actor: Any, values: dict) -> Recommendation:
    """A new draft for a group the actor chairs (or vice-chairs)."""
    slug = values.get("working_group")
    group = group_by_slug(slug) if isinstance(slug, str) else None
    errors = {}
    if group is None:
        errors["working_group"] = _("Choose one of the working groups.")
    try:
        clean = _content(values)
    except InvalidInput as e:
        errors.update(e.fields)
    if errors:
        raise InvalidInput(errors)
    if not can(actor, "group.chair", group):
        raise Forbidden(_("Only the group's chair or vice-chair drafts its recommendations."))
    rec = Recommendation(working_group_id=group.id, author_id=actor.id, status="draft",
                         hide_tally=bool(values.get("hide_tally")), created_at=utcnow(), **clean)
    db.session.add(rec)
    db.session.flush()
    db.session.add(RecommendationEvent(recommendation_id=rec.id, action="create", status="draft",
                                       at=rec.created_at, by_id=actor.id))
    db.session.add(RecommendationFollower(recommendation_id=rec.id, user_id=actor.id))
    record(actor, "recommendation.create", rec, rec.title)
    db.session.commit()
    return rec


@atomic
def update(actor: Any, rec: Recommendation, values: dict) -> Recommendation:
    """Edit a draft or a returned recommendation; a stale `version` is refused."""
    status = _check(actor, rec, "edit")
    clean = _content(values)
    version = values.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise InvalidInput({"version": _("Give the version you last read, a whole number.")})
    if version is not None and version != rec.version:
        raise Conflict(_("Someone else changed this recommendation meanwhile; reload it."),
                       code="stale_version", current_version=rec.version)
    for key, value in clean.items():
        setattr(rec, key, value)
    if "hide_tally" in values:
        rec.hide_tally = bool(values["hide_tally"])
    _step(actor, rec, "edit", status)
    db.session.commit()
    return rec


@atomic
def submit(actor: Any, rec: Recommendation) -> Recommendation:
    """Put the recommendation to the board; review runs until the deadline."""
    status = _check(actor, rec, "submit")
    if rec.status == "returned" and rec.votes:
        # The board reviews the revised text afresh: the earlier round's votes stay in the
        # audit log, not in the new tally.
        record(actor, "recommendation.votes_reset", rec,
               f"{len(rec.votes)} votes of the earlier round set aside",
               votes={str(v.user_id): v.position for v in rec.votes})
        for ballot in list(rec.votes):
            db.session.delete(ballot)
    rec.last_reminded_on = None
    now = utcnow()
    rec.first_submitted_at = rec.first_submitted_at or now
    days = current_app.config.get("ADVISORY_REVIEW_DAYS") or 14
    rec.review_deadline = now.date() + timedelta(days=days)
    _step(actor, rec, "submit", status)
    _ask_the_board(actor, rec)
    db.session.commit()
    return rec


def _ask_the_board(actor: Any, rec: Recommendation) -> None:
    """Every chair on the board hears that a recommendation waits for their vote."""
    notify(board.board_members(), "recommendation.review",
           _l("The Advisory Board is asked to vote on “%(title)s” by %(date)s.",
              title=rec.title, date=rec.review_deadline.isoformat()),
           page_url("advisory.detail", rec_id=rec.id), obj=rec,
           view_rule="recommendation.view", email=True, exclude=actor,
           recommendation_id=rec.id)


def chairs_asked(actor: Any) -> int:
    """How many chairs a submission by `actor` asks to vote (the board but the actor)."""
    return sum(1 for u in board.board_members() if u.id != getattr(actor, "id", None))


@atomic
def withdraw(actor: Any, rec: Recommendation, note: str = "") -> Recommendation:
    """The chair takes it back before the board decides."""
    status = _check(actor, rec, "withdraw")
    _step(actor, rec, "withdraw", status, _text(note, "note", required=False))
    db.session.commit()
    return rec


# --- board review -------------------------------------------------------------------------


@atomic
def comment(actor: Any, rec: Recommendation, body: Any) -> RecommendationComment:
    """A remark during board review."""
    _check(actor, rec, "comment")
    _hold(rec)
    remark = RecommendationComment(recommendation_id=rec.id, author_id=actor.id,
                                   body=_text(body, "body"), at=utcnow())
    db.session.add(remark)
    record(actor, "recommendation.comment", rec, rec.title)
    db.session.commit()
    return remark


@atomic
def cosign(actor: Any, rec: Recommendation, group_slug: Any = None) -> RecommendationCosign:
    """Another group backs the recommendation, through its chair or vice-chair."""
    _check(actor, rec, "cosign")
    mine = [g for g in actor.chaired_groups() if g.id != rec.working_group_id]
    if group_slug:
        mine = [g for g in mine if g.slug == group_slug]
        if not mine:
            raise InvalidInput({"working_group": _("Choose a group you chair.")})
    group = mine[0]
    _hold(rec)
    if db.session.scalar(select(RecommendationCosign.id).where(
            RecommendationCosign.recommendation_id == rec.id,
            RecommendationCosign.working_group_id == group.id)) is not None:
        raise Conflict(_("Your group has already co-signed."), code="duplicate")
    sign = RecommendationCosign(recommendation_id=rec.id, working_group_id=group.id,
                                by_id=actor.id, at=utcnow())
    db.session.add(sign)
    db.session.add(RecommendationEvent(recommendation_id=rec.id, action="cosign",
                                       status=rec.status, at=sign.at, by_id=actor.id,
                                       note=group.name_en))
    record(actor, "recommendation.cosign", rec, f"{group.slug} co-signs {rec.title}")
    _commit_unique(lambda: _("Your group has already co-signed."))
    return sign


@atomic
def vote(actor: Any, rec: Recommendation, position: Any, comment_text: Any = "") -> RecommendationVote:
    """Cast or change a board member's vote."""
    _check(actor, rec, "vote")
    position = _choice(position, "position", VOTE_POSITIONS)
    text = _text(comment_text, "comment", required=False)
    # Held first, so the ballot is looked up after any racing vote of the same chair
    # committed: the second one changes the first instead of colliding with it.
    _hold(rec)
    ballot = db.session.scalar(select(RecommendationVote).where(
        RecommendationVote.recommendation_id == rec.id, RecommendationVote.user_id == actor.id))
    if ballot is None:
        _tell_secretariat_at_quorum(actor, rec, 1 + db.session.scalar(
            select(func.count(RecommendationVote.id)).where(
                RecommendationVote.recommendation_id == rec.id)))
        ballot = RecommendationVote(recommendation_id=rec.id, user_id=actor.id)
        db.session.add(ballot)
    ballot.position, ballot.comment, ballot.cast_at = position, text, utcnow()
    record(actor, "recommendation.vote", rec, f"vote on {rec.title}")
    _commit_unique(lambda: _("Your vote was being recorded at the same moment; reload and "
                             "check it."))
    db.session.refresh(rec)
    return ballot


def _tell_secretariat_at_quorum(actor: Any, rec: Recommendation, votes: int) -> None:
    """The vote that brings the board to quorum leaves the secretariat a to-do: record the
    decision. Later votes do not repeat it."""
    if votes != board.quorum(len(board.board_members())):
        return
    notify(secretariat(), "recommendation.quorum",
           _l("“%(title)s” has reached quorum: record the board's decision.", title=rec.title),
           page_url("advisory.detail", rec_id=rec.id), obj=rec,
           view_rule="recommendation.view", email=True, exclude=actor,
           recommendation_id=rec.id)


@atomic
def decide(actor: Any, rec: Recommendation, outcome: Any, note: Any = "") -> Recommendation:
    """The secretariat records the board's decision; endorsing or declining needs quorum."""
    # All three decisions share who and when, so an unknown outcome is checked like endorsing.
    action = {"endorsed": "endorse", "returned": "return", "declined": "decline"}.get(
        outcome if isinstance(outcome, str) else "", "endorse")
    status = _check(actor, rec, action)
    outcome = _choice(outcome, "outcome", DECISIONS)
    text = _text(note, "note", required=False)
    if action != "return":
        count = board.tally(rec, actor)
        if not count.quorum_reached:
            raise Conflict(_("The board has no quorum yet: %(voted)d of %(need)d votes needed.",
                             voted=count.voted, need=count.quorum), code="no_quorum")
    rec.decision_note = text
    _step(actor, rec, action, status, text)
    db.session.commit()
    return rec


# --- the platform's answer and implementation ---------------------------------------------


@atomic
def respond(actor: Any, rec: Recommendation, outcome: Any, rationale: Any) -> Recommendation:
    """Platform staff answer an endorsed recommendation, with a rationale."""
    status = _check(actor, rec, "respond")
    errors = {}
    try:
        outcome = _choice(outcome, "outcome", RESPONSES)
    except InvalidInput as e:
        errors.update(e.fields)
    try:
        rationale = _text(rationale, "rationale")
    except InvalidInput as e:
        errors.update(e.fields)
    if errors:
        raise InvalidInput(errors)
    rec.response_outcome, rec.response_rationale = outcome, rationale
    _step(actor, rec, "respond", status, rationale)
    db.session.commit()
    return rec


def _parse_date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput({field: _("Give a date as YYYY-MM-DD.")}) from None


def _progress(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise InvalidInput({"progress": _("Give a whole number from 0 to 100.")})
    return value


@atomic
def add_milestone(actor: Any, rec: Recommendation, title: Any, target_date: Any = None,
                  progress: Any = 0) -> RecommendationMilestone:
    """A step of implementation; the first one starts implementation."""
    status = _check(actor, rec, "add_milestone")
    if rec.response_outcome == "declined":
        raise Conflict(_("The platform declined this recommendation; there is nothing to "
                         "implement."), code="illegal_transition")
    milestone = RecommendationMilestone(
        recommendation_id=rec.id, title=_text(title, "title"),
        target_date=_parse_date(target_date, "target_date"), progress=_progress(progress),
        updated_at=utcnow(), updated_by_id=actor.id)
    db.session.add(milestone)
    _step(actor, rec, "add_milestone", status, milestone.title)
    db.session.commit()
    return milestone


@atomic
def report_progress(actor: Any, rec: Recommendation, milestone_id: int,
                    progress: Any) -> RecommendationMilestone:
    """New progress on a milestone; the recommendation's progress rolls up from them."""
    status = _check(actor, rec, "report_progress")
    milestone = next((m for m in rec.milestones if m.id == milestone_id), None)
    if milestone is None:
        raise InvalidInput({"milestone": _("No such milestone on this recommendation.")})
    milestone.progress = _progress(progress)
    milestone.updated_at, milestone.updated_by_id = utcnow(), actor.id
    _step(actor, rec, "report_progress", status, f"{milestone.title}: {milestone.progress}%")
    db.session.commit()
    return milestone


@atomic
def complete(actor: Any, rec: Recommendation, note: Any = "") -> Recommendation:
    """The platform reports the recommendation implemented: with every milestone done, or,
    below 100 %, with the reason it nonetheless counts as implemented."""
    status = _check(actor, rec, "complete")
    reason = _text(note, "note", required=False)
    if rec.progress < 100 and not reason:
        raise InvalidInput({"note": _(
            "Implementation stands at %(n)d %%: bring the milestones to 100 %% or give the "
            "reason it counts as implemented.", n=rec.progress)})
    _step(actor, rec, "complete", status, reason)
    db.session.commit()
    return rec


@atomic
def close(actor: Any, rec: Recommendation, note: Any = "") -> Recommendation:
    """Close an answered recommendation without (further) implementation."""
    status = _check(actor, rec, "close")
    _step(actor, rec, "close", status, _text(note, "note", required=False))
    db.session.commit()
    return rec


# --- following and links ------------------------------------------------------------------


def is_following(user: Any, rec: Recommendation) -> bool:
    """Whether the person follows the recommendation."""
    return db.session.scalar(select(RecommendationFollower.id).where(
        RecommendationFollower.recommendation_id == rec.id,
        RecommendationFollower.user_id == user.id)) is not None


@atomic
def follow(user: Any, rec: Recommendation, on: bool = True) -> None:
    """Start (or stop) hearing of every step."""
    require_visible("recommendation.view", rec, user=user)
    existing = db.session.scalar(select(RecommendationFollower).where(
        RecommendationFollower.recommendation_id == rec.id,
        RecommendationFollower.user_id == user.id))
    if on and existing is None:
        db.session.add(RecommendationFollower(recommendation_id=rec.id, user_id=user.id))
    elif not on and existing is not None:
        db.session.delete(existing)
    try:
        db.session.commit()
    except IntegrityError:
        # A second click raced the first: the person follows it, which is what both asked.
        db.session.rollback()


@atomic
def add_link(actor: Any, rec: Recommendation, kind: Any, ref: Any) -> RecommendationLink:
    """Link a meeting, tip or test purchase the actor can see; the group's chairs and the
    secretariat link."""
    require_visible("recommendation.view", rec, user=actor)
    if not can(actor, "recommendation.link", rec):
        raise Forbidden(_("Only the group's chairs and the secretariat add links."))
    if kind not in links.link_kinds():
        raise InvalidInput({"kind": _("Choose one of: %(choices)s.",
                                      choices=", ".join(links.link_kinds()))})
    ref = _text(str(ref) if isinstance(ref, int) else ref, "ref")
    if ref.isdigit() and len(ref) < 12:
        ref = str(int(ref))  # one spelling per id, so the cited page finds the link
    if links.resolve(actor, kind, ref) is None:
        raise InvalidInput({"ref": _("Nothing of that kind you can see has this reference.")})
    if any(link.kind == kind and link.ref == ref for link in rec.links):
        raise Conflict(_("This link is already there."), code="duplicate")
    link = RecommendationLink(recommendation_id=rec.id, kind=kind, ref=ref,
                              added_by_id=actor.id, added_at=utcnow())
    db.session.add(link)
    record(actor, "recommendation.link", rec, f"{kind}:{ref}")
    _commit_unique(lambda: _("This link is already there."))
    return link


@atomic
def remind_board(today: date, days_before: int = 3) -> list[tuple[Recommendation, int]]:
    """Remind chairs who have not voted on recommendations whose review deadline is near;
    at most once a day per recommendation. Returns (recommendation, chairs reminded)."""
    reminded = []
    for rec in board.due_for_reminder(today, days_before):
        sent = notify(board.non_voters(rec), "recommendation.reminder",
                      _l("Please vote on “%(title)s” before %(date)s.", title=rec.title,
                         date=rec.review_deadline.isoformat()),
                      page_url("advisory.detail", rec_id=rec.id), obj=rec,
                      view_rule="recommendation.view", email=True, recommendation_id=rec.id)
        rec.last_reminded_on = today
        record(None, "recommendation.remind", rec, f"{sent} chairs reminded")
        reminded.append((rec, sent))
    db.session.commit()
    return reminded


def get(rec_id: Any) -> Recommendation | None:
    """A recommendation by id (visibility is checked by the caller)."""
    try:
        return db.session.get(Recommendation, int(rec_id))
    except (TypeError, ValueError):
        return None
