"""Demo recommendations in every stage, with dates spread over the past months so the
board's figures and chart have something to show. Idempotent."""

from datetime import timedelta

from sqlalchemy import func, select

from portal.accounts.groups import group_by_slug
from portal.accounts.models import user_by_email
from portal.demo import Scale, bulk_audit, bulk_insert, demo_step, scale_step
from portal.extensions import db
from portal.models import utcnow

from . import board, services
from .models import (
    CATEGORIES,
    RESPONSES,
    Recommendation,
    RecommendationEvent,
    RecommendationFollower,
    RecommendationMilestone,
    RecommendationVote,
)

# group, title, summary, category, how far it got, days ago of each step
DEMO = (
    ("luxury-goods", "Verify sellers of luxury brands before they list",
     "Ask for proof of authorised supply before a seller may list goods of the member brands.",
     "policy", "implemented", (400, 390, 370, 345, 320, 300, 200, 150)),
    ("pharmaceutical", "Fast-track referrals of prescription-drug sellers",
     "Refer sellers of prescription drugs without a licence to the authorities within 48 hours.",
     "enforcement", "answered", (200, 195, 180, 150)),
    ("alcohol-tobacco", "Flag listings of refilled spirit bottles",
     "Use the members' bottle and cap indicators in proactive monitoring of spirits listings.",
     "proactive_monitoring", "endorsed", (60, 55, 20)),
    ("clothing-footwear", "Shorten the counter-notice window for repeat infringers",
     "Sellers with three upheld complaints get five days, not fifteen, to counter-notify.",
     "policy", "submitted", (10, 8)),
    ("computers-smart-devices", "Share refurbished-device seller data with brands",
     "Give the brands monthly data on sellers of 'refurbished' devices of their marks.",
     "offline_investigation", "returned", (90, 85, 70)),
    ("personal-care", "Require batch codes on cosmetics listings",
     "Listings of cosmetics show the batch code so buyers and brands can check it.",
     "ip_protection", "draft", (3,)),
)


def _walk(rec, stage: str, chair, admin, staff) -> None:
    if stage == "draft":
        return
    services.submit(chair, rec)
    if stage == "submitted":
        for voter in board.board_members()[:3]:
            services.vote(voter, rec, "support")
        return
    if stage == "returned":
        services.decide(admin, rec, "returned", "Please add figures from the last quarter.")
        return
    for voter in board.board_members():
        services.vote(voter, rec, "support" if voter.id % 5 else "abstain")
    services.decide(admin, rec, "endorsed", "Endorsed by the board.")
    if stage == "endorsed":
        return
    outcome = "accepted" if stage == "implemented" else "partially_accepted"
    services.respond(staff, rec, outcome, "We agree and will roll this out in stages.")
    if stage == "implemented":
        services.add_milestone(staff, rec, "Pilot with ten brands", None, 100)
        services.add_milestone(staff, rec, "All member brands", None, 60)
        services.report_progress(staff, rec, rec.milestones[-1].id, 100)
        services.complete(staff, rec, "Live for every member brand.")


def _backdate(rec: Recommendation, days_ago: tuple[int, ...]) -> None:
    """Spread the steps over the past so the figures mean something."""
    now = utcnow()
    db.session.refresh(rec)
    for event, ago in zip(rec.events, days_ago + (days_ago[-1],) * len(rec.events), strict=False):
        event.at = now - timedelta(days=ago)
    rec.created_at = rec.events[0].at
    submitted = next((e.at for e in rec.events if e.action == "submit"), None)
    rec.first_submitted_at = submitted
    if submitted and rec.status == "submitted":
        rec.review_deadline = (submitted + timedelta(days=14)).date()
    db.session.commit()


@demo_step
def advisory_demo() -> list[str]:
    """Six recommendations, from a fresh draft to one implemented."""
    if db.session.scalar(select(func.count(Recommendation.id))):
        return []
    admin = user_by_email("admin@alliance.example")
    staff = user_by_email("staff@platform.example")
    made = 0
    for slug, title, summary, category, stage, days_ago in DEMO:
        chair = group_by_slug(slug).chair
        if chair is None or admin is None or staff is None:
            continue
        body = (f"**Why:** members of the group see the same pattern every quarter.\n\n"
                f"**What we ask:** {summary}\n\n**How we will know it works:** fewer "
                "complaints about the same sellers in the next two quarters.")
        rec = services.create(chair, {"working_group": slug, "title": title, "summary": summary,
                                      "body": body, "category": category})
        _walk(rec, stage, chair, admin, staff)
        _backdate(rec, days_ago)
        made += 1
    return [f"  advisory: {made} demo recommendations"]


# A year of the board's work, per scale: how many recommendations end in each state.
RECOMMENDATION_STATES = (("draft", 3), ("submitted", 4), ("returned", 2), ("withdrawn", 2),
                         ("declined", 2), ("endorsed", 3), ("answered", 3), ("implementing", 4),
                         ("implemented", 5), ("closed", 2))
# The steps that lead to each state after submission (`_decided` adds the board's decision).
_PATHS = {"draft": [], "submitted": ["submit"], "returned": ["submit", "return"],
          "withdrawn": ["submit", "withdraw"], "declined": ["submit", "decline"],
          "endorsed": ["submit", "endorse"], "answered": ["submit", "endorse", "respond"],
          "implementing": ["submit", "endorse", "respond", "add_milestone"],
          "implemented": ["submit", "endorse", "respond", "add_milestone", "report_progress",
                          "complete"],
          "closed": ["submit", "endorse", "respond", "close"]}
_AFTER = {"submit": "submitted", "return": "returned", "withdraw": "withdrawn",
          "decline": "declined", "endorse": "endorsed", "respond": "answered",
          "add_milestone": "implementing", "report_progress": "implementing",
          "complete": "implemented", "close": "closed"}


def _recommendation(scale: Scale, number: int, state: str) -> dict:
    group = scale.groups[number % len(scale.groups)]
    chair = scale.chairs.get(group.id) or scale.admin
    created = scale.ago(360)
    steps, at, events = _PATHS[state], created, [("create", "draft", created, chair, "")]
    for action in steps:
        at = at + timedelta(days=scale.rng.uniform(2, 20))
        who = chair if action in ("submit", "withdraw") else (
            scale.admin if action in ("return", "decline", "endorse") else scale.staff[0])
        events.append((action, _AFTER[action], at, who, "" if action == "submit" else "Noted."))
    submitted = events[1][2] if steps else None
    row = {"working_group_id": group.id, "author_id": chair, "status": state,
           "title": f"{group.name_en}: recommendation {number + 1}",
           "summary": "Ask the platform to act on a pattern the group sees every quarter.",
           "body": "**Why:** the same sellers return.\n\n**What we ask:** verify them first.",
           "category": CATEGORIES[number % len(CATEGORIES)], "version": len(events),
           "created_at": created, "first_submitted_at": submitted,
           "review_deadline": (submitted + timedelta(days=14)).date()
           if state == "submitted" else None,
           "decision_note": "Decided by the board." if len(steps) > 1 else "",
           "response_outcome": RESPONSES[number % 2] if "respond" in steps else None,
           "response_rationale": "We agree and will roll this out in stages."
           if "respond" in steps else ""}
    return {"row": row, "events": events}


@scale_step
def scale_recommendations(scale: Scale) -> list[str]:
    """Recommendations in every state, with dated events, the chairs' votes and milestones."""
    plan = [state for state, per_scale in RECOMMENDATION_STATES
            for _ in range(scale.count(per_scale))]
    made = [_recommendation(scale, number, state) for number, state in enumerate(plan)]
    ids = bulk_insert(Recommendation, [m["row"] for m in made])
    events, votes, milestones, followers, audit = [], [], [], [], []
    chairs = sorted(set(scale.chairs.values()))
    for rec_id, m in zip(ids, made, strict=True):
        events += [{"recommendation_id": rec_id, "action": a, "status": s, "at": at, "by_id": by,
                    "note": note} for a, s, at, by, note in m["events"]]
        audit += [(by, f"recommendation.{a}", "Recommendation", rec_id, m["row"]["title"], at)
                  for a, _s, at, by, _n in m["events"]]
        followers.append({"recommendation_id": rec_id, "user_id": m["row"]["author_id"],
                          "since": m["row"]["created_at"]})
        if m["row"]["first_submitted_at"] and m["row"]["status"] != "withdrawn":
            voters = chairs if m["row"]["status"] != "submitted" else chairs[:3]
            votes += [{"recommendation_id": rec_id, "user_id": u,
                       "position": "support" if u % 5 else "abstain",
                       "cast_at": m["row"]["first_submitted_at"] + timedelta(days=1)}
                      for u in voters]
        if m["row"]["status"] in ("implementing", "implemented"):
            done = 100 if m["row"]["status"] == "implemented" else 40
            milestones += [{"recommendation_id": rec_id, "title": title, "progress": done,
                            "updated_at": m["events"][-1][2], "updated_by_id": scale.staff[0]}
                           for title in ("Pilot with ten brands", "All member brands")]
    bulk_insert(RecommendationEvent, events)
    bulk_insert(RecommendationVote, votes)
    bulk_insert(RecommendationMilestone, milestones)
    bulk_insert(RecommendationFollower, followers)
    bulk_audit(scale, audit)
    return [f"  advisory: {len(ids)} recommendations in {len(RECOMMENDATION_STATES)} states"]
