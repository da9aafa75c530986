"""The people and objects `bench/load.py` needs, made through the portal's services on the
cluster's database (DATABASE_URL and the rest from the environment), printed as JSON.

Run by `bench/load.py` in a plain interpreter (the load generator's is gevent-patched):

    DATABASE_URL=... python bench/load_setup.py MEMBERS STAFF
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from portal import create_app  # noqa: E402
from portal.accounts import services as accounts  # noqa: E402
from portal.accounts.models import Organisation, WorkingGroup  # noqa: E402
from portal.demo import DEMO_PASSWORD  # noqa: E402
from portal.extensions import db  # noqa: E402

PASSWORD = "load-bench-pass-1"


def main(members: int, staff: int) -> dict:
    app = create_app()
    with app.app_context():
        from advisory import services as board
        from workinggroups.discussions import services as discussions
        companies = db.session.scalars(select(Organisation).where(
            Organisation.kind == "member").order_by(Organisation.id)).all()
        platform = db.session.scalars(select(Organisation).where(
            Organisation.kind == "platform")).first()
        people = {"member": [], "chair": [], "staff": []}
        for n in range(members):
            org = companies[n % len(companies)]
            user = accounts.create_user(None, email=f"load{n}@{org.id}.load.example",
                                        name=f"Load member {n}", organisation=org, role="member",
                                        password=PASSWORD)
            groups = [m.working_group.slug for m in org.memberships if m.status == "active"]
            people["member"].append({"email": user.email, "groups": groups})
        for n in range(staff):
            user = accounts.create_user(None, email=f"loadstaff{n}@platform.load.example",
                                        name=f"Load analyst {n}", organisation=platform,
                                        role="staff", password=PASSWORD)
            people["staff"].append({"email": user.email, "groups": []})
        threads, recommendations = {}, []
        for group in db.session.scalars(select(WorkingGroup).order_by(WorkingGroup.id)):
            chair = group.chair
            if chair is None:
                continue
            people["chair"].append({"email": chair.email, "groups": [group.slug],
                                    "password": DEMO_PASSWORD})
            thread = discussions.start_thread(chair, group, f"Load thread of {group.name_en}",
                                              "Where we talk during the load run.")
            threads[group.slug] = thread.id
            rec = board.create(chair, {"working_group": group.slug, "category": "enforcement",
                                       "title": f"Load recommendation {group.slug}",
                                       "summary": "Measured under load.",
                                       "body": "The board votes on this during the load run."})
            board.submit(chair, rec)
            recommendations.append(rec.id)
            db.session.commit()
        return {"password": PASSWORD, "people": people, "threads": threads,
                "recommendations": recommendations}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))


def stored(rule_id: int, run: str) -> dict:
    """What the database holds after the run (for `bench/load.py`'s checks): the run's
    markers in posts and room messages, its votes, and the hits of its rule."""
    app = create_app()
    with app.app_context():
        from advisory.models import Recommendation, RecommendationVote
        from queqiao.scanning.models import Hit
        from workinggroups.discussions.models import Post
        from workinggroups.room.models import RoomMessage

        def markers(column) -> list[str]:
            opening = f"[{run}-"
            texts = db.session.scalars(select(column).where(column.like(f"%{opening}%")))
            return [text[text.index(opening) + 1:text.index("]", text.index(opening))]
                    for text in texts]

        votes = db.session.scalar(select(func.count(RecommendationVote.id)).join(
            Recommendation, Recommendation.id == RecommendationVote.recommendation_id).where(
            Recommendation.title.like("Load recommendation %")))
        return {"posts": markers(Post.body), "messages": markers(RoomMessage.text),
                "votes": votes,
                "hits": db.session.scalar(select(func.count(Hit.id)).where(Hit.rule_id == rule_id)),
                "distinct_hits": db.session.scalar(select(func.count(func.distinct(
                    Hit.listing_id))).where(Hit.rule_id == rule_id))}
