"""The wheel's build step: compile every package's Chinese catalog (.po -> .mo) and carry
templates/, static/ and migrations/ inside the portal package (portal/_bundle), so an
installed portal is whole (see the README's production part)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
CATALOGS = ("portal/translations", "workinggroups/translations", "advisory/translations",
            "queqiao/translations", "queqiao/rules/translations", "testbuys/translations")
BUNDLED = ("templates", "static", "migrations")


class BuildWhole(build_py):
    """build_py, plus the compiled catalogs and the bundled folders."""

    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads them from the checkout
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        target = Path(self.build_lib)
        for catalog in CATALOGS:
            for po in sorted((HERE / catalog).glob("*/LC_MESSAGES/messages.po")):
                mo = target / po.relative_to(HERE).with_suffix(".mo")
                mo.parent.mkdir(parents=True, exist_ok=True)
                with po.open("rb") as source:
                    messages = read_po(source)
                with mo.open("wb") as out:
                    write_mo(out, messages)
        bundle = target / "portal" / "_bundle"
        for folder in BUNDLED:
            shutil.rmtree(bundle / folder, ignore_errors=True)
            shutil.copytree(HERE / folder, bundle / folder,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWhole})
