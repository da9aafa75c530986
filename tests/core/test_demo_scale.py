"""`flask seed-demo --scale N`: the real alliance's size and shares, with valid data."""

from collections import Counter

from sqlalchemy import func, select

from advisory.lifecycle import STATUSES as RECOMMENDATION_STATUSES
from advisory.models import Recommendation, RecommendationEvent
from portal.accounts.models import GroupMembership, Organisation, User, WorkingGroup
from portal.audit.models import AuditEvent
from portal.demo import REGIONS
from portal.extensions import db
from portal.notifications.models import Notification
from queqiao.rules.models import Rule
from queqiao.scanning.models import Hit
from queqiao.tips.models import STATUSES as TIP_STATUSES
from queqiao.tips.models import Tip, TipEvent
from testbuys.evidence import verify_purchase
from testbuys.models import STATUSES as PURCHASE_STATUSES
from testbuys.models import Authentication, TestPurchase
from tests.support.documented import assert_documented, served_document
from workinggroups.discussions.models import Post, Thread
from workinggroups.documents.models import Document, DocumentVersion
from workinggroups.meetings.models import Meeting


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_scale_one_builds_the_real_alliance_in_every_state_with_valid_custody(runner, api):
    # One seed for all checks: at the real size it takes a while on a busy machine.
    result = runner.invoke(args=["seed-demo", "--scale", "1"])
    assert result.exit_code == 0, result.output
    _has_the_alliance_shares()
    _fills_every_part_in_every_state()
    _answers_as_the_api_documents(api)
    _custody_chains_verify_and_rescaling_adds_nothing(runner)


def _has_the_alliance_shares() -> None:
    countries = Counter(db.session.scalars(
        select(Organisation.country).where(Organisation.kind == "member")))
    assert sum(countries.values()) == 121 and len(countries) == 16
    assert _count(WorkingGroup) == 12
    for share, region in REGIONS:
        in_region = sum(countries[c] for c in region)
        assert abs(in_region / 121 - share) < 0.01, (region, in_region)
    # every company is in a group and has people
    assert _count(Organisation, Organisation.kind == "member", ~Organisation.memberships.any(
        GroupMembership.status == "active")) == 0
    assert _count(Organisation, Organisation.kind == "member", ~Organisation.users.any()) == 0
    assert _count(User, User.role == "member") >= 3 * 111


def _fills_every_part_in_every_state() -> None:
    assert _count(Meeting) >= 120 and _count(Meeting, Meeting.minutes.is_not(None)) >= 60
    assert _count(Thread) >= 240 and _count(Post) > _count(Thread)
    assert _count(Document) >= 96 and _count(DocumentVersion) > _count(Document)
    assert {s for s, in db.session.execute(select(Tip.status).distinct())} == set(TIP_STATUSES)
    assert _count(TipEvent) > _count(Tip)
    assert {s for s, in db.session.execute(select(Rule.status).distinct())} == {
        "shadow", "active", "retired"}
    assert {o for o, in db.session.execute(select(Hit.outcome).distinct())} == {
        None, "taken_down", "false_positive"}
    assert _count(Hit) > 3000
    assert {s for s, in db.session.execute(select(Recommendation.status).distinct())} == set(
        RECOMMENDATION_STATUSES)
    assert _count(RecommendationEvent) > _count(Recommendation)
    assert {s for s, in db.session.execute(select(TestPurchase.status).distinct())} == set(
        PURCHASE_STATUSES)
    verdicts = {v for v, in db.session.execute(select(Authentication.verdict).distinct())}
    assert verdicts == {"counterfeit", "genuine", "inconclusive"}
    assert _count(TestPurchase, TestPurchase.referral_prepared_at.is_not(None)) >= 1
    assert _count(Notification) > 1000 and _count(AuditEvent) > 1000


def _answers_as_the_api_documents(api) -> None:
    """Rows written in bulk read back exactly as rows made through the services do."""
    staff = db.session.scalar(select(User).where(User.email == "staff@platform.example"))
    client = api(staff)
    document = served_document(client)
    for path in ("/rules", "/tips", "/hits", "/test-purchases", "/recommendations"):
        answer = client.get(f"/api/v1{path}?per_page=200")
        assert_documented(document, "get", path, answer, status=200)
        assert answer.get_json()["items"], path


def _custody_chains_verify_and_rescaling_adds_nothing(runner) -> None:
    for purchase in db.session.scalars(select(TestPurchase)):
        assert verify_purchase(purchase).ok, purchase.id
    companies = _count(Organisation)
    again = runner.invoke(args=["seed-demo", "--scale", "1"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert _count(Organisation) == companies


def test_scale_counts_grow_with_the_factor(runner):
    result = runner.invoke(args=["seed-demo", "--scale", "0.2"])
    assert result.exit_code == 0, result.output
    assert _count(Organisation, Organisation.kind == "member") == round(121 * 0.2)
    assert _count(Tip) == 4 + round(250 * 0.2)
