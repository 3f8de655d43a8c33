"""The house rules of imports: no cycles anywhere in archive/, crawler/ and pipelines/, and no
module reaching into another module's `_private` names."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("archive", "crawler", "pipelines")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def imports(path: Path, known: dict[str, Path]) -> Iterator[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for every import run at any depth (those
    under `if TYPE_CHECKING:` never run)."""
    tree = ast.parse(path.read_text(), str(path))
    type_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
        for stmt in node.body
        for inner in ast.walk(stmt)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [a.name for a in node.names]
            submodules = [f"{node.module}.{n}" for n in names if f"{node.module}.{n}" in known]
            for sub in submodules:
                yield sub, [], node.lineno
            rest = [n for n in names if f"{node.module}.{n}" not in known]
            if rest or not submodules:
                yield node.module, rest, node.lineno


def graph() -> dict[str, set[str]]:
    known = modules()
    return {
        name: {
            target for target, _, _ in imports(path, known) if target in known and target != name
        }
        for name, path in known.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    found = cycles(graph())
    assert not found, (
        f"import cycles: {found}. Move what both sides need into a third module, or pass it in."
    )


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_private_names_imported_across_modules() -> None:
    known = modules()
    bad = []
    for name, path in known.items():
        for target, names, line in imports(path, known):
            if target in known and target != name:
                where = f"{path.relative_to(ROOT)}:{line}"
                bad += [f"{where} {target}.{n}" for n in names if is_private(n)]
    assert not bad, f"private names imported from other modules (make them public): {bad}"


def test_public_api_resolves() -> None:
    """Every name `archive.__all__` promises can be imported from `archive`."""
    import archive

    missing = [name for name in archive.__all__ if not hasattr(archive, name)]
    assert not missing, f"archive.__all__ names {missing} that archive/__init__.py cannot give"


def test_runtime_imports_are_declared_dependencies() -> None:
    """What archive/, crawler/ and pipelines/ import from outside the standard library is a
    runtime dependency in pyproject.toml (not only a dev one, not only there by chance)."""
    import re
    import sys
    import tomllib
    from importlib.metadata import packages_distributions, requires

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {
        re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0].lower().replace("_", "-")
        for d in project["dependencies"]
    }
    by_import = packages_distributions()
    known = modules()
    missing = set()
    for name, path in known.items():
        for target, _, _ in imports(path, known):
            top = target.split(".")[0]
            if top in PACKAGES or top in sys.stdlib_module_names or top == "__future__":
                continue
            dists = {d.lower().replace("_", "-") for d in by_import.get(top, [top])}
            if not dists & declared:
                missing.add(f"{top} (in {name})")
    assert not missing, f"imported but not declared in [project.dependencies]: {sorted(missing)}"
    assert requires("newsarchive") is not None
