"""The portal at a glance, in Debian's chromium, on the demo alliance: every page of the
navigation and every kind of object page, for each role, in English and Chinese, at two
laptop sizes and a phone, has no sideways overflow, no English left in the Chinese pages
and no serious or critical accessibility violation (axe-core).

One browser and one signed-in context per role; each test is one page in one language and
checks the three sizes, so a failure names the language, the role, the page and the size.
"""

import os
import re
from functools import cache
from pathlib import Path

import pytest
import requests
from babel.messages.pofile import read_po

from portal import create_app
from portal.config import TestConfig
from portal.demo import DEMO_PASSWORD
from portal.extensions import db
from portal.i18n_tools import PACKAGES
from tests.support.live import browser_login

# How the demo's pages look does not depend on the database holding its rows (the flows
# that write through pages run on both): run once, in the SQLite pass.
pytestmark = [pytest.mark.browser, pytest.mark.backend_neutral]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "support" / "vendor" / "axe.min.js"
SIZES = [(1280, 800), (1366, 768), (390, 844)]
LANGUAGES = ["en", "zh"]
ACCOUNTS = {
    "member": "member@maison.example",
    "chair": "chair.luxury-goods@maison.example",
    "staff": "staff@platform.example",
    "admin": "admin@alliance.example",
}
EVERYONE = ("member", "chair", "staff", "admin")
# page name -> the roles that see it; the paths are the demo's (see `demo_paths`).
PAGES = {
    "home": EVERYONE, "groups": EVERYONE, "group": EVERYONE, "meetings": EVERYONE,
    "meeting": EVERYONE, "threads": EVERYONE, "thread": EVERYONE, "documents": EVERYONE,
    "room": EVERYONE, "roster": ("chair", "admin"), "notifications": EVERYONE,
    "profile": EVERYONE, "api-docs": EVERYONE,
    "tips": EVERYONE, "tip": ("member", "chair", "staff"),
    "track-record": ("member", "chair", "staff"), "vetting": ("staff",),
    "rules": ("staff",), "rule": ("staff",), "hits": ("staff",), "feeds": ("staff",),
    "test-purchases": EVERYONE, "test-purchase": EVERYONE, "ledger": EVERYONE,
    "calendar": EVERYONE, "test-purchase-reports": EVERYONE,
    "recommendations": EVERYONE, "recommendation": EVERYONE, "figures": EVERYONE,
    "reports": EVERYONE, "annual-reports": EVERYONE, "annual-report": EVERYONE,
    "brand-report": EVERYONE, "jobs": ("staff",),
    "organisations": ("admin",), "people": ("admin",), "chairs": ("admin",),
    "audit": ("admin",), "webhooks": ("member", "chair", "staff"),
    "tip-import": ("member", "chair"),
}
PHONE_AXE = {"home", "group", "thread", "room", "test-purchase", "recommendation", "reports",
             "tip", "brand-report"}
CASES = [(lang, role, name) for lang in LANGUAGES for role in ACCOUNTS
         for name, roles in PAGES.items() if role in roles]
GROUP = "luxury-goods"

# Text of the page, in the order of the document: text nodes and the attributes people
# hear or see (labels, tooltips, placeholders, button values). Left out: script and style;
# data as people entered it (translate="no", e.g. an organisation's country); and text the
# server generated in English and stored (data-stored-text): notification titles and
# audit-log summaries are kept as sentences written when the event happened.
PAGE_TEXT = """() => {
  // [lang=en]: text marked as English on purpose, as the API reference, whose summaries
  // come from the OpenAPI document, the integration contract, which is English.
  const skip = "script, style, template, noscript, [translate=no], [data-stored-text], [lang=en]";
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest(skip)) continue;
    const t = n.textContent.replace(/\\s+/g, " ").trim();
    if (t) out.push(t);
  }
  for (const el of document.body.querySelectorAll(
      "[aria-label], [title], [placeholder], [alt], input[type=submit], input[type=button]")) {
    if (el.closest(skip)) continue;
    for (const a of ["aria-label", "title", "placeholder", "alt"]) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push(v.replace(/\\s+/g, " ").trim());
    }
    if (el.matches("input[type=submit], input[type=button]") && el.value) out.push(el.value);
  }
  out.push(document.title);
  return out;
}"""

# Sideways overflow: the page itself, and scroll boxes that hide columns without a hint.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const problems = [];
  const page = document.scrollingElement.scrollWidth;
  if (page > width) {
    const wide = [];
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && r.width > 0 && !el.closest(".table-responsive")) {
        const parent = el.parentElement;
        if (parent && parent.getBoundingClientRect().right > width + 1) continue;
        wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                  (el.className && typeof el.className === "string"
                    ? "." + el.className.trim().split(/\\s+/).join(".") : ""));
      }
      if (wide.length >= 5) break;
    }
    problems.push(`page is ${page}px wide in a ${width}px window: ${wide.join(", ")}`);
  }
  for (const box of document.querySelectorAll(".table-responsive")) {
    if (box.scrollWidth > box.clientWidth + 1 && box.offsetParent !== null) {
      const hint = box.nextElementSibling;
      if (!hint || !hint.matches(".scroll-hint") || hint.offsetParent === null) {
        problems.push("a table scrolls sideways without a visible scroll hint");
      }
    }
  }
  for (const table of document.querySelectorAll("main table")) {
    if (!table.closest(".table-responsive") && table.offsetParent !== null &&
        table.getBoundingClientRect().right > width + 1) {
      problems.push("a table is cut off (not in a .table-responsive box)");
    }
  }
  return problems;
}"""

SETTLED = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(
  () => setTimeout(done, 20))))"""

# A vendored widget (the API docs' Swagger UI) is checked by its makers, not here: its own
# markup nests controls in its operation summaries. The page around it, and the plain list
# of operations it keeps for readers without scripts, are checked like every page.
AXE_RUN = """async () => {
  const result = await axe.run({include: [document], exclude: [["[data-vendored]"]]},
                               {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.impact} ${v.id}: ${v.help} -- ` +
              v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""


PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


@cache
def english_msgids() -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """The English source strings of the catalogs that have a different Chinese text:
    exact strings, and patterns for those with placeholders."""
    exact, patterns = set(), []
    for catalog in sorted(PACKAGES):
        path = ROOT / catalog / "zh" / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
                text = " ".join(msgid.split())
                translated = message.string if isinstance(message.string, str) else ""
                # A word of two letters at least: "PDF", "CSV", "API" stay as they are.
                if text == " ".join(translated.split()) or not re.search(r"[A-Za-z]{2}", text):
                    continue
                if PLACEHOLDER.search(text):
                    parts = [re.escape(p) for p in PLACEHOLDER.split(text)]
                    literal = "".join(PLACEHOLDER.split(text))
                    if len(re.findall(r"[A-Za-z]{2,}", literal)) >= 2:
                        patterns.append(re.compile("^" + "(.+?)".join(parts) + "$"))
                elif re.search(r"[A-Za-z]{3}", text):
                    exact.add(text)
    return frozenset(exact), tuple(patterns)


def untranslated(texts: list[str]) -> list[str]:
    """The texts that are an English msgid of the catalogs."""
    exact, patterns = english_msgids()
    found = [t for t in texts if t in exact or any(p.match(t) for p in patterns)]
    return list(dict.fromkeys(found))


@pytest.fixture(scope="module")
def demo_paths(_schema, tmp_path_factory) -> dict[str, str]:
    """Load the demo alliance into the live server's database; the path of each page."""
    from portal.accounts.groups import group_by_slug
    from portal.accounts.services import organisation_by_name
    from portal.demo import seed
    from tests.conftest import _wipe

    app = create_app(TestConfig(str(tmp_path_factory.mktemp("looks")), _schema))
    with app.app_context():
        _wipe()
        seed()
        paths = _paths(group_by_slug(GROUP), organisation_by_name("Maison Lumière"))
        db.session.remove()
    yield paths
    with app.app_context():
        _wipe()
        db.session.remove()
        db.engine.dispose()


def _paths(group, maison) -> dict[str, str]:
    from advisory.models import Recommendation
    from queqiao.rules.models import Rule
    from queqiao.tips.models import Tip
    from testbuys.models import TestPurchase
    from workinggroups.discussions.models import Thread
    from workinggroups.meetings.models import Meeting

    g = f"/groups/{GROUP}"
    meeting = Meeting.query.filter_by(group_id=group.id).first()
    thread = Thread.query.filter_by(group_id=group.id).first()
    tip = Tip.query.filter_by(organisation_id=maison.id).first()
    purchase = TestPurchase.query.filter_by(proposer_org_id=maison.id).first()
    recommendation = Recommendation.query.filter_by(working_group_id=group.id).first()
    rule = Rule.query.first()
    from portal.models import utcnow

    return {
        "home": "/home", "groups": "/groups", "group": g, "meetings": f"{g}/meetings",
        "meeting": f"{g}/meetings/{meeting.id}", "threads": f"{g}/threads",
        "thread": f"{g}/threads/{thread.id}", "documents": f"{g}/documents",
        "room": f"{g}/room", "roster": f"{g}/roster", "notifications": "/notifications",
        "profile": "/profile", "api-docs": "/api/v1/docs",
        "tips": "/queqiao/tips", "tip": f"/queqiao/tips/{tip.id}",
        "track-record": "/queqiao/track-record", "vetting": "/queqiao/vetting",
        "rules": "/queqiao/rules", "rule": f"/queqiao/rules/{rule.id}", "hits": "/queqiao/hits",
        "feeds": "/queqiao/feeds", "test-purchases": "/test-purchases",
        "test-purchase": f"/test-purchases/{purchase.id}", "ledger": "/test-purchases/ledger",
        "calendar": "/test-purchases/calendar", "test-purchase-reports": "/test-purchases/reports",
        "recommendations": "/recommendations",
        "recommendation": f"/recommendations/{recommendation.id}",
        "figures": "/recommendations/figures", "reports": "/reports",
        "annual-reports": "/reports/annual", "annual-report": f"/reports/annual/{utcnow().year}",
        "brand-report": f"/reports/brand/{maison.id}", "jobs": "/jobs/",
        "organisations": "/admin/organisations", "people": "/admin/users",
        "chairs": "/admin/chairs", "audit": "/admin/audit", "webhooks": "/webhooks/",
        "tip-import": "/queqiao/tips/import",
    }


class SignedIn:
    """One role's browser context and page, and the language its account is in."""

    def __init__(self, browser, base_url: str, email: str):
        self.context = browser.new_context(base_url=base_url, locale="en-GB")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        browser_login(self.page, email, DEMO_PASSWORD)
        self.language = "zh" if self.page.get_attribute("html", "lang") == "zh-CN" else "en"

    def speak(self, language: str) -> None:
        """Switch the account's language through the navigation's buttons."""
        if language != self.language:
            self.page.set_viewport_size({"width": 1280, "height": 800})
            self.page.click(f"#lang-{language}")
            self.page.wait_for_selector(f"html[lang={'zh-CN' if language == 'zh' else 'en'}]")
            self.language = language


@pytest.fixture(scope="module")
def signed_in(browser, live_server, demo_paths):
    """A signed-in context per role, made when first needed and kept for the module."""
    contexts: dict[str, SignedIn] = {}

    def get(role: str) -> SignedIn:
        if role not in contexts:
            contexts[role] = SignedIn(browser, live_server.url, ACCOUNTS[role])
        return contexts[role]

    yield get
    for c in contexts.values():
        c.context.close()


# PORTAL_LOOKS_SHOTS=<folder> keeps a screenshot of every page at every size, to look at.
SHOTS = os.environ.get("PORTAL_LOOKS_SHOTS")


def check_page(page, language: str, phone_axe: bool, shot: str = "") -> list[str]:
    """What is wrong with the page as it is now, at each size. Axe runs on the laptop
    layout of every page; the phone's layout differs in the shared navigation and in the
    layout of the content, so it runs there on the pages that `PHONE_AXE` names."""
    problems = []
    if language == "zh":
        problems += [f"untranslated: {t!r}" for t in untranslated(page.evaluate(PAGE_TEXT))]
    page.evaluate(AXE.read_text())
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        # Charts and scroll boxes follow the window's size in the next frames.
        page.evaluate(SETTLED)
        size = f"{width}x{height}"
        problems += [f"{size}: {p}" for p in page.evaluate(OVERFLOW)]
        if SHOTS:
            page.screenshot(path=str(Path(SHOTS) / f"{shot}-{size}.png"))
        if width == 1280 or (width == 390 and phone_axe):
            problems += [f"{size}: {v}" for v in page.evaluate(AXE_RUN)]
    return problems


@pytest.mark.parametrize("language,role,name", CASES,
                         ids=[f"{lang}-{role}-{name}" for lang, role, name in CASES])
def test_page_fits_speaks_the_language_and_passes_axe(signed_in, demo_paths, language, role,
                                                      name):
    session = signed_in(role)
    session.speak(language)
    page = session.page
    response = page.goto(demo_paths[name])
    assert response.status == 200, f"{demo_paths[name]} answered {response.status}"
    assert page.get_attribute("html", "lang") == ("zh-CN" if language == "zh" else "en")
    problems = check_page(page, language, name in PHONE_AXE, f"{language}-{role}-{name}")
    assert problems == [], f"{language} {role} {demo_paths[name]}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_the_matrix_covers_every_page_of_the_navigation(signed_in, demo_paths, role):
    page = signed_in(role).page
    page.goto("/home")
    links = page.eval_on_selector_all(
        "nav a[href^='/']", "els => els.map(a => new URL(a.href).pathname)")
    covered = {demo_paths[name] for name, roles in PAGES.items() if role in roles}
    assert set(links) - {"/home", "/"} <= covered


def test_every_page_has_a_skip_link_a_favicon_and_a_bell_that_tells_the_count(
        signed_in, live_server, demo_paths):
    session = signed_in("member")
    session.speak("en")
    page = session.page
    page.goto("/home")
    count = int(page.inner_text("#bell-count") or 0)
    assert count > 0  # the demo leaves its members unread notifications
    assert page.get_by_role("link", name=f"Notifications {count} unread", exact=True).count() == 1
    skip = page.locator("a.skip-link").first
    assert skip.get_attribute("href") == "#main"
    assert page.locator("main#main").count() == 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert skip.is_visible()
    icon = page.get_attribute("link[rel=icon]", "href")
    r = requests.get(live_server.url + icon, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("image/svg+xml")


def test_the_room_chat_log_is_a_labelled_log_the_keyboard_can_scroll(signed_in, demo_paths):
    page = signed_in("chair").page
    page.goto(demo_paths["room"])
    log = page.locator("[role=log]")
    assert log.count() == 1
    assert log.get_attribute("tabindex") == "0"
    assert log.get_attribute("aria-label") or log.get_attribute("aria-labelledby")
    assert page.locator("main h1").count() == 1


def test_progress_bars_have_an_accessible_name(signed_in, demo_paths):
    page = signed_in("chair").page
    names = []
    for name in ("recommendations", "recommendation", "figures", "home", "group"):
        page.goto(demo_paths[name])
        names += page.eval_on_selector_all(
            "[role=progressbar]",
            "els => els.map(e => e.getAttribute('aria-label') || e.getAttribute('aria-labelledby'))")
    assert names and all(names)


NAV_FITS = """() => {
  const bar = document.querySelector("nav.navbar");
  const en = document.getElementById("lang-en").getBoundingClientRect();
  const zh = document.getElementById("lang-zh").getBoundingClientRect();
  return {page: document.scrollingElement.scrollWidth, window: innerWidth,
          bar: bar.getBoundingClientRect().height, zhWraps: zh.height > en.height + 1,
          bellRight: document.getElementById("bell").getBoundingClientRect().right};
}"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["staff", "admin", "member"])
def test_the_bar_keeps_one_line_at_every_laptop_width(signed_in, role, language):
    session = signed_in(role)
    session.speak(language)
    page = session.page
    page.goto("/home")
    for width in (1200, 1280, 1366, 1440, 1536, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        page.evaluate(SETTLED)
        fit = page.evaluate(NAV_FITS)
        assert fit["page"] <= width, f"{width}: page is {fit['page']} px wide"
        assert fit["bar"] < 70, f"{width}: the bar is {fit['bar']} px high (wrapped)"
        assert fit["bellRight"] <= width, f"{width}: the bell is off the bar"
        assert not fit["zhWraps"], f"{width}: 中文 wraps"
    # Under the breakpoint the bar collapses behind the menu button.
    page.set_viewport_size({"width": 1199, "height": 900})
    page.evaluate(SETTLED)
    assert page.locator(".navbar-toggler").is_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1199
