"""The portal's own source as data: modules, their imports, and the lines of each file."""

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "workinggroups", "advisory", "queqiao", "testbuys", "reports")


@dataclass(frozen=True)
class Import:
    """One import statement: who imports what, and where."""

    source: str
    target: str
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    """portal/accounts/models.py -> portal.accounts.models; a package is its __init__."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def python_files() -> tuple[Path, ...]:
    """Every module of the feature packages and the core."""
    return tuple(sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")))


@cache
def modules() -> frozenset[str]:
    """The names of every module and package."""
    return frozenset(module_name(p) for p in python_files())


def _resolve(source: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a `from ... import` names."""
    if not node.level:
        return node.module or ""
    base = source.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _owning_module(name: str) -> str | None:
    """The longest prefix of a dotted name that is one of our modules."""
    while name:
        if name in modules():
            return name
        name = name.rpartition(".")[0]
    return None


def _function_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


@cache
def imports() -> tuple[Import, ...]:
    """Every import between our own modules, at module level or inside a function."""
    found = []
    for path in python_files():
        source = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_function = _function_lines(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(source, path.name == "__init__.py", node)
                names = [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                target = _owning_module(name)
                if target and target != source:
                    found.append(Import(source, target, node.lineno, node.lineno in in_function))
    return tuple(found)


def package_of(module: str) -> str:
    """The top-level package a module belongs to."""
    return module.split(".")[0]
