"""Evasions counterfeit sellers use against keyword rules, through the compiled engine.

Each technique is tried in titles (against a plain term) and in exclusions (a reassuring
phrase written so that a literal exclusion would not see it), and mixed; every answer
is checked against the reference matcher as well.
"""

import pytest

from queqiao.engine import (
    Listing,
    RuleError,
    RuleSpec,
    compile_rules,
    literal_form,
    normalise,
    reference_match,
)

# Nothing here touches the database or Redis: run once, in the SQLite pass.
pytestmark = pytest.mark.backend_neutral


def hits(rules, title, price=None, region=None):
    """Ids of the rules a listing matches, checked against the reference as well."""
    listing = Listing("L1", title, price, region)
    found = compile_rules(rules).match(listing)
    assert found == [r.id for r in rules if reference_match(r, listing)]
    # One listing alone and in a batch of plain ones take different normalisation paths.
    crowd = [Listing(str(n), "gucci 手提包 黑色") for n in range(50)] + [listing]
    assert [rule_id for listing_id, rule_id in compile_rules(rules).match_many(crowd)
            if listing_id == "L1"] == found
    return found


ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]

TITLE_EVASIONS = [
    # (technique, term, evading title)
    *[(f"U+{ord(char):04X} inside a Latin term", "gucci", f"gu{char}cci 手提包") for char in ZERO_WIDTH],
    *[(f"U+{ord(char):04X} inside a Chinese term", "高仿", f"高{char}仿 包包") for char in ZERO_WIDTH],
    ("variation selector", "高仿", "高\ufe0f仿"),
    ("traditional 尾單 for 尾单", "尾单", "尾單 外贸"),
    ("traditional 勞力士 for 劳力士", "劳力士", "勞力士 手錶"),
    ("a simplified title for a traditional term", "勞力士", "劳力士 手表"),
    ("Cyrillic С in Chanel", "chanel", "Сhanel 包"),
    ("Cyrillic о and е", "rolex", "rоlеx watch"),
    ("Greek capitals ΝΙΚΕ", "nike", "ΝΙΚΕ 运动鞋"),
    ("Greek ο in dior", "dior", "diοr 口红"),
    ("accent in the title, none in the term", "lumiere", "Lumière 香水"),
    ("accent in the term, none in the title", "lumière", "LUMIERE 香水"),
    ("decomposed accent", "lumiere", "lumie\u0300re"),
    ("accented capitals", "hermes", "HÉRMÈS"),
    ("a space between CJK characters", "高仿", "高 仿 包"),
    ("a full stop between CJK characters", "高仿", "高.仿 包"),
    ("several separators between CJK characters", "高仿", "高 . 仿"),
    ("CJK punctuation between CJK characters", "高仿", "高、仿"),
    ("brackets between CJK characters", "高仿", "高【仿】"),
    ("an ideographic space", "高仿", "高\u3000仿"),
    ("a katakana middle dot", "高仿", "高・仿"),
    ("an underscore", "高仿", "高_仿"),
    ("mixed: traditional, zero width and a space", "高仿劳力士", "高\u200b仿 勞 力士"),
    ("mixed: look-alike and accent and soft hyphen", "chanel", "Сhа\u00adnél"),
    ("mixed: full width and Cyrillic", "gucci", "ＧＵ\u0421\u0421Ｉ"),
]


@pytest.mark.parametrize(("technique", "term", "title"), TITLE_EVASIONS,
                         ids=[case[0] for case in TITLE_EVASIONS])
def test_an_evading_title_still_matches(technique, term, title):
    assert hits([RuleSpec(1, all=[term])], title) == [1]
    assert hits([RuleSpec(1, any=["nothing-like-it", term])], title) == [1]


EXCLUSION_EVASIONS = [
    ("traditional 正品授權 against 正品授权", "正品授权", "gucci 正品授權 专柜"),
    ("zero width in the reassurance", "正品授权", "gucci 正品\u200b授权"),
    ("spaced reassurance", "正品授权", "gucci 正 品 授 权"),
    ("Cyrillic look-alike in an English reassurance", "authentic", "gucci аuthentic"),
    ("accent in an English reassurance", "genuine", "gucci genuíne"),
    ("mixed", "正品授权", "gucci 正\u00ad品·授權"),
]


@pytest.mark.parametrize(("technique", "exclusion", "title"), EXCLUSION_EVASIONS,
                         ids=[case[0] for case in EXCLUSION_EVASIONS])
def test_an_exclusion_still_sees_an_evasive_reassurance(technique, exclusion, title):
    assert hits([RuleSpec(1, all=["gucci"], none=[exclusion])], title) == []


@pytest.mark.parametrize("region", ["廣東", "广 东", "广\u200b东"])
def test_regions_go_through_the_same_form(region):
    assert hits([RuleSpec(1, all=["gucci"], regions=["广东"])], "gucci", region=region) == [1]
    assert hits([RuleSpec(1, all=["gucci"], regions=[region])], "gucci", region="广东") == [1]


def test_terms_and_regions_are_stored_in_the_matching_form():
    rule = RuleSpec(1, all=["尾單", "Сhanel"], none=["正品授權"], regions=["廣東"])
    assert rule.all == ("尾单", "chanel") and rule.none == ("正品授权",) and rule.regions == ("广东",)


def test_a_literal_rule_sees_only_case_width_and_invisible_characters():
    literal = RuleSpec(1, all=["乾"], literal=True)
    folded = RuleSpec(2, all=["乾"])
    assert literal.all == ("乾",) and folded.all == ("干",)
    # 乾 folds to 干, which would otherwise find every 干 (dry) in a title.
    assert hits([literal, folded], "干燥剂") == [2]
    assert hits([literal, folded], "乾隆 通宝") == [1, 2]
    # Case, full width and zero-width characters are still seen through.
    assert hits([RuleSpec(1, all=["Lv"], literal=True)], "Ｌ\u200bＶ") == [1]
    # Accents, look-alikes and separators are not folded.
    assert hits([RuleSpec(1, all=["lumiere"], literal=True)], "lumière") == []
    assert hits([RuleSpec(1, all=["chanel"], literal=True)], "Сhanel") == []
    assert hits([RuleSpec(1, all=["高仿"], literal=True)], "高 仿") == []


def test_literal_can_be_asked_for_one_condition():
    # A literal exclusion next to folded positive terms, in one compiled set with
    # rules of both kinds sharing a term text.
    rules = [
        RuleSpec(1, all=["gucci"], none=["後"], literal=("none",)),
        RuleSpec(2, all=["gucci"], none=["後"]),
        RuleSpec(3, any=["後"], literal=True),
    ]
    assert rules[0].none == ("後",) and rules[1].none == ("后",)
    assert hits(rules, "gucci 皇后") == [1]  # 后 is not 後 literally
    assert hits(rules, "gucci 後背包") == [3]
    assert hits(rules, "gucci") == [1, 2]


def test_literal_in_conditions_json_round_trips():
    rule = RuleSpec.from_conditions(5, {"all": ["乾"], "literal": ["all"]})
    assert rule.literal == ("all",)
    assert rule.to_conditions()["literal"] == ["all"]
    assert RuleSpec.from_conditions(5, rule.to_conditions()) == rule
    assert "literal" not in RuleSpec(6, all=["x"]).to_conditions()
    assert RuleSpec(7, all=["x"], literal=True).literal == ("all", "any", "none")


@pytest.mark.parametrize("literal", ["all", ["regions"], [1], 3])
def test_malformed_literal_is_refused(literal):
    with pytest.raises(RuleError):
        RuleSpec(1, all=["x"], literal=literal)


def test_the_two_forms_differ_only_by_the_folds():
    title = "Ｇ\u200bucci 尾單 Сhanel lumière 高 仿"
    assert normalise(title) == "gucci 尾单 chanel lumiere 高仿"
    assert literal_form(title) == "gucci 尾單 сhanel lumière 高 仿"


def test_punctuation_beside_latin_text_is_kept():
    # Only separators next to CJK characters go: model codes and English stay as written.
    assert normalise("Off-White 1:1 c++高仿") == "off-white 1:1 c++高仿"
    assert hits([RuleSpec(1, all=["1:1"])], "高仿1:1") == [1]
    assert hits([RuleSpec(1, all=["c++"])], "c++高仿") == [1]
