"""Property tests: the compiled engine agrees with the plain per-rule reference."""

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queqiao.engine import (
    Listing,
    RuleSpec,
    compile_rules,
    compiler,
    normalisation,
    normalise,
    reference_match,
)
from queqiao.engine.normalisation import (
    CASEFOLD_STABLE_LEADS,
    NFKC_STABLE_LEADS,
    SEPARATOR,
    batch_scan_form,
    scan_form,
)

# A small vocabulary makes collisions between rules and titles likely; odd forms
# (full width, upper case, extra spaces) exercise normalisation on both sides.
WORDS = ["gucci", "GUCCI", "ｇｕｃｃｉ", "古驰", "高仿", "包", "包包", "a货", "A货", "lv", "1:1",
         "１：１", "louis vuitton", "louis  vuitton", "正品", "ß", "ss", "x"]
REGIONS = ["广东", "浙江", "Fujian", "fujian"]

terms = st.lists(st.sampled_from(WORDS), max_size=3)
prices = st.none() | st.integers(min_value=0, max_value=1000)


@st.composite
def rules(draw, rule_id):
    """A random valid rule."""
    all_terms = draw(terms)
    any_terms = draw(terms)
    if not all_terms and not any_terms:
        all_terms = [draw(st.sampled_from(WORDS))]
    return RuleSpec(
        id=rule_id,
        all=all_terms,
        any=any_terms,
        none=draw(st.lists(st.sampled_from(WORDS), max_size=2)),
        max_price=draw(prices),
        regions=draw(st.lists(st.sampled_from(REGIONS), max_size=2)),
    )


@st.composite
def rule_sets(draw):
    count = draw(st.integers(min_value=0, max_value=25))
    return [draw(rules(rule_id)) for rule_id in range(1, count + 1)]


titles = st.lists(
    st.sampled_from(WORDS) | st.text(alphabet="包古驰 \tａAb仿", max_size=4), max_size=8
).map(lambda parts: "".join(parts))
listings = st.lists(
    st.builds(
        Listing,
        id=st.integers(0, 10**6).map(str),
        title=titles,
        price=prices,
        region=st.none() | st.sampled_from(REGIONS + [" 广东 "]),
    ),
    max_size=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_sets(), listings, st.booleans())
def test_engine_agrees_with_the_reference(rule_set, batch, with_sample):
    sample = [listing.title for listing in batch] if with_sample else None
    matcher = compile_rules(rule_set, sample=sample)
    expected = [
        (listing.id, r.id)
        for listing in batch
        for r in sorted(rule_set, key=lambda r: r.id)
        if reference_match(r, listing)
    ]
    assert matcher.match_many(batch) == expected


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_the_fast_scan_form_equals_normalising_then_encoding(text):
    expected = normalise(text).encode("utf-8", "surrogatepass").decode("latin-1")
    assert scan_form(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x3000, max_codepoint=0xFFFF), max_size=6)
       | st.text(alphabet="ＡＢａｂ　 \u3000Aa中文ß", max_size=8))
def test_scan_form_on_cjk_and_full_width_text(text):
    assert scan_form(text) == normalise(text).encode("utf-8", "surrogatepass").decode("latin-1")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalise_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)


def _code_points(lead):
    """Every code point whose UTF-8 form starts with the three-byte lead byte `lead`."""
    first = (lead & 0x0F) << 12
    return range(first, first + 0x1000)


def test_stable_lead_bytes_hold_only_characters_normalisation_leaves_alone():
    for lead in NFKC_STABLE_LEADS:
        for code in _code_points(lead):
            char = chr(code)
            if 0xD800 <= code <= 0xDFFF:
                continue
            assert unicodedata.normalize("NFKC", char) == char, hex(code)
            assert char.casefold() == char and not char.isspace(), hex(code)
            assert unicodedata.combining(char) == 0, hex(code)
    for lead in CASEFOLD_STABLE_LEADS:
        for code in _code_points(lead):
            char = chr(code)
            if 0xD800 <= code <= 0xDFFF:
                continue
            # Only characters NFKC leaves in place reach the after-NFKC table.
            if unicodedata.normalize("NFKC", char) == char:
                assert char.casefold() == char and not char.isspace(), hex(code)


# Titles built to stress the batch path: full-width forms, mixed case, odd white space
# (including white space a byte table cannot see), Chinese, combining marks, NUL and
# characters whose NFKC or casefold form differs in length.
ODD = "ＧｕＣｃＩ　 \t\n\x0b\x1c\x85\u2028\u3000\u00a0古驰高仿包Aa\u0301\u0308e\x00ßẞﬁ①ｶ"
odd_titles = st.lists(
    st.sampled_from(WORDS) | st.text(alphabet=ODD, max_size=5) | st.text(max_size=3), max_size=6
).map(lambda parts: "".join(parts))
odd_listings = st.lists(
    st.builds(
        Listing,
        id=st.integers(0, 10**6).map(str),
        title=odd_titles,
        price=prices,
        region=st.none() | st.sampled_from(REGIONS + [" 广东 "]),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(odd_titles | st.text(), max_size=12))
def test_the_batch_scan_form_equals_the_per_title_forms_joined(batch):
    assert batch_scan_form(batch) == SEPARATOR.join(map(scan_form, batch))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_sets(), odd_listings, st.booleans())
def test_batches_agree_with_the_reference_and_with_one_listing_at_a_time(
    rule_set, batch, with_sample
):
    sample = [listing.title for listing in batch] if with_sample else None
    matcher = compile_rules(rule_set, sample=sample)
    expected = [
        (listing.id, r.id)
        for listing in batch
        for r in sorted(rule_set, key=lambda r: r.id)
        if reference_match(r, listing)
    ]
    assert matcher.match_many(batch) == expected
    one_by_one = [(listing.id, rule_id) for listing in batch for rule_id in matcher.match(listing)]
    assert one_by_one == expected


def test_matches_are_found_across_batch_boundaries(monkeypatch):
    # Small batches, so one call spans several of them; listings land in every batch
    # position, including the first and the last.
    monkeypatch.setattr(compiler, "BATCH", 3)
    rule_set = [RuleSpec(1, all=["gucci"]), RuleSpec(2, all=["古驰", "高仿"], max_price=100)]
    batch = [
        Listing(str(n), title, price)
        for n, (title, price) in enumerate(
            [("GUCCI", None), ("x", 1), ("古驰 高仿", 100), ("古驰高仿", 101), ("ｇｕｃｃｉ古驰高仿", 5),
             ("", 0), (" gucci ", None)]
        )
    ]
    expected = [("0", 1), ("2", 2), ("4", 1), ("4", 2), ("6", 1)]
    assert compile_rules(rule_set).match_many(batch) == expected


def test_the_batch_table_settles_every_character_it_lets_through():
    for lead in sorted(set(CASEFOLD_STABLE_LEADS) - set(NFKC_STABLE_LEADS)):
        for code in _code_points(lead):
            if 0xD800 <= code <= 0xDFFF:
                continue
            char = chr(code)
            flagged = char.encode() in normalisation.UNSTABLE_FORMS
            assert flagged == (char in normalisation.UNSTABLE_CHARACTERS), hex(code)
            if not flagged:  # the batch table passes it through unchanged
                assert unicodedata.normalize("NFKC", char) == char, hex(code)
                assert unicodedata.combining(char) == 0, hex(code)
                assert char.casefold() == char and not char.isspace(), hex(code)
    # The characters the benchmark titles use for tags stay on the batch path.
    assert "【" not in normalisation.UNSTABLE_CHARACTERS
    assert "（" in normalisation.UNSTABLE_CHARACTERS  # NFKC makes it "("


@settings(max_examples=300, deadline=None)
@given(st.lists(
    st.text(alphabet=st.characters(min_codepoint=0x3000, max_codepoint=0xFFFF), max_size=6)
    | st.text(alphabet="かカｶﾞ\u3099\u309a【】（）ＡＡ　 a古", max_size=6),
    max_size=10,
))
def test_the_batch_scan_form_on_kana_punctuation_and_full_width_forms(batch):
    assert batch_scan_form(batch) == SEPARATOR.join(map(scan_form, batch))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_sets(), odd_listings, st.sampled_from([0, 1, 1000]))
def test_probing_and_scanning_trigger_tables_agree(rule_set, batch, limit):
    # Trigger tables are settled by substring probes up to a size and by the automaton
    # above it; both must give the reference's answer whatever the limit.
    expected = [
        (listing.id, r.id)
        for listing in batch
        for r in sorted(rule_set, key=lambda r: r.id)
        if reference_match(r, listing)
    ]
    saved = compiler._PROBE_LIMIT
    compiler._PROBE_LIMIT = limit
    try:
        assert compile_rules(rule_set).match_many(batch) == expected
    finally:
        compiler._PROBE_LIMIT = saved


@settings(max_examples=300, deadline=None)
@given(st.lists(odd_titles | st.text(), max_size=12))
def test_the_batch_text_form_equals_the_normalised_titles_joined(batch):
    text = normalisation.batch_text_form(batch)
    assert text == normalisation.TEXT_SEPARATOR.join(map(normalise, batch))
    # The separator never survives normalisation, so splitting gives the titles back.
    assert not batch or text.split(normalisation.TEXT_SEPARATOR) == [normalise(title) for title in batch]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalisation_never_leaves_the_batch_separator(text):
    assert normalisation.TEXT_SEPARATOR not in normalise(text)
