"""Property tests: the compiled engine agrees with the plain per-rule reference."""

import contextlib
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from queqiao.engine import (
    Listing,
    RuleSpec,
    compile_rules,
    compiler,
    folding,
    normalisation,
    normalise,
    reference_match,
    scanner,
)
from queqiao.engine.normalisation import (
    BYTE_SEPARATOR,
    TEXT_SEPARATOR,
    batch_literal_text_form,
    batch_text_form,
    join_batch_titles,
    join_cjk,
    join_many,
    literal_form,
    normalise_many,
    prepare_batch,
    tables,
)

# Nothing here touches the database or Redis: run once, in the SQLite pass.
pytestmark = pytest.mark.backend_neutral

# A small vocabulary makes collisions between rules and titles likely; odd forms
# (full width, upper case, extra spaces) exercise normalisation on both sides, and the
# evasions the matching form folds (zero-width characters, soft hyphens, traditional
# characters, Cyrillic and Greek look-alikes, accents, CJK split by spaces or
# punctuation) exercise the folds and the batch path's choice of titles to fold.
WORDS = ["gucci", "GUCCI", "ｇｕｃｃｉ", "古驰", "高仿", "包", "包包", "a货", "A货", "lv", "1:1",
         "１：１", "louis vuitton", "louis  vuitton", "正品", "ß", "ss", "x",
         "gu\u200bcci", "高\u200d仿", "so\u00adft", "尾單", "尾单", "勞力士", "劳力士", "正品授權",
         "正品授权", "Сhanel", "chanel", "ΝΙΚΕ", "nike", "lumière", "LUMIERE", "高 仿", "高.仿",
         "【高仿】", "高・仿", "乾", "干"]
REGIONS = ["广东", "浙江", "Fujian", "fujian", "廣東", "广 东"]
# Characters titles are made of besides whole words: the evasions' raw material.
EVASIONS = "包古驰 \tａAb仿\u200b\u200c\u200d\u2060\ufeff\u00ad單勞權尾СсοΝеéÈü\u0301.、。【】・-_"

terms = st.lists(st.sampled_from(WORDS), max_size=3)
prices = st.none() | st.integers(min_value=0, max_value=1000)
literal_conditions = st.sampled_from([(), (), (), ("all",), ("none",), ("all", "any", "none")])


@st.composite
def rules(draw, rule_id):
    """A random valid rule, sometimes with literal conditions."""
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
        literal=draw(literal_conditions),
    )


@st.composite
def rule_sets(draw):
    count = draw(st.integers(min_value=0, max_value=25))
    return [draw(rules(rule_id)) for rule_id in range(1, count + 1)]


titles = st.lists(
    st.sampled_from(WORDS) | st.text(alphabet=EVASIONS, max_size=4), max_size=8
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
@given(rule_sets(), listings, st.booleans(), st.booleans())
def test_engine_agrees_with_the_reference(rule_set, batch, with_sample, with_hyperscan):
    sample = [listing.title for listing in batch] if with_sample else None
    expected = [
        (listing.id, r.id)
        for listing in batch
        for r in sorted(rule_set, key=lambda r: r.id)
        if reference_match(r, listing)
    ]
    with _scanner(with_hyperscan):
        assert compile_rules(rule_set, sample=sample).match_many(batch) == expected


@contextlib.contextmanager
def _scanner(with_hyperscan):
    """Compile with hyperscan (when installed) or, as without it, with pyahocorasick alone."""
    saved = scanner.hyperscan
    if not with_hyperscan:
        scanner.hyperscan = None
    try:
        yield
    finally:
        scanner.hyperscan = saved


@settings(max_examples=200, deadline=None)
@given(st.text() | titles)
def test_normalise_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)
    assert literal_form(literal_form(text)) == literal_form(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS) | st.text(alphabet=EVASIONS, max_size=4), min_size=1, max_size=4))
@example(["古驰", "", "_", ""])  # an edge behind empty parts: "古驰_" reads "古驰"
@example(["古驰", "", "包", ""])  # empty parts between words: still checked
def test_a_term_inside_a_title_is_still_inside_once_both_are_normalised(parts):
    # The matching form must not lose a term its title holds: folds work per character
    # and CJK separators are dropped the same way inside a term as inside a title.
    term = normalise(parts[len(parts) // 2])
    if term and not _has_edge_effects(parts):
        assert term in normalise("".join(parts))


def _has_edge_effects(parts):
    """True when NFKC or separator joining may act across the parts' joins (not the fold's fault).

    Empty parts join nothing: their neighbours meet (["古驰", "", "_"] reads "古驰_").
    """
    parts = [part for part in parts if part]
    for left, right in zip(parts, parts[1:], strict=False):
        if not left[-1].isalnum() or not right[0].isalnum():
            return True
        if unicodedata.combining(right[0]) or not unicodedata.is_normalized(
                "NFKC", left[-1] + right[0]):
            return True
    return False


def test_the_fold_table_maps_only_to_fixed_points():
    fold = folding.fold_table()
    for code, replacement in fold.items():
        assert normalise(replacement) == replacement, (hex(code), replacement)
        assert unicodedata.normalize("NFKC", chr(code)) == chr(code), hex(code)


def test_format_characters_live_only_where_the_table_looks_for_them():
    planes = [range(0x20000, 0xE0000), range(0xE1000, 0x110000)]
    assert not [hex(code) for plane in planes for code in plane
                if unicodedata.category(chr(code)) == "Cf"]


def test_invisible_characters_outlive_nfkc_and_casefold_and_compose_with_nothing():
    """What lets _folded look for invisible characters in the NFKC form instead of the text."""
    invisible = folding.invisible_characters()
    in_pairs = set()
    for code in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<") and len(decomposition.split()) == 2:
            in_pairs.update(chr(int(part, 16)) for part in decomposition.split())
    for char in invisible:
        settled = unicodedata.normalize("NFKC", char).casefold()
        assert any(c in invisible for c in settled), hex(ord(char))
        assert not unicodedata.combining(char) and char not in in_pairs, hex(ord(char))
    # Nor does a Hangul filler count as a jamo that composes into a syllable.
    assert not [c for c in invisible if 0x1100 <= ord(c) <= 0x1112 or 0x1161 <= ord(c) <= 0x1175
                or 0x11A8 <= ord(c) <= 0x11C2]


def test_the_batch_path_passes_through_only_what_normalisation_leaves_alone():
    unsettled = tables().unsettled
    for code in range(0x3000, 0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        if unsettled.match(char):
            continue
        # Let through unchanged: each step but the joining of CJK separators (which the
        # batch does over the whole text) leaves it alone, and it composes with nothing.
        assert normalise(f"a{char}") == f"a{char}", hex(code)
        assert literal_form(char) == char and unicodedata.combining(char) == 0, hex(code)
    assert unsettled.match("單") and unsettled.match("\ufeff") and unsettled.match("Ａ")
    assert not unsettled.match("单") and not unsettled.match("【")


# Titles built to stress the batch path: full-width forms, mixed case, odd white space
# (including white space a byte table cannot see), Chinese, combining marks, NUL and
# characters whose NFKC or casefold form differs in length.
ODD = "ＧｕＣｃＩ　 \t\n\x0b\x1c\x85\u2028\u3000\u00a0古驰高仿包Aa\u0301\u0308e\x00ßẞﬁ①ｶ\ufe0f\u3164가"
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


@settings(max_examples=200, deadline=None)
@given(st.text() | st.text(alphabet=EVASIONS + "\u3164\uffa0\u115f\u1160\ufe0f\u0300ｅ") | odd_titles)
@example("e\u200b\u0301")  # a hidden character between a letter and its accent
@example("\u1100\u115f\u1161")
def test_folding_with_its_shortcuts_gives_the_form_the_long_way_gives(text):
    assert normalisation._folded(text, tables()) == _folded_the_long_way(text)


def _folded_the_long_way(text):
    """Every step of the fold, none skipped: invisible characters out, NFKC, casefold, fold."""
    t = tables()
    text = unicodedata.normalize("NFKC", text.translate(t.invisible)).casefold()
    for _ in range(3):
        text = text.translate(t.fold)
        if unicodedata.is_normalized("NFKC", text):
            break
        text = unicodedata.normalize("NFKC", text).casefold()
    return text


@given(st.lists(odd_titles | titles | st.text(), max_size=8))
def test_normalising_many_equals_normalising_each(texts):
    # One joining pass over several texts must not join across their boundaries.
    assert normalise_many(texts) == [normalise(text) for text in texts]
    forms = [" ".join(literal_form(text).split()) for text in texts]
    assert join_many(forms) == [join_cjk(form) for form in forms]
    # A prepared batch's titles: below U+10000, or in the matching form already.
    batch_titles = [form if form.isascii() or max(map(ord, form)) <= 0xFFFF else normalise(text)
                    for text, form in zip(texts, forms, strict=True)]
    assert join_batch_titles(batch_titles) == [join_cjk(title) for title in batch_titles]


@settings(max_examples=300, deadline=None)
@given(st.lists(odd_titles | titles | st.text(), max_size=12))
# Separators the batch drops before encoding: an ASCII control character the byte table
# keeps, and runs holding one it does not (a tab, an ideographic space), which only the
# per-title path may drop.
@example(["古驰\x1b"])
@example(["高 \t 仿", "高\u3000仿", "高\x7f仿", "古驰", "【高仿】"])
def test_the_batch_forms_equal_the_per_title_forms_joined(batch):
    assert batch_text_form(batch) == TEXT_SEPARATOR.join(map(normalise, batch))
    assert batch_literal_text_form(batch) == TEXT_SEPARATOR.join(map(literal_form, batch))
    raw = prepare_batch(batch)
    if raw is not None:
        # The bytes hyperscan scans: matching forms but for the joining of CJK separators.
        parts = raw.split(BYTE_SEPARATOR)
        assert [join_cjk(part.decode()) for part in parts] == [normalise(title) for title in batch]
    finder = scanner.unsettled_finder()
    if finder is not None:
        # Hyperscan finding the characters the byte path cannot settle changes nothing.
        assert prepare_batch(batch, finder) == raw
        assert batch_text_form(batch, finder) == TEXT_SEPARATOR.join(map(normalise, batch))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_sets(), odd_listings, st.booleans(), st.booleans())
def test_batches_agree_with_the_reference_and_with_one_listing_at_a_time(
    rule_set, batch, with_sample, with_hyperscan
):
    sample = [listing.title for listing in batch] if with_sample else None
    with _scanner(with_hyperscan):
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


@settings(max_examples=300, deadline=None)
@given(st.lists(
    st.text(alphabet=st.characters(min_codepoint=0x3000, max_codepoint=0xFFFF), max_size=6)
    | st.text(alphabet="かカｶﾞ\u3099\u309a【】（）ＡＡ　 a古", max_size=6),
    max_size=10,
))
def test_the_batch_form_on_kana_punctuation_and_full_width_forms(batch):
    assert batch_text_form(batch) == TEXT_SEPARATOR.join(map(normalise, batch))


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
    text = batch_text_form(batch)
    assert text == TEXT_SEPARATOR.join(map(normalise, batch))
    # The separator never survives normalisation, so splitting gives the titles back.
    assert not batch or text.split(TEXT_SEPARATOR) == [normalise(title) for title in batch]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalisation_never_leaves_the_batch_separator(text):
    assert TEXT_SEPARATOR not in normalise(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_sets(), odd_listings, st.sampled_from([0.0, 2.0]), st.sampled_from([0, 400]),
       st.sampled_from([0, 20_000]))
def test_every_way_of_scanning_a_band_agrees(rule_set, batch, dense, gap_limit, own_databases):
    # With hyperscan a band is scanned title by title (dense), as one joined text (too
    # many gap patterns) or as bytes not yet joined, with a database of its own or one
    # shared with other bands; each must give the reference's answer.
    expected = [
        (listing.id, r.id)
        for listing in batch
        for r in sorted(rule_set, key=lambda r: r.id)
        if reference_match(r, listing)
    ]
    saved = compiler._DENSE, compiler._GAP_LIMIT, compiler._OWN_DATABASES_LIMIT
    compiler._DENSE, compiler._GAP_LIMIT, compiler._OWN_DATABASES_LIMIT = \
        dense, gap_limit, own_databases
    try:
        matcher = compile_rules(rule_set, sample=[listing.title for listing in batch])
        assert matcher.match_many(batch) == expected
        assert list(matcher.iter_matches(batch)) == expected
    finally:
        compiler._DENSE, compiler._GAP_LIMIT, compiler._OWN_DATABASES_LIMIT = saved
