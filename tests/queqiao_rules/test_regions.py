"""Regions through the gazetteer: one code for every way of writing a region, cities inside
their province, the same list on the rule and tip forms, stored text mapped by migration."""

import pytest

from queqiao.engine import Listing, compile_rules, reference_match
from queqiao.listings.gazetteer import gazetteer, listing_region, region_name, resolve_region
from queqiao.rules.conditions import spec_for
from tests.queqiao_rules.helpers import listing, make_rule

GD_WRITINGS = ["Guangdong", "广东", "广东省", "廣東", "廣東省", "guangdong sheng", "GUANGDONG",
               "Guangdong Province", "CN-GD", "Shenzhen", "深圳市", "深圳", "Guangzhou", "東莞"]


@pytest.mark.parametrize("text", ["Guangdong", "广东", "广东省", "廣東", "guangdong sheng"])
def test_every_writing_of_guangdong_is_one_code(text):
    assert resolve_region(text) == "CN-GD"


def test_cities_resolve_to_their_own_code_inside_their_province():
    assert resolve_region("Shenzhen") == resolve_region("深圳市") == "CN-440300"
    assert gazetteer().regions["CN-440300"].parent == "CN-GD"
    assert resolve_region("吉林") == "CN-JL" and resolve_region("吉林市") == "CN-220200"


def test_names_that_two_regions_share_resolve_to_none_of_them():
    # 抚州 and 福州 are both "fuzhou"; 山西 and 陕西 keep their ISO spellings apart.
    assert resolve_region("fuzhou") is None
    assert resolve_region("福州") == "CN-350100" and resolve_region("抚州") == "CN-361000"
    assert resolve_region("Shanxi") == "CN-SX" and resolve_region("Shaanxi") == "CN-SN"


def test_other_markets_and_countries_are_known_in_both_languages():
    assert {resolve_region(t) for t in ("Hong Kong", "香港", "HK", "香港特别行政区")} == {"CN-HK"}
    assert {resolve_region(t) for t in ("Macau", "澳門", "MO")} == {"CN-MO"}
    assert {resolve_region(t) for t in ("Taiwan", "台灣", "TW")} == {"CN-TW"}
    assert resolve_region("日本") == resolve_region("Japan") == "JP"
    assert region_name("JP", "zh") == "日本" and region_name("CN-GD", "en") == "Guangdong"
    assert region_name("CN-GD", "zh") == "广东" and region_name("海外仓", "zh") == "海外仓"


@pytest.mark.parametrize("text", GD_WRITINGS)
def test_a_guangdong_rule_matches_every_writing_through_the_engine(text):
    spec = spec_for(1, {"all": ["gucci"], "regions": ["CN-GD"]}, 1)
    item = Listing("1", "gucci 高仿", None, listing_region(text))
    assert compile_rules([spec]).match(item) == [1]
    assert reference_match(spec, item)


@pytest.mark.parametrize("text", ["福建", "Zhejiang", "香港", "Japan", "海外仓", None])
def test_a_guangdong_rule_does_not_match_other_regions(text):
    spec = spec_for(1, {"all": ["gucci"], "regions": ["CN-GD"]}, 1)
    assert compile_rules([spec]).match(Listing("1", "gucci", None, listing_region(text))) == []


def test_a_city_rule_does_not_match_the_rest_of_its_province():
    spec = spec_for(1, {"all": ["gucci"], "regions": ["CN-440300"]}, 1)
    matcher = compile_rules([spec])
    assert matcher.match(Listing("1", "gucci", None, listing_region("深圳"))) == [1]
    assert matcher.match(Listing("2", "gucci", None, listing_region("广州"))) == []
    assert matcher.match(Listing("3", "gucci", None, listing_region("广东"))) == []


def test_rules_store_codes_for_any_writing(people, api):
    body = {"name": "x", "conditions": {"all": ["gucci"], "regions": ["廣東省", "Zhejiang", "深圳"]}}
    response = api(people["staff"]).post("/api/v1/rules", json=body)
    assert response.status_code == 201
    assert response.get_json()["conditions"]["regions"] == ["CN-GD", "CN-ZJ", "CN-440300"]


def test_an_unknown_region_is_refused_with_its_field(people, api):
    body = {"name": "x", "conditions": {"all": ["gucci"], "regions": ["Atlantis"]}}
    response = api(people["staff"]).post("/api/v1/rules", json=body)
    assert response.status_code == 422
    assert "Atlantis" in response.get_json()["error"]["fields"]["conditions.regions"]


@pytest.mark.parametrize("text", GD_WRITINGS)
def test_scans_match_a_guangdong_rule_for_every_writing(people, api, text):
    rule = make_rule(people["staff"], "active", all=["gucci"], regions=["广东"])
    response = api(people["staff"]).post("/api/v1/scans", json={"listings": [
        listing("L1", region=text), listing("L2", region="福建")]})
    assert response.status_code == 200
    assert response.get_json()["hits"] == [{"listing_id": "L1", "rule_id": rule.id,
                                            "mode": "active"}]


def test_rule_pages_show_region_names_in_the_readers_language(app, people, as_user):
    from flask_babel import refresh

    from tests.queqiao_rules.test_pages import csrf_client
    from tests.support.factories import make_user

    rule = make_rule(people["staff"], all=["gucci"], regions=["CN-GD", "CN-440300"])
    page = csrf_client(app, people["staff"]).get(f"/queqiao/rules/{rule.id}").get_data(as_text=True)
    assert "Guangdong, Shenzhen" in page
    refresh()  # the test's app context outlives the request: forget its locale
    page = csrf_client(app, make_user("staff", locale="zh")).get(f"/queqiao/rules/{rule.id}")
    assert "广东, 深圳市" in page.get_data(as_text=True)


def test_rule_and_tip_forms_offer_the_same_region_list(people, as_user):
    rule_form = as_user(people["staff"]).get("/queqiao/rules/new").get_data(as_text=True)
    tip_form = as_user(people["member"]).get("/queqiao/tips/new").get_data(as_text=True)
    for page in (rule_form, tip_form):
        assert '<option value="CN-GD">Guangdong</option>' in page
        assert '<option value="CN-440300">Shenzhen</option>' in page
        assert '<option value="JP">Japan</option>' in page


def test_a_tip_keeps_known_regions_as_codes_and_other_origins_as_written(people, api):
    from tests.queqiao.tipkit import tip_data

    data = tip_data()
    data["indicators"]["regions"] = ["廣東", "海外仓"]
    body = api(people["member"]).post("/api/v1/tips", json=data).get_json()
    assert body["indicators"]["regions"] == ["CN-GD", "海外仓"]


def test_the_migration_maps_stored_regions_to_codes_and_back(tmp_path):
    import json

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from portal import create_app
    from portal.config import TestConfig
    from portal.extensions import db

    app = create_app(TestConfig(str(tmp_path / "instance"),
                                "sqlite:///" + str(tmp_path / "regions.sqlite3")))
    stored = {"all": ["gucci"], "any": [], "none": [], "max_price": None,
              "regions": ["广东", "深圳", "zhejiang", "海外仓"]}
    with app.app_context():
        upgrade(revision="0015_scale")
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # no user row is needed here
            for table in ("rules", "rule_versions"):
                extra = ("status, version, level, known_false_positives, notes, created_at, "
                         "updated_at, status_changed_at", "'shadow', 1, 'medium', '', '', "
                         "'2026-01-01', '2026-01-01', '2026-01-01'") if table == "rules" else (
                         "rule_id, version, created_at", "1, 1, '2026-01-01'")
                conn.execute(text(f"INSERT INTO {table} (id, name, conditions, created_by_id, "
                                  f"{extra[0]}) VALUES (1, 'r', :c, 1, {extra[1]})"),
                             {"c": json.dumps(stored)})
            conn.commit()
        upgrade()

        def regions():
            with db.engine.connect() as conn:
                return [json.loads(conn.execute(text(f"SELECT conditions FROM {t}")).scalar())
                        ["regions"] for t in ("rules", "rule_versions")]

        assert regions() == [["CN-GD", "CN-440300", "CN-ZJ", "海外仓"]] * 2
        downgrade(revision="0015_scale")
        assert regions() == [["广东", "深圳市", "浙江", "海外仓"]] * 2
        db.engine.dispose()
