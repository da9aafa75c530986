"""The one input parser: exact money, bounded numbers and times, storable text, and the
404 / 422 answers it turns out-of-range input into everywhere."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from portal import parsing
from portal.errors import InvalidInput


def _error(parse, *args, **kwargs) -> dict:
    with pytest.raises(InvalidInput) as caught:
        parse(*args, **kwargs)
    return caught.value.fields


@pytest.mark.parametrize("typed, fen", [
    ("1500", 150000), ("1,500.50", 150050), ("¥0.29", 29), ("0.1", 10), (" 12.3 ", 1230),
    (Decimal("1500.5"), 150050), ("9999999999999", 999999999999900),
])
def test_yuan_reads_exactly_into_fen(typed, fen):
    assert parsing.yuan(typed, "price") == fen


@pytest.mark.parametrize("typed", ["1.234", "abc", "1e5", "12..3", "--1", "NaN", "١٢٣"])
def test_yuan_refuses_what_is_not_an_amount(typed):
    assert "price" in _error(parsing.yuan, typed, "price")


def test_yuan_bounds_sign_zero_and_size():
    assert _error(parsing.yuan, "-5", "price") == {"price": "The amount cannot be negative."}
    assert "price" in _error(parsing.yuan, "0", "price", allow_zero=False)
    assert parsing.yuan("", "price") is None
    assert "price" in _error(parsing.yuan, "", "price", required=True)


@pytest.mark.parametrize("value", [2**63, 10**15 + 1, {"amount": 2**64, "currency": "CNY"}])
def test_money_past_the_bound_is_a_field_error(value):
    assert _error(parsing.money, value, "cost") == {"cost": "This amount is too large."}


@pytest.mark.parametrize("value", [True, "100", 1.5, [100], {"amount": "1"}, {"amount": None}])
def test_money_that_is_not_minor_units_is_a_field_error(value):
    assert "cost" in _error(parsing.money, value, "cost")


def test_money_reads_the_api_form():
    assert parsing.money({"amount": 9900, "currency": "EUR"}, "cost") == (9900, "EUR")
    assert parsing.money(100, "cost") == (100, "CNY")
    assert "cost" in _error(parsing.money, {"amount": 1, "currency": "XYZ"}, "cost")


@pytest.mark.parametrize("value", ["a\x00b", "\ud800 lone surrogate"])
def test_text_that_cannot_be_stored_is_refused_not_cut(value):
    assert "body" in _error(parsing.text, value, "body")


def test_text_is_trimmed_bounded_and_typed():
    assert parsing.text("  高仿  ", "t") == "高仿"
    assert parsing.text(None, "t") == ""
    assert _error(parsing.text, "x" * 11, "t", max_length=10) == {"t": "At most 10 characters."}
    assert _error(parsing.text, ["x"], "t") == {"t": "This field must be text."}
    assert "t" in _error(parsing.text, "   ", "t", required=True)


@pytest.mark.parametrize("value, expected", [
    (1, 1), ("42", 42), (2**31 - 1, 2**31 - 1), (2**31, None), (2**63, None), (0, None), (-1, None),
    (True, None), ("1e3", None), (None, None), (1.0, None),
])
def test_identifier_names_only_possible_rows(value, expected):
    assert parsing.identifier(value) == expected


@pytest.mark.parametrize("value", ["0", "-1", str(10**30), "x", "1.5"])
def test_a_page_out_of_range_is_a_field_error(value):
    assert "page" in _error(parsing.page, value)


def test_moment_keeps_to_the_years_the_portal_deals_in():
    assert parsing.moment("2026-05-01T09:30:00+08:00", "at").year == 2026
    assert "at" in _error(parsing.moment, "9999-12-31T23:59:59+00:00", "at")
    assert "at" in _error(parsing.moment, "2026-05-01T09:30:00", "at")
    assert parsing.moment(datetime(2030, 1, 1, tzinfo=UTC), "at").year == 2030


# --- the same answers through the running portal --------------------------------------


def _id_routes(app):
    """Every route with an id in its path, once per method, with the id at its largest."""
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items()
                if isinstance(conv, parsing.RowId)]
        if not ints:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method, ints


@pytest.mark.parametrize("too_big", [2**31, 2**63, 10**30])
def test_every_id_route_answers_404_for_an_id_past_the_id_columns(app, people, as_user, too_big):
    admin = as_user(people["admin"])
    staff = as_user(people["staff"])
    checked = 0
    for rule, method, ints in _id_routes(app):
        values = {name: 1 for name in rule.arguments}
        values.update({name: "x" for name in rule.arguments if name not in ints})
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", str(too_big) if name in ints else "1")
            path = path.replace(f"<{name}>", "luxury-goods").replace(f"<path:{name}>", "x")
        for client in (admin, staff):
            response = client.open(path, method=method, json={} if method != "GET" else None)
            assert response.status_code == 404, (method, path, response.status_code)
        checked += 1
    assert checked > 100  # the walk reached the id routes, not a handful


@pytest.mark.parametrize("page", [str(2**63), "99999999999999999999", "-3", "abc"])
def test_api_lists_answer_422_for_an_impossible_page(app, people, api, page):
    client = api(people["staff"])
    for path in ("/api/v1/tips", "/api/v1/test-purchases", "/api/v1/recommendations",
                 "/api/v1/rules", "/api/v1/working-groups/luxury-goods/meetings"):
        response = client.get(f"{path}?page={page}")
        assert response.status_code == 422, (path, response.status_code)
        assert "page" in response.get_json()["error"]["fields"]


def test_the_id_pattern_matches_exactly_the_numbers_up_to_its_limit():
    import random
    import re

    small = re.compile(parsing._digits_at_most(305) + "$")
    assert [n for n in range(1000) if small.match(str(n))] == list(range(306))
    full = re.compile(parsing.RowId.regex + "$")
    rng = random.Random(7)
    samples = [*(rng.randrange(2**64) for _ in range(10000)), *(rng.randrange(2**32) for _ in range(10000))]
    for n in [2**31 - 1, 2**31, 2**63, 10**18, 10**19, *samples]:
        assert bool(full.match(str(n))) == (n <= parsing.MAX_ID), n


@pytest.mark.parametrize("address", [
    "javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "/relative/path",
    "https:///no-host", "ftp://files.example/x", "https://shop.example/a b",
])
def test_a_web_address_is_http_with_a_host(address):
    assert "link" in _error(parsing.web_address, address, "link")


def test_a_web_address_is_kept_as_given():
    assert parsing.web_address("https://item.taobao.com/item.htm?id=1", "link") == (
        "https://item.taobao.com/item.htm?id=1")
    assert parsing.web_address("", "link") == ""


def test_scanned_listings_refuse_script_links_and_impossible_prices():
    from queqiao.listings.readers import BadListing, read_listing

    with pytest.raises(BadListing) as caught:
        read_listing({"id": "L1", "title": "LV 高仿", "url": "javascript:alert(1)",
                      "price": 2**63})
    assert set(caught.value.fields) == {"url", "price"}
    listing = read_listing({"id": 7, "title": "LV 高仿", "url": "https://m.example/7",
                            "price": "12900"})
    assert (listing.id, listing.price, listing.url) == ("7", 12900, "https://m.example/7")
