"""No user-facing text escapes the catalogs: every word a template shows (text, and the
title, placeholder, aria-label and alt a reader or screen reader meets) goes through a
translation call, and no message Python hands to a person (a flash, an error, a field's
label or validator message) is a bare literal. Code, sample requests and names in their
own language (`lang`, `translate="no"`) are not prose; a few format and unit names read
the same in Chinese."""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

# Nothing here touches the database or Redis: run once, in the SQLite pass.
pytestmark = pytest.mark.backend_neutral

ROOT = Path(__file__).resolve().parents[2]
# Read the same in both languages: file formats, units, a hash's name.
SAME_IN_EVERY_LANGUAGE = {"CSV", "XLSX", "JSON", "PDF", "KB", "MB", "SHA"}
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
NOT_PROSE = {"script", "style", "code", "pre", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
TRANSLATED_BLOCK = re.compile(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", re.S)
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)


class _ShownText(HTMLParser):
    """The text and shown attributes of a template whose Jinja parts are blanked out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._open: list[tuple[str, bool]] = []  # (tag, whether its content is not prose)

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self._open)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if not self._skipping() and values.get("lang") != "en" and values.get("translate") != "no":
            self.found += [(self.getpos()[0], v) for k, v in attrs if k in SHOWN_ATTRIBUTES and v]
        if tag not in VOID:
            skip = (tag in NOT_PROSE or values.get("translate") == "no"
                    or values.get("lang") not in (None, "zh"))
            self._open.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._open.pop()

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data):
        if not self._skipping():
            leading = data[:len(data) - len(data.lstrip())]
            self.found.append((self.getpos()[0] + leading.count("\n"), data))


def _blank(match: re.Match) -> str:
    return " " + "\n" * match.group(0).count("\n")


def untranslated_in_template(source: str) -> list[tuple[int, str]]:
    """(line, text) of each piece of shown text holding a word no translation call wraps."""
    parser = _ShownText()
    parser.feed(JINJA.sub(_blank, TRANSLATED_BLOCK.sub(_blank, source)))
    parser.close()
    return [(line, text.strip()) for line, text in parser.found
            if set(re.findall(r"[A-Za-z]{2,}", text)) - SAME_IN_EVERY_LANGUAGE]


def _templates() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/templates/**/*.html")
                  if not {".venv", "node_modules"} & set(p.parts))


def test_the_checker_finds_bare_words_and_lets_translated_ones_pass():
    """The check itself: it must see what it is there to see."""
    found = untranslated_in_template(
        '<nav aria-label="breadcrumb"><a title="{{ _(\'Home\') }}">Back</a></nav>'
        "{% trans %}Shared with {{ n }} brands{% endtrans %}<code>GET /api/v1</code>"
        '<span lang="en">English</span> CSV · {{ _("Saved") }}<p>\n  Draft</p>')
    assert found == [(1, "breadcrumb"), (1, "Back"), (2, "Draft")]


def test_no_template_shows_a_word_outside_the_catalogs():
    bare = [f"{path.relative_to(ROOT)}:{line}: {text[:80]!r}"
            for path in _templates() for line, text in untranslated_in_template(path.read_text())]
    assert len(_templates()) > 60
    assert bare == []


# Calls whose text a person reads: flash messages, the portal's errors, form fields and
# WTForms validators (first argument, or their `label` / `message` / `description`).
SHOWN_BY = {"flash", "Conflict", "InvalidInput", "Forbidden", "NotFound", "DomainError",
            "ValidationError", "DataRequired", "InputRequired", "Length", "NumberRange",
            "Email", "URL", "Regexp", "AnyOf", "NoneOf"}
SHOWN_KEYWORDS = ("label", "message", "description")
TRANSLATING = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext"}


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _literal_text(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(
        re.search(r"[A-Za-z]{2,}", node.value))


def bare_messages(source: str) -> list[tuple[int, str]]:
    """(line, code) of each literal message a person would read."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _called(node)
            shown = name in SHOWN_BY or name.endswith("Field")
            arguments = ([*node.args[:1]] if shown and name != "EqualTo" else []) + [
                k.value for k in node.keywords if shown and k.arg in SHOWN_KEYWORDS]
            found += [(node.lineno, ast.unparse(a)) for a in arguments if _literal_text(a)]
            # A message built before it is looked up is never found in a catalog.
            if name in TRANSLATING and node.args and isinstance(node.args[0], ast.JoinedStr):
                found.append((node.lineno, ast.unparse(node)))
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], ast.Subscript)
              and getattr(node.targets[0].value, "id", "") in ("errors", "fields")
              and _literal_text(node.value)):
            found.append((node.lineno, ast.unparse(node)))
    return sorted(found)


def test_the_python_checker_finds_bare_messages():
    found = bare_messages('flash("Saved.")\nflash(_("Saved."))\nerrors["title"] = "Required"\n'
                          'title = StringField("Title", validators=[Length(max=5, message=_l("x"))])\n'
                          'errors["code"] = _("Wrong")\nraise Conflict(f"Rule {n} moved")\n'
                          'note = _(f"Rule {n}")\n')
    assert [line for line, _code in found] == [1, 3, 4, 6, 7]


def test_no_python_module_hands_a_person_a_bare_literal():
    sources = sorted(p for p in ROOT.glob("*/**/*.py")
                     if p.parts[len(ROOT.parts)] not in ("tests", "bench", "migrations", ".venv",
                                                         "docs", "deploy"))
    bare = [f"{path.relative_to(ROOT)}:{line}: {code[:90]}"
            for path in sources for line, code in bare_messages(path.read_text())]
    assert len(sources) > 100
    assert bare == []
