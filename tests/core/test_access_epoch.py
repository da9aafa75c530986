"""The access epoch moves after every commit that changed a person, an organisation or a
group membership, by the unit of work or an UPDATE statement, and only then."""

from sqlalchemy import update

from portal.access_epoch import current_epoch
from portal.accounts.models import GroupMembership, User
from portal.extensions import db
from tests.support import factories


def test_the_epoch_moves_when_access_may_have_changed_and_only_then(app):
    user = factories.make_user("member")
    db.session.commit()
    start = current_epoch()

    user.role = "chair"  # the unit of work
    assert current_epoch() == start  # not before the commit
    db.session.commit()
    after_edit = current_epoch()
    assert after_edit > start

    db.session.execute(update(User).where(User.id == user.id).values(is_active_flag=False))
    db.session.rollback()  # undone: nothing to forget
    assert current_epoch() == after_edit

    db.session.execute(update(GroupMembership).where(
        GroupMembership.organisation_id == user.organisation_id).values(status="ended"))
    db.session.commit()
    after_statement = current_epoch()
    assert after_statement > after_edit

    user = db.session.get(User, user.id)
    user.locale = "zh"  # a person's row all the same: kept decisions are asked again
    db.session.commit()
    assert current_epoch() > after_statement
    moved = current_epoch()
    factories.make_org(kind="member")  # a new organisation
    db.session.commit()
    assert current_epoch() > moved


def test_other_changes_leave_the_epoch_alone(app, make):
    from workinggroups.room import services

    chair = make.make_user("chair", chair_of="luxury-goods")
    db.session.commit()
    start = current_epoch()
    services.say(chair, factories.group("luxury-goods"), "Nothing about access")
    assert current_epoch() == start


def test_a_rooms_decisions_are_kept_until_access_changes(app, make, monkeypatch):
    """Before each message the room asks who may no longer be there: the answers for the
    people already asked about are kept while nothing changed, and asked again after."""
    from portal import access_epoch
    from portal.accounts import services as accounts
    from tests.support.queries import statements
    from workinggroups.room import services
    from workinggroups.room.presence import current_presence

    monkeypatch.setattr(access_epoch, "LOCAL_SECONDS", 1e9)  # no moving on by itself here
    group = factories.group("luxury-goods")
    people = [make.make_user("member", groups=("luxury-goods",)) for _ in range(5)]
    db.session.commit()
    for i, person in enumerate(people):
        current_presence().enter(group.slug, f"sid-{i}", person.id)
    assert services.no_longer_allowed(group) == []
    with statements() as seen:
        assert services.no_longer_allowed(group) == []
    assert seen == []  # nothing asked of the database again

    accounts.set_groups(people[2].organisation, [])
    db.session.commit()
    assert services.no_longer_allowed(group) == ["sid-2"]


def test_without_redis_the_epoch_also_moves_on_by_itself(app, monkeypatch):
    """A command run beside a single web process changes access unheard: the process's own
    epoch moves on every LOCAL_SECONDS, so it is noticed soon all the same."""
    from portal import access_epoch

    clock = [100.0]
    monkeypatch.setattr(access_epoch.time, "monotonic", lambda: clock[0])
    start = current_epoch()
    clock[0] += access_epoch.LOCAL_SECONDS
    assert current_epoch() != start


def test_a_commit_stands_when_the_epoch_cannot_move(app, caplog):
    """Redis away for a moment: the change is committed all the same, and the log says the
    epoch could not move."""
    from portal import access_epoch

    class Away:
        def read(self):
            return (0, 0)

        def bump(self):
            raise ConnectionError("redis is away")

    user = factories.make_user("member")
    db.session.commit()
    app.extensions[access_epoch.EXTENSION] = Away()
    user.role = "chair"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "chair"
    assert "could not move the access epoch" in caplog.text
