"""Parsing @mentions: people by e-mail, groups by slug, without false hits."""

import pytest

from workinggroups.discussions.mentions import mentioned_people


@pytest.mark.parametrize("text", ["Please look, @luxury-goods.", "@luxury-goods: new wave",
                                  "(@luxury-goods)", "cc @luxury-goods, thanks"])
def test_a_group_mention_names_its_people(people, text):
    ids = {u.id for u in mentioned_people(text)}
    assert {people["member"].id, people["chair"].id} <= ids
    assert people["outsider"].id not in ids


@pytest.mark.parametrize("text", ["mail me at someone@luxury-goods.example",
                                  "@luxury-goods.example is a domain", "no mention here",
                                  "@no-such-group please", "email@luxury-goods"])
def test_no_false_group_mentions(people, text):
    assert mentioned_people(text) == []


def test_a_person_is_mentioned_by_e_mail_in_any_case(people):
    email = people["outsider"].email.upper()
    assert [u.id for u in mentioned_people(f"Thanks @{email}!")] == [people["outsider"].id]
