"""The rules bench's baseline for the matching form's cost is the version 1 form, whole.

bench/rules.py times the engine on the matching form against the same engine with
normalisation's tables swapped for version 1's (form_one). The figure means something
only if, inside form_one, every path (per title, the batch byte path with and without
the hyperscan finder, terms, regions) gives the version 1 form, the engine still agrees
with the reference, and everything is back as it was afterwards.
"""

import importlib.util
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queqiao.engine import Listing, RuleSpec, compile_rules, reference_match, scanner
from queqiao.engine.normalisation import (
    TEXT_SEPARATOR,
    batch_text_form,
    normalise,
    normalise_v1,
    prepare_batch,
)
from tests.queqiao_engine.test_properties import WORDS, odd_titles, rule_sets, titles

# Nothing here touches the database or Redis: run once, in the SQLite pass.
pytestmark = pytest.mark.backend_neutral


def version_1(text):
    """normalise_v1, settled under NFKC as the matching form is ("ß" + U+0301 gives "sś")."""
    text = normalise_v1(text)
    while not unicodedata.is_normalized("NFKC", text):
        text = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return text


@pytest.fixture(scope="module")
def bench():
    path = Path(__file__).resolve().parents[2] / "bench" / "rules.py"
    spec = importlib.util.spec_from_file_location("bench_rules", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_rules"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["bench_rules"]


def test_the_version_1_form_folds_and_joins_nothing(bench):
    evasive = ["高 仿", "【高仿】", "尾單", "Сhanel", "lumière", "gu\u200bcci", "ＧＵＣＣＩ  Bag"]
    with bench.form_one():
        assert [normalise(text) for text in evasive] == [normalise_v1(text) for text in evasive]
        assert normalise("ß\u0301") == version_1("ß\u0301") == "s\u015b"
        rule = RuleSpec(id=1, all=["高 仿", "尾單"], regions=["广 东"])
        assert (rule.all, rule.regions) == (("高 仿", "尾單"), ("广 东",))
    # and the matching form is back
    assert normalise("高 仿") == "高仿" and normalise("尾單") == "尾单"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(odd_titles | titles | st.text(), max_size=12))
def test_every_batch_path_gives_the_version_1_form(bench, batch):
    expected = [version_1(title) for title in batch]
    with bench.form_one():
        assert batch_text_form(batch) == TEXT_SEPARATOR.join(expected)
        assert batch_text_form(batch, scanner.unsettled_finder()) == TEXT_SEPARATOR.join(expected)
        raw = prepare_batch(batch, scanner.unsettled_finder())
        if raw is not None:
            assert [part.decode() for part in raw.split(b"\xff")] == expected


@settings(max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rule_sets(), st.lists(titles, max_size=15))
def test_the_engine_on_the_version_1_form_agrees_with_the_reference_on_it(bench, rule_set, names):
    batch = [Listing(id=str(number), title=title) for number, title in enumerate(names)]
    with bench.form_one():
        rules = [RuleSpec.from_conditions(rule.id, rule.to_conditions()) for rule in rule_set]
        expected = [(listing.id, rule.id) for listing in batch
                    for rule in sorted(rules, key=lambda rule: rule.id) if reference_match(rule, listing)]
        matcher = compile_rules(rules, sample=names)
        assert matcher.match_many(batch) == expected


def test_words_of_the_properties_differ_between_the_forms(bench):
    # The comparison would prove nothing if the two forms agreed on the evasions.
    with bench.form_one():
        in_version_1 = [normalise(word) for word in WORDS]
    assert in_version_1 != [normalise(word) for word in WORDS]
