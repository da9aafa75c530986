"""The export document round-trips through the loader; the engine stays free of the app."""

import ast
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queqiao.engine import (
    FORMAT,
    Listing,
    RuleDocumentError,
    RuleError,
    RuleSpec,
    compile_rules,
    export_rules,
    load_rules,
)

# Nothing here touches the database or Redis: run once, in the SQLite pass.
pytestmark = pytest.mark.backend_neutral

ENGINE = Path(__file__).resolve().parents[2] / "queqiao" / "engine"


def sample_rules():
    return [
        RuleSpec.from_conditions(
            17,
            {"all": ["GUCCI", "高仿"], "none": ["正品授权"], "max_price": {"amount": 50000,
                                                                      "currency": "CNY"},
             "regions": ["广东"]},
            version=3,
        ),
        RuleSpec.from_conditions(18, {"any": ["Ａ货", "replica"]}),
    ]


def test_export_then_load_gives_back_the_same_rules_through_json():
    document = json.loads(json.dumps(export_rules(sample_rules()), ensure_ascii=False))
    assert document["format"] == FORMAT
    assert document["rules"][0] == {
        "id": 17, "version": 3, "all": ["gucci", "高仿"], "any": [], "none": ["正品授权"],
        "max_price": {"amount": 50000, "currency": "CNY"}, "regions": ["广东"],
    }
    assert load_rules(document) == sample_rules()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(["a", "Ｂ", "古驰", "x y"]), min_size=1,
                                   max_size=3),
                          st.none() | st.integers(0, 10**9)), max_size=10))
def test_round_trip_preserves_what_rules_match(specs):
    rules = [RuleSpec(id=i + 1, all=terms, max_price=price) for i, (terms, price) in
             enumerate(specs)]
    loaded = load_rules(json.loads(json.dumps(export_rules(rules))))
    assert loaded == rules
    listing = Listing("l", "a b 古驰 x y", 100)
    assert compile_rules(loaded).match(listing) == compile_rules(rules).match(listing)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(format="queqiao.rules/2"),
        lambda d: d.update(normalisation="none"),
        lambda d: d.pop("generated_at"),
        lambda d: d.update(generated_at="yesterday"),
        lambda d: d.update(extra=1),
        lambda d: d.update(rules={}),
        lambda d: d["rules"][0].pop("none"),
        lambda d: d["rules"][0].update(all=["GUCCI"]),
        lambda d: d["rules"][0].update(max_price=5),
        lambda d: d["rules"].append(dict(d["rules"][0])),
    ],
)
def test_the_loader_refuses_malformed_documents(damage):
    document = export_rules(sample_rules())
    damage(document)
    with pytest.raises((RuleDocumentError, RuleError)):
        load_rules(document)


def test_the_engine_imports_neither_flask_nor_sqlalchemy_nor_the_app():
    forbidden = ("flask", "sqlalchemy", "portal", "werkzeug", "workinggroups")
    for path in ENGINE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                assert root not in forbidden, f"{path.name} imports {name}"
                if root == "queqiao":
                    assert name.startswith("queqiao.engine"), f"{path.name} imports {name}"
