"""The house rules, checked on the source: one policy, no import cycles, one direction."""

import re

import pytest

from .source import ROOT, imports, module_name, modules, package_of, python_files

# Nothing here touches the database or Redis: run once, in the SQLite pass.
pytestmark = pytest.mark.backend_neutral

# Dependencies point one way: a package may import the core and the packages below it.
BELOW = {
    "portal": set(),
    "workinggroups": {"portal"},
    "testbuys": {"portal"},
    "advisory": {"portal", "workinggroups", "testbuys"},
    "queqiao": {"portal", "workinggroups", "testbuys", "advisory"},
    # the reports add up every feature's records; nothing but the composition root imports them
    "reports": {"portal", "workinggroups", "testbuys", "advisory", "queqiao"},
}
COMPOSITION_ROOT = "portal"  # create_app wires every package together

ROLE_TEST = re.compile(
    r"\.(is_staff|is_admin|is_member_side|is_board_member)\b"
    r"|\.role\s*(==|!=|\bin\b|\bnot in\b)"
    r"|\bUser\.role\b")
# Where roles may be compared: the policy, each package's access rules, and the model
# that defines the roles.
POLICY_FILES = re.compile(r"(^portal/authz\.py$|(^|/)access\.py$|^portal/accounts/models\.py$)")
CONTRACT = ("__init__.py", "access.py", "services.py", "views.py", "api.py", "forms.py",
            "lifecycle.py", "panels.py", "cli.py")


def _role_tests(paths) -> list[str]:
    found = []
    for path in paths:
        rel = path.relative_to(ROOT).as_posix()
        if POLICY_FILES.search(rel):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ROLE_TEST.search(line.split("#", 1)[0]):
                found.append(f"{rel}:{number}: {line.strip()}")
    return found


def test_no_role_decision_outside_the_policy():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    assert _role_tests([*python_files(), *templates]) == []


def test_the_role_check_finds_an_inline_decision(tmp_path):
    """The walk above is only worth something if it recognises the pattern it forbids."""
    module = ROOT / "testbuys" / "probe_for_layout_test.py"
    try:
        module.write_text("def steer(user):\n    return user.is_staff or user.is_admin\n")
        assert len(_role_tests([module])) == 1
    finally:
        module.unlink()


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> modules it imports, counting imports inside functions too.

    A package importing its own parts (register() wiring its views) is how a package is
    put together, not a dependency, so those edges are left out.
    """
    edges: dict[str, set[str]] = {}
    for i in imports():
        if not i.target.startswith(i.source + "."):
            edges.setdefault(i.source, set()).add(i.target)
    return edges


def test_no_import_cycle_between_modules():
    assert _cycles(import_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_packages_import_only_against_the_direction():
    wrong = [f"{i.source}:{i.line} imports {i.target}" for i in imports()
             if package_of(i.source) != package_of(i.target)
             and i.source != COMPOSITION_ROOT
             and package_of(i.target) not in BELOW[package_of(i.source)]]
    assert wrong == []


def test_only_the_composition_root_imports_every_package():
    importers = {i.source for i in imports() if package_of(i.source) == "portal"
                 and package_of(i.target) != "portal"}
    assert importers == {COMPOSITION_ROOT}


def test_test_purchases_never_import_queqiao():
    assert [i for i in imports() if package_of(i.source) == "testbuys"
            and package_of(i.target) == "queqiao"] == []


def test_the_engine_stays_pure():
    engine = [p for p in python_files() if module_name(p).startswith("queqiao.engine")]
    for path in engine:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(flask|sqlalchemy|portal)\b", text, re.M), path


@pytest.mark.parametrize("package", ["workinggroups", "advisory", "queqiao", "testbuys", "reports"])
def test_feature_packages_register_and_declare_settings_in_init(package):
    init = (ROOT / package / "__init__.py").read_text(encoding="utf-8")
    assert "def register(app" in init


def test_feature_modules_use_the_contract_names():
    """Access rules in access.py, home panels in panels.py, commands in cli.py: never under
    another name, so the same job is found in the same file of every package."""
    legacy = {"policy.py", "rules.py", "home.py", "settings.py", "api_docs.py", "permissions.py"}
    misnamed = [module_name(p) for p in python_files()
                if p.name in legacy and not module_name(p).startswith("queqiao.engine")]
    assert misnamed == []


def test_every_feature_package_exists_at_the_top():
    assert {"portal", "workinggroups", "advisory", "queqiao", "testbuys"} <= {
        m.split(".")[0] for m in modules()}
    for folder in ("templates", "tests"):
        for package in ("workinggroups", "advisory", "testbuys"):
            assert (ROOT / folder / package).is_dir(), f"{folder}/{package}"


def test_views_and_apis_leave_the_transaction_to_services():
    offenders = []
    for path in python_files():
        if path.name not in ("views.py", "api.py"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"db\.session\.(commit|rollback)\(", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
