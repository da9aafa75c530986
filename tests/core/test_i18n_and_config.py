"""Every message has a Chinese translation; configuration is read safely."""

import pytest

from portal import create_app
from portal.config import _database_url
from portal.i18n_tools import PACKAGES, conflicts, sources, untranslated


@pytest.mark.parametrize("catalog", sorted(PACKAGES))
def test_chinese_catalog_is_complete(catalog):
    missing = untranslated(catalog) if sources(catalog) else []
    assert missing == [], f"{len(missing)} messages without Chinese: {missing[:10]}"


def test_a_message_reads_the_same_in_every_catalog():
    """The catalogs are merged at run time, so a message translated two ways would show
    whichever catalog loads last, e.g. a payer where a date was meant."""
    assert conflicts() == {}


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_development_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "x.sqlite3"))
    first = create_app().config["SECRET_KEY"]
    assert first and (tmp_path / "secret_key").read_text() == first
    assert create_app().config["SECRET_KEY"] == first


@pytest.mark.parametrize("given,expected", [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_url_schemes_are_normalised(monkeypatch, given, expected):
    monkeypatch.setenv("DATABASE_URL", given)
    assert _database_url("/instance") == expected


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert _database_url("/instance") == "sqlite:////instance/portal.sqlite3"


def test_feature_settings_come_from_config_then_environment_then_defaults(monkeypatch):
    from portal.config import load_settings

    monkeypatch.setenv("EXAMPLE_DAYS", "9")
    monkeypatch.setenv("EXAMPLE_QUORUM", "")
    monkeypatch.setenv("EXAMPLE_NAME", "taobao")
    config = {"EXAMPLE_SET": 1}
    load_settings(config, {"EXAMPLE_SET": 5, "EXAMPLE_DAYS": 7, "EXAMPLE_QUORUM": None,
                           "EXAMPLE_NAME": "marketplace", "EXAMPLE_RATE": 0.9})
    assert config == {"EXAMPLE_SET": 1, "EXAMPLE_DAYS": 9, "EXAMPLE_QUORUM": None,
                      "EXAMPLE_NAME": "taobao", "EXAMPLE_RATE": 0.9}
    monkeypatch.setenv("EXAMPLE_DAYS", "a week")
    with pytest.raises(RuntimeError, match="EXAMPLE_DAYS='a week' is not a valid int"):
        load_settings({}, {"EXAMPLE_DAYS": 7})


def test_translated_labels_read_in_the_request_s_language_once_each(app, monkeypatch):
    from flask_babel import force_locale
    from flask_babel import lazy_gettext as _l

    from portal.i18n import Translated
    from testbuys.lifecycle import STATUS_LABELS

    calls = []
    label = _l("proposed")
    labels = {"proposed": label, "closed": STATUS_LABELS["closed"]}
    lazy = type(label)
    original = lazy.__str__
    with app.test_request_context("/"), force_locale("zh"):
        translated = Translated(labels)
        monkeypatch.setattr(lazy, "__str__", lambda self: calls.append(self) or original(self))
        assert translated["proposed"] == translated["proposed"] != "proposed"
        assert calls == [label]  # translated once, however often the page shows it
        assert dict(translated.items()) == {key: str(value) for key, value in labels.items()}
        assert translated.get("missing", "missing") == "missing" and len(translated) == 2
    with app.test_request_context("/"), force_locale("en"):
        assert Translated(labels)["proposed"] == "proposed"


def test_macros_translate_in_the_locale_in_force_even_when_a_mail_forces_another(app):
    from flask import render_template_string
    from flask_babel import force_locale

    # The pager comes from a template imported without context: it looks its catalogue up.
    page = '{% from "macros.html" import pager %}{{ _("Next") }}|{{ pager(page) }}'

    class Page:
        has_previous, has_more, number = False, True, 1

        def url(self, number):
            return f"?page={number}"

    with app.test_request_context("/"), force_locale("en"):
        english = render_template_string(page, page=Page())
        with force_locale("zh"):
            chinese = render_template_string(page, page=Page())
        again = render_template_string(page, page=Page())
    assert english == again and english != chinese
    assert english.split("|")[0] == "Next"
    # The macro speaks the page's language, not the one asked for before it.
    assert "Older" in english.split("|")[1] and "Older" not in chinese.split("|")[1]
