"""What the batch byte path vets for a rule set: only the characters its terms can see."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queqiao.engine import Listing, RuleSpec, compile_rules, reference_match, scanner
from queqiao.engine.normalisation import BYTE_SEPARATOR, prepare_batch, tables

# Nothing here touches the database or Redis: run once, in the SQLite pass.
pytestmark = pytest.mark.backend_neutral


def _titles_found(finder, titles):
    """Return the numbers of the titles in which `finder` reports a character."""
    raw = "\x00".join(titles).encode().replace(b"\x00", BYTE_SEPARATOR)
    return sorted({raw.count(BYTE_SEPARATOR, 0, end) for end in finder(raw)})


def test_a_traditional_character_no_term_needs_is_not_vetted():
    assert scanner.available()  # a declared dependency
    titles = ["高仿 尾單 包", "高仿 包", "ＧＵＣＣＩ 包"]
    everything = scanner.unsettled_finder()
    assert _titles_found(everything, titles) == [0, 2]
    # 單 folds to 单: terms without 单 cannot tell them apart; full-width letters still count.
    assert _titles_found(scanner.unsettled_finder(frozenset("高仿包")), titles) == [2]
    assert _titles_found(scanner.unsettled_finder(frozenset("尾单")), titles) == [0, 2]
    assert 0x55AE in tables().cjk_folds and tables().cjk_folds[0x55AE] == "单"
    assert 0x55AE not in {code for low, high in tables().unsettled_for(frozenset("高仿"))
                          for code in range(low, high + 1)}


def test_a_rule_set_finds_what_the_reference_finds_with_traditional_characters_left_unfolded():
    rules = [
        RuleSpec(id=1, all=("高仿",)),
        RuleSpec(id=2, all=("包",), none=("正品",)),
        RuleSpec(id=3, all=("尾单",)),
    ]
    titles = ["高仿 尾單 包", "高 仿尾單", "正品 包 尾單", "尾單", "高仿.單品", "【尾单】包"]
    listings = [Listing(f"L{n}", title, 100, None) for n, title in enumerate(titles)]
    expected = [(listing.id, rule.id) for listing in listings for rule in rules
                if reference_match(rule, listing)]
    assert compile_rules(rules).match_many(listings) == expected
    # Without the rule about 尾单, no term holds 单: those titles stay on the byte path.
    two = compile_rules(rules[:2])
    assert two.match_many(listings) == [pair for pair in expected if pair[1] != 3]
    assert prepare_batch(titles, scanner.unsettled_finder(frozenset("高仿包正品"))) is not None


def test_a_price_band_vets_only_what_its_own_rules_can_see():
    # 尾单 matters only below 50: listings above it, or without a price, need 單 unfolded.
    rules = [
        RuleSpec(id=1, all=("高仿",)),
        RuleSpec(id=2, all=("尾单",), max_price=50),
        RuleSpec(id=3, any=("包", "袋"), none=("正品授权",)),
    ]
    matcher = compile_rules(rules)
    assert "单" in matcher._seen[0] and "单" not in matcher._seen[-1]
    assert "权" in matcher._seen[-1]  # an excluded term is seen too
    titles = ["高仿 尾單 包", "尾單", "正品授權 尾單 包", "高 仿.單品", "【尾单】袋", "袋 正品 授權"]
    listings = [Listing(f"L{n}-{price}", title, price, None)
                for price in (10, 500, None) for n, title in enumerate(titles)]
    expected = [(listing.id, rule.id) for listing in listings for rule in rules
                if reference_match(rule, listing)]
    assert ("L1-10", 2) in expected and ("L1-500", 2) not in expected
    assert ("L2-500", 3) not in expected and ("L5-500", 3) not in expected
    assert matcher.match_many(listings) == expected


characters = st.sets(st.integers(min_value=0x3000, max_value=0xFFFF).filter(
    lambda code: not 0xD800 <= code <= 0xDFFF), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(characters, st.lists(st.integers(min_value=0x3000, max_value=0x9FFF), max_size=40),
       st.integers(min_value=0, max_value=0xFFFF))
def test_character_patterns_find_what_literals_find(codes, others, seed):
    # Texts of the chosen characters among others, some of the same lead bytes.
    pool = sorted(codes) + [code for code in others if not 0xD800 <= code <= 0xDFFF]
    text = "".join(chr(pool[(seed * (n + 7)) % len(pool)]) + "a" * (n % 3)
                   for n in range(80)).encode()
    as_patterns = scanner.character_database(sorted(codes))
    as_literals = scanner.literal_database(enumerate(map(chr, sorted(codes))))
    assert ([end for end, _ in scanner.scan(as_patterns, text)]
            == [end for end, _ in scanner.scan(as_literals, text)])
