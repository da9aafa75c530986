"""The kept-options select renders what WTForms' own select renders, in every language."""

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectField
from wtforms.widgets import Select

from portal import forms
from portal.extensions import db
from portal.forms import KeptOptionsSelect

# Neither the database nor Redis is involved: run once, in the SQLite pass.
pytestmark = pytest.mark.backend_neutral

ZONES = [("UTC", "UTC"), ("Asia/Shanghai", "Asia/Shanghai"), ("Europe/Paris", "Europe/Paris"),
         ("America/Sao_Paulo", "America/Sao Paulo"), ("x<&\"y", "A <b>zone</b> & \"quotes\"")]


def _pair(choices, coerce=str, **field):
    class Stock(Form):
        value = SelectField(choices=choices, coerce=coerce, validate_choice=False, **field)

    class Kept(Form):
        value = SelectField(choices=choices, coerce=coerce, validate_choice=False,
                            widget=KeptOptionsSelect(), **field)

    return Stock, Kept


@pytest.mark.parametrize("data", ["UTC", "Europe/Paris", "x<&\"y", "Nowhere/Else", None, ""])
def test_it_renders_what_the_stock_select_renders(app, data):
    Stock, Kept = _pair(ZONES)
    with app.test_request_context():
        for _ in range(2):  # the second time from the kept options
            assert Kept(data={"value": data}).value() == Stock(data={"value": data}).value()
        assert (Kept(data={"value": data}).value(class_="form-select", required=True)
                == Stock(data={"value": data}).value(class_="form-select", required=True))


def test_the_selected_option_is_marked_once_and_never_kept(app):
    _Stock, Kept = _pair(ZONES)
    with app.test_request_context():
        paris = str(Kept(data={"value": "Europe/Paris"}).value())
        utc = str(Kept(data={"value": "UTC"}).value())
    assert paris.count("selected") == 1 and '<option selected value="Europe/Paris">' in paris
    assert utc.count("selected") == 1 and '<option selected value="UTC">' in utc


def test_whole_number_values_are_coerced_as_the_stock_select_does(app):
    companies = [(str(number), f"Company {number}") for number in range(1, 40)]
    Stock, Kept = _pair(companies, coerce=int)
    with app.test_request_context():
        for data in (7, 39, 0, None):
            assert Kept(data={"value": data}).value() == Stock(data={"value": data}).value()
        assert '<option selected value="7">' in str(Kept(data={"value": 7}).value())


def test_translated_labels_are_kept_per_language(app):
    Stock, Kept = _pair([("member", _l("Member")), ("chair", _l("Chair"))])
    with app.test_request_context():
        for locale in ("en", "zh", "en"):
            with force_locale(locale):
                kept, stock = Kept(data={"value": "chair"}).value(), Stock(data={"value": "chair"}).value()
                assert kept == stock
        with force_locale("zh"):
            assert "主席" in str(Kept(data={"value": "chair"}).value())


def test_choices_it_does_not_keep_are_rendered_by_wtforms(app, monkeypatch):
    # Groups, and choices with render_kw, go the stock way, and nothing is kept for them.
    kept = []
    monkeypatch.setattr(forms, "_kept_options", lambda *a: kept.append(a))
    with app.test_request_context():
        for choices in ({"Asia": [("Asia/Shanghai", "Shanghai")]},
                        [("UTC", "UTC", {"disabled": True})]):
            Stock, Kept = _pair(choices)
            assert Kept(data={"value": "UTC"}).value() == Stock(data={"value": "UTC"}).value()
    assert kept == []


def test_a_second_rendering_renders_only_the_selected_option(app, monkeypatch):
    zones = [(f"Zone/{number}", f"Zone {number}") for number in range(500)]
    _Stock, Kept = _pair(zones)
    rendered = []
    stock = Select.render_option.__func__

    def counting(cls, value, label, selected, **kwargs):
        rendered.append(value)
        return stock(cls, value, label, selected, **kwargs)

    monkeypatch.setattr(Select, "render_option", classmethod(counting))
    forms._kept_options.cache_clear()
    with app.test_request_context():
        Kept(data={"value": "Zone/3"}).value()
        assert len(rendered) == 501  # all of them once, and the selected one again
        rendered.clear()
        html = str(Kept(data={"value": "Zone/7"}).value())
    assert rendered == ["Zone/7"]
    assert html.count("<option") == 500 and '<option selected value="Zone/7">' in html


def test_the_profile_page_shows_the_persons_zone_chosen(as_user, make):
    person = make.make_user("member")
    person.timezone = "Asia/Shanghai"
    db.session.commit()
    client = as_user(person)
    for _ in range(2):
        page = client.get("/profile").get_data(as_text=True)
        assert '<option selected value="Asia/Shanghai">' in page
        assert '<option selected value="UTC">' not in page
