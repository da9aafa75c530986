"""The commands of API.md: create-org, create-user, seed-demo."""

from sqlalchemy import func, select

from portal.accounts.models import ChairPosition, Organisation, User, user_by_email
from portal.extensions import db


def test_create_org_and_users_of_every_role(runner):
    assert runner.invoke(args=["create-org", "Acme Brands", "--kind", "member",
                               "--groups", "luxury-goods,pharmaceutical"]).exit_code == 0
    assert runner.invoke(args=["create-org", "Platform", "--kind", "platform"]).exit_code == 0
    assert runner.invoke(args=["create-org", "Secretariat", "--kind", "secretariat"]).exit_code == 0
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Acme Brands"))
    assert [g.slug for g in org.active_groups] == ["pharmaceutical", "luxury-goods"]
    for args in (["m@acme.example", "--org", "Acme Brands", "--role", "member"],
                 ["c@acme.example", "--org", "acme brands", "--role", "chair",
                  "--chair-of", "luxury-goods"],
                 ["s@platform.example", "--org", "Platform", "--role", "staff"],
                 ["a@sec.example", "--org", "Secretariat", "--role", "admin"]):
        result = runner.invoke(args=["create-user", *args, "--password", "long enough pw"])
        assert result.exit_code == 0, result.output
    chair = user_by_email("c@acme.example")
    assert chair.is_board_member and [g.slug for g in chair.chaired_groups()] == ["luxury-goods"]


def test_chair_needs_chair_of_and_staff_needs_the_platform(runner):
    runner.invoke(args=["create-org", "Acme", "--kind", "member", "--groups", "luxury-goods"])
    r = runner.invoke(args=["create-user", "c@acme.example", "--org", "Acme", "--role", "chair",
                            "--password", "long enough pw"])
    assert r.exit_code != 0 and "chair_of" in r.output
    r = runner.invoke(args=["create-user", "s@acme.example", "--org", "Acme", "--role", "staff",
                            "--password", "long enough pw"])
    assert r.exit_code != 0 and "Platform staff" in r.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_unknown_group_and_duplicate_org_are_refused(runner):
    r = runner.invoke(args=["create-org", "Acme", "--kind", "member", "--groups", "nope"])
    assert r.exit_code != 0 and "nope" in r.output
    runner.invoke(args=["create-org", "Acme", "--kind", "member"])
    r = runner.invoke(args=["create-org", "ACME", "--kind", "member"])
    assert r.exit_code != 0 and "exists" in r.output


def test_seed_demo_is_idempotent_and_prints_logins(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin@alliance.example" in first.output and "staff@platform.example" in first.output
    counts = (db.session.scalar(select(func.count(User.id))),
              db.session.scalar(select(func.count(Organisation.id))))
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert (db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Organisation.id)))) == counts
    chaired = db.session.scalars(select(ChairPosition.working_group_id)).all()
    assert len(set(chaired)) == 12
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"member", "chair", "staff", "admin"}
