"""Full-text search over the tips a reader may see, with filters."""

import pytest

from tests.queqiao.tipkit import make_tip


def ids(client, query: str) -> set[int]:
    r = client.get("/api/v1/tips?" + query)
    assert r.status_code == 200, r.get_json()
    return {t["id"] for t in r.get_json()["items"]}


@pytest.fixture
def corpus(people):
    author = people["member"]
    return {
        "bags": make_tip(author, title="Replica handbags from Putian",
                         description="Stitching is uneven.",
                         indicators={"keywords": ["高仿包包", "A货"]}),
        "watch": make_tip(author, title="Watch movements swapped", brand="Helvetia",
                          description="Quartz inside a *mechanical* case.",
                          indicators={"keywords": ["复刻表", "super clone"]}),
        "hidden": make_tip(people["outsider"], working_group="pharmaceutical",
                           title="Replica inhalers", indicators={"keywords": ["高仿"]}),
    }


@pytest.mark.parametrize("query, expected", [
    ("q=handbags", {"bags"}),
    ("q=HANDBAGS", {"bags"}),
    ("q=stitch", {"bags"}),             # inside a word (trigram / substring)
    ("q=replica", {"bags"}),            # the outsider's tip stays hidden
    ("q=高仿", {"bags"}),                # two Chinese characters
    ("q=高仿包包", {"bags"}),
    ("q=复刻表", {"watch"}),
    ("q=super+clone", {"watch"}),
    ("q=mechanical+quartz", {"watch"}),
    ("q=putian+quartz", set()),
    ("q=A货", {"bags"}),
    ("q=%25", set()),                   # a LIKE wildcard is a literal
    ("q=\"", set()),
    ("brand=helvetia", {"watch"}),
    ("group=luxury-goods", {"bags", "watch"}),
    ("group=pharmaceutical", set()),
    ("status=submitted", {"bags", "watch"}),
    ("sharing=platform", {"bags", "watch"}),
    ("sharing=alliance", set()),
    ("since=2000-01-01&until=2999-01-01", {"bags", "watch"}),
    ("until=2000-01-01", set()),
])
def test_search_finds_what_the_member_may_see(corpus, people, api, query, expected):
    found = ids(api(people["member"]), query)
    assert found == {corpus[k].id for k in expected}


def test_staff_search_everything_and_edits_are_reindexed(corpus, people, api):
    staff = api(people["staff"])
    assert ids(staff, "q=replica") == {corpus["bags"].id, corpus["hidden"].id}
    member = api(people["member"])
    tip = corpus["bags"]
    r = member.patch(f"/api/v1/tips/{tip.id}", json={"title": "Counterfeit totes",
                                                     "version": tip.version})
    assert r.status_code == 200
    assert ids(member, "q=handbags") == set()
    assert ids(member, "q=totes") == {tip.id}


def test_search_page_shows_only_visible_matches(corpus, people, as_user):
    html = as_user(people["member"]).get("/queqiao/tips?q=replica").get_data(as_text=True)
    assert "Replica handbags from Putian" in html
    assert "Replica inhalers" not in html


def test_similar_tips_rank_by_shared_keywords_then_brand_then_newest(people):
    from queqiao.tips.queries import similar_tips

    author = people["member"]
    keywords = lambda *words: {"keywords": list(words)}  # noqa: E731
    anchor = make_tip(author, brand="Maison Lumière", indicators=keywords("高仿", "原单", "尾货"))
    two = make_tip(author, brand="Other Brand", indicators=keywords("高仿", "原单"))
    one_same_brand = make_tip(author, brand="maison lumière", indicators=keywords("尾货"))
    one = make_tip(author, brand="Other Brand", indicators=keywords("原单"))
    newer_one = make_tip(author, brand="Other Brand", indicators=keywords("高仿"))
    make_tip(author, brand="Maison Lumière", indicators=keywords("正品"))  # nothing shared
    found = similar_tips(author, anchor)
    # Two shared, or one shared and the same brand, score alike: the newer comes first.
    assert [(tip.id, shared) for tip, shared in found] == [
        (one_same_brand.id, ["尾货"]), (two.id, ["高仿", "原单"]),
        (newer_one.id, ["高仿"]), (one.id, ["原单"])]
    assert similar_tips(author, anchor, limit=1) == found[:1]
