"""The engine's matching semantics, case by case (no app needed)."""

import threading

import pytest

from queqiao.engine import Listing, RuleError, RuleSpec, compile_rules, reference_match

# Nothing here touches the database or Redis: run once, in the SQLite pass.
pytestmark = pytest.mark.backend_neutral


def rule(rule_id=1, **conditions):
    """A rule from API-shaped conditions."""
    return RuleSpec.from_conditions(rule_id, conditions)


def hits(rules, title, price=None, region=None):
    """Ids of the rules a listing matches, checked against the reference as well."""
    listing = Listing("L1", title, price, region)
    found = compile_rules(rules).match(listing)
    assert found == [r.id for r in rules if reference_match(r, listing)]
    return found


def yuan(amount):
    return {"amount": amount, "currency": "CNY"}


def test_price_equal_to_the_ceiling_matches_one_fen_above_does_not():
    rules = [rule(all=["gucci"], max_price=yuan(50000))]
    assert hits(rules, "Gucci 手提包", price=50000) == [1]
    assert hits(rules, "Gucci 手提包", price=49999) == [1]
    assert hits(rules, "Gucci 手提包", price=50001) == []


def test_listing_without_a_price_fails_a_ceiling_but_not_a_rule_without_one():
    assert hits([rule(all=["gucci"], max_price=yuan(100))], "gucci", price=None) == []
    assert hits([rule(all=["gucci"])], "gucci", price=None) == [1]


def test_all_terms_must_all_be_present():
    rules = [rule(all=["古驰", "高仿"])]
    assert hits(rules, "古驰高仿手提包") == [1]
    assert hits(rules, "古驰正品手提包") == []
    assert hits(rules, "高仿手提包") == []


def test_any_needs_at_least_one_term_when_given():
    rules = [rule(all=["neverfull"], any=["lv", "路易威登"])]
    assert hits(rules, "路易威登 Neverfull MM") == [1]
    assert hits(rules, "LV neverfull") == [1]
    assert hits(rules, "Neverfull 托特包") == []


def test_any_alone_matches_on_any_of_its_terms():
    rules = [rule(any=["a货", "replica"])]
    assert hits(rules, "A货 包包") == [1]
    assert hits(rules, "REPLICA bag") == [1]
    assert hits(rules, "正品 bag") == []


def test_exclusions_veto_a_match():
    rules = [rule(all=["gucci"], none=["专柜正品", "authentic"])]
    assert hits(rules, "Gucci 马蒙包") == [1]
    assert hits(rules, "Gucci 专柜正品 马蒙包") == []
    assert hits(rules, "GUCCI AUTHENTIC bag") == []


def test_a_term_both_required_and_excluded_never_matches():
    assert hits([rule(all=["gucci"], none=["gucci"])], "gucci") == []


def test_latin_letters_match_whatever_their_case():
    rules = [rule(all=["Louis Vuitton"])]
    for title in ("louis vuitton bag", "LOUIS VUITTON bag", "LoUiS vUiTtOn"):
        assert hits(rules, title) == [1]


def test_full_width_letters_digits_and_spaces_fold_to_ordinary_ones():
    rules = [rule(all=["LV", "1:1"]), rule(2, all=["louis vuitton"])]
    assert hits(rules, "ＬＶ　１：１ 老花包") == [1]
    assert hits(rules, "ＬＯＵＩＳ　ＶＵＩＴＴＯＮ") == [2]
    # and full-width terms find ordinary titles
    assert hits([rule(all=["ＧＵＣＣＩ"])], "gucci bag") == [1]


def test_whitespace_runs_collapse_in_titles_and_terms():
    rules = [rule(all=["louis   vuitton"])]
    assert hits(rules, "Louis\t\n  Vuitton  Speedy") == [1]
    assert hits(rules, "LouisVuitton") == []


def test_chinese_terms_match_as_substrings_of_unsegmented_text():
    rules = [rule(all=["驴牌"]), rule(2, all=["包"])]
    assert hits(rules, "正品驴牌老花包包") == [1, 2]
    # a space or punctuation between two Chinese characters does not hide a term...
    assert hits(rules, "驴 牌") == [1]
    # ...unless the rule asks for the literal form
    assert hits([RuleSpec(1, all=["驴牌"], literal=True)], "驴 牌") == []


def test_a_split_chinese_term_needs_every_part_when_given_as_separate_terms():
    # Parts given as separate terms match wherever they stand.
    rules = [rule(all=["路易", "威登"])]
    assert hits(rules, "路易 威登 手提包") == [1]
    assert hits(rules, "路易威登手提包") == [1]
    assert hits(rules, "路易十四手提包") == []


def test_overlapping_terms_are_all_seen():
    rules = [rule(all=["包"]), rule(2, all=["包包"]), rule(3, all=["老花包"])]
    assert hits(rules, "老花包包") == [1, 2, 3]


def test_regions_limit_a_rule_and_are_normalised():
    rules = [rule(all=["gucci"], regions=["广东", "Zhejiang"])]
    assert hits(rules, "gucci", region="广东") == [1]
    assert hits(rules, "gucci", region=" ZHEJIANG ") == [1]
    assert hits(rules, "gucci", region="北京") == []
    assert hits(rules, "gucci", region=None) == []
    assert hits([rule(all=["gucci"])], "gucci", region=None) == [1]


def test_many_rules_resolve_in_id_order_without_duplicates():
    rules = [
        rule(3, any=["a", "b"]),
        rule(1, all=["a"], any=["b", "c"]),
        rule(2, all=["a", "b", "c"]),
    ]
    matcher = compile_rules(rules)
    assert matcher.match(Listing("x", "a b c")) == [1, 2, 3]
    assert matcher.match_many([Listing("x", "a b"), Listing("y", "c")]) == [
        ("x", 1),
        ("x", 3),
    ]


def test_an_empty_rule_set_matches_nothing():
    assert compile_rules([]).match_many([Listing("x", "anything")]) == []


def test_a_rule_needs_a_positive_term():
    with pytest.raises(RuleError):
        rule(none=["gucci"])
    with pytest.raises(RuleError):
        rule(all=["  "])


@pytest.mark.parametrize(
    "conditions",
    [
        {"all": "gucci"},
        {"all": [1]},
        {"alll": ["gucci"]},
        {"all": ["gucci"], "max_price": -1},
        {"all": ["gucci"], "max_price": True},
        {"all": ["gucci"], "max_price": {"amount": 1, "currency": "USD"}},
        {"all": ["gucci"], "max_price": {"currency": "CNY"}},
    ],
)
def test_malformed_conditions_are_refused(conditions):
    with pytest.raises(RuleError):
        RuleSpec.from_conditions(1, conditions)


def test_duplicate_rule_ids_are_refused():
    with pytest.raises(RuleError):
        compile_rules([rule(1, all=["a"]), rule(1, all=["b"])])


def test_a_compiled_set_is_immutable_and_shared_safely_between_threads():
    rules = [rule(i, all=[f"term{i}"], max_price=yuan(i * 100)) for i in range(1, 300)]
    matcher = compile_rules(rules)
    with pytest.raises(AttributeError):
        matcher._rules = ()
    listings = [Listing(str(n), f"term{n % 300} x term{(n * 7) % 300}", n * 13) for n in range(3000)]
    expected = matcher.match_many(listings)
    assert expected  # the workload does match
    results = []

    def work():
        results.append(matcher.match_many(listings))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def test_compiling_twice_gives_the_same_answers_whatever_the_order_or_sample():
    rules = [rule(i, all=[f"w{i % 7}", f"w{i % 5}"]) for i in range(1, 40)]
    listings = [Listing(str(n), f"w{n % 7} w{n % 5} w{n % 3}") for n in range(50)]
    first = compile_rules(rules).match_many(listings)
    second = compile_rules(reversed(rules), sample=["w1 w2", "w3"]).match_many(listings)
    assert first == second


def test_each_price_band_chooses_its_own_triggers():
    # Below 100 fen the brand settles five pairs at once and is worth looking up; above
    # it only (gucci, 高仿) is left, and the rarer 高仿 should be its only trigger, so a
    # dear listing with the brand but no marker is not looked at further.
    products = ["手表", "钱包", "腰带", "帽子"]
    rules = [RuleSpec(1, all=["gucci", "高仿"])] + [
        RuleSpec(n, all=["gucci", product], max_price=100) for n, product in enumerate(products, 2)
    ]
    sample = [f"gucci {' '.join(products[n % 2::2])}" for n in range(6)] + ["gucci 高仿"] * 2
    compiled = compile_rules(rules, sample=sample)
    forms = compiled._forms
    bands = [{forms[term] for term in band[1]} for band in compiled._bands]
    assert "gucci" in bands[0]
    assert bands[-1] == {"高仿"}
    listings = [
        Listing("cheap", "Gucci 高仿 钱包", 100),
        Listing("dear", "Gucci 高仿 钱包", 101),
        Listing("plain", "Gucci 钱包 帽子", 5000),
    ]
    assert compiled.match_many(listings) == [("cheap", 1), ("cheap", 3), ("dear", 1)]


@pytest.mark.parametrize("dense", [0.0, 2.0])
def test_a_letter_between_the_characters_of_a_term_is_no_separator(monkeypatch, dense):
    # The scanner's separator byte class covers kana too: "高あ仿" must not be taken for
    # "高仿", whichever way the band is scanned; "高 仿" and "高〜仿" are "高仿".
    from queqiao.engine import compiler

    monkeypatch.setattr(compiler, "_DENSE", dense)
    rules = [rule(1, all=["高仿"]), rule(2, all=["高仿"], max_price=yuan(10000))]
    listings = [Listing("a", "高あ仿 包", 5000), Listing("b", "高 仿 包", 5000),
                Listing("c", "高〜仿", 20000), Listing("d", "高ー仿", None)]
    matcher = compile_rules(rules, sample=[x.title for x in listings])
    assert matcher.match_many(listings) == [("b", 1), ("b", 2), ("c", 1)]


@pytest.mark.parametrize("own_databases", [0, 20_000])
@pytest.mark.parametrize("dense", [0.0, 2.0])
def test_a_trigger_of_a_cheaper_band_found_in_a_dearer_listing_is_passed_over(
    monkeypatch, dense, own_databases
):
    # Price bands below the last may share one scanner: a trigger found there that belongs
    # only to a cheaper band's rules must not be resolved for a dearer listing.
    from queqiao.engine import compiler

    monkeypatch.setattr(compiler, "_DENSE", dense)
    monkeypatch.setattr(compiler, "_OWN_DATABASES_LIMIT", own_databases)
    rules = [rule(1, all=["gucci"], max_price=yuan(100)), rule(2, all=["prada"], max_price=yuan(500)),
             rule(3, all=["chanel"], max_price=yuan(2000)), rule(4, all=["hermes"])]
    listings = [Listing(f"p{price}", "gucci prada chanel hermes", price)
                for price in (50, 300, 1500, 2500, None)]
    matcher = compile_rules(rules, sample=[x.title for x in listings])
    assert matcher.match_many(listings) == [
        ("p50", 1), ("p50", 2), ("p50", 3), ("p50", 4), ("p300", 2), ("p300", 3), ("p300", 4),
        ("p1500", 3), ("p1500", 4), ("p2500", 4), ("pNone", 4)]
