"""Keep every package's Chinese catalog in step with its code and templates.

`python -m portal.i18n_tools update` extracts each package's messages (its Python
code and its template folders) and merges them into its catalog; `check` lists
messages that have no Chinese translation yet.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYBABEL = str(Path(sys.executable).parent / "pybabel")
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext", "-k", "ngettext:1,2", "-k", "lazy_ngettext:1,2"]

# catalog folder -> sources (code and templates) whose messages it holds
PACKAGES = {
    "portal/translations": ["portal/*.py", "portal/accounts", "portal/api", "portal/audit",
                            "portal/auth", "portal/dashboard", "portal/notifications",
                            "portal/jobs", "portal/webhooks",
                            "templates/base.html", "templates/macros.html", "templates/errors",
                            "templates/auth", "templates/accounts", "templates/audit",
                            "templates/notifications", "templates/dashboard", "templates/api",
                            "templates/jobs", "templates/webhooks"],
    "workinggroups/translations": ["workinggroups/__init__.py", "workinggroups/*.py",
                                   "workinggroups/meetings", "workinggroups/room",
                                   "workinggroups/discussions", "workinggroups/documents",
                                   "workinggroups/membership", "templates/workinggroups"],
    "advisory/translations": ["advisory", "templates/advisory"],
    "queqiao/translations": ["queqiao/__init__.py", "queqiao/*.py", "queqiao/tips",
                             "templates/queqiao"],
    "queqiao/rules/translations": ["queqiao/rules", "queqiao/scanning", "queqiao/listings",
                                   "templates/queqiao_rules"],
    "testbuys/translations": ["testbuys", "templates/testbuys"],
    "reports/translations": ["reports", "templates/reports"],
}


def sources(catalog: str) -> list[str]:
    """Existing source paths of a catalog (globs expanded)."""
    found: list[str] = []
    for pattern in PACKAGES[catalog]:
        found.extend(str(p.relative_to(ROOT)) for p in sorted(ROOT.glob(pattern)))
    return [s for s in found if "translations" not in s]


def extract(catalog: str, pot: Path) -> None:
    """Extract the catalog's messages into a .pot file."""
    subprocess.run([PYBABEL, "-q", "extract",
                    "-F", "babel.cfg", *KEYWORDS, "--no-location", "--sort-output",
                    "-o", str(pot), *sources(catalog)], cwd=ROOT, check=True)


def update() -> None:
    """Extract and merge every package's catalog (creating it if new)."""
    for catalog in PACKAGES:
        if not sources(catalog):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            pot = Path(tmp) / "messages.pot"
            extract(catalog, pot)
            po = ROOT / catalog / "zh" / "LC_MESSAGES" / "messages.po"
            verb = "update" if po.exists() else "init"
            subprocess.run([PYBABEL, "-q", verb,
                            "-i", str(pot), "-d", str(ROOT / catalog), "-l", "zh",
                            *(["--no-fuzzy-matching"] if verb == "update" else [])],
                           cwd=ROOT, check=True)
            print(f"{catalog}: {'updated' if verb == 'update' else 'created'}")


def translations(catalog: str) -> dict[str, str]:
    """The catalog's Chinese translations: msgid -> msgstr (first form of plurals)."""
    from babel.messages.pofile import read_po

    po = ROOT / catalog / "zh" / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return {}
    with po.open("rb") as f:
        catalog_po = read_po(f)

    def first(value):
        return value if isinstance(value, str) else value[0]

    return {first(m.id): first(m.string) for m in catalog_po if m.id and first(m.string)}


def conflicts() -> dict[str, dict[str, str]]:
    """Messages that two catalogs translate differently.

    Flask-Babel merges every catalog into one, so the same English text can have only
    one Chinese rendering; a text that means two things needs two distinct messages.
    """
    seen: dict[str, dict[str, str]] = {}
    for catalog in PACKAGES:
        for msgid, msgstr in translations(catalog).items():
            seen.setdefault(msgid, {})[catalog] = msgstr
    return {msgid: by for msgid, by in seen.items() if len(set(by.values())) > 1}


def untranslated(catalog: str) -> list[str]:
    """Messages of the catalog's sources with no (or a fuzzy) Chinese translation."""
    from babel.messages.pofile import read_po

    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        extract(catalog, pot)
        with pot.open("rb") as f:
            template = read_po(f)
    po = ROOT / catalog / "zh" / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return [m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id]
    with po.open("rb") as f:
        translated = read_po(f)
    missing = []
    for message in template:
        if not message.id:
            continue
        have = translated.get(message.id)
        strings = have.string if have else None
        ok = have is not None and not have.fuzzy and (
            all(strings) if isinstance(strings, (list, tuple)) else bool(strings))
        if not ok:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str]) -> int:
    """update | check"""
    if argv[:1] == ["update"]:
        update()
        return 0
    if argv[:1] == ["check"]:
        bad = 0
        for catalog in PACKAGES:
            if sources(catalog):
                for msgid in untranslated(catalog):
                    print(f"{catalog}: {msgid!r}")
                    bad += 1
        return 1 if bad else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
