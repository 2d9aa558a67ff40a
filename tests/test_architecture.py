"""The house rules, checked on the source: layers, privacy, sizes, type hints.

The layers themselves are import-linter's contract (pyproject.toml, run by ``make test``);
these tests keep the rules import-linter and ruff cannot express.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _module_path(importer: Path, node: ast.ImportFrom) -> Path | None:
    """The file or folder an ``from X import ...`` names, relative imports resolved."""
    if node.level:
        base = importer.parent
        for _ in range(node.level - 1):
            base = base.parent
        parts = (node.module or "").split(".") if node.module else []
    elif node.module and node.module.split(".")[0] == "workbench":
        base, parts = PACKAGE.parent, node.module.split(".")
    else:
        return None
    target = base.joinpath(*parts)
    return target.with_suffix(".py") if target.with_suffix(".py").exists() else target


def _home(path: Path) -> Path:
    """The package folder whose private names a module may use: its own folder."""
    return path.parent if path.suffix == ".py" else path


def _private_uses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(_tree(path)):
        if not isinstance(node, ast.ImportFrom):
            continue
        target = _module_path(path, node)
        if target is None:
            continue
        named = [target.stem] + [a.name for a in node.names]
        private = [n for n in named if n.startswith("_") and not n.startswith("__")]
        if private and not path.is_relative_to(_home(target)):
            found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} uses {private} of {target.relative_to(PACKAGE)}")
    return found


def test_no_module_uses_private_names_from_another_package_folder():
    problems = [problem for path in MODULES for problem in _private_uses(path)]
    assert problems == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_are_short_enough_to_read_at_once(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name} has {lines} lines; split it"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(_tree(path))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == []


def _public_functions(tree: ast.Module):
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            yield node.name, node
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith("_"):
                    yield f"{node.name}.{item.name}", item


def _missing_hints(function: ast.FunctionDef) -> list[str]:
    args = function.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    missing = [a.arg for a in every if a.annotation is None and a.arg not in ("self", "cls")]
    missing += [f"*{a.arg}" for a in (args.vararg, args.kwarg) if a is not None and a.annotation is None]
    if function.returns is None:
        missing.append("return")
    return missing


def test_public_functions_have_type_hints():
    public_modules = [m for m in MODULES if not any(part.startswith("_") and part != "__init__.py"
                                                    for part in m.relative_to(PACKAGE).parts)]
    problems = []
    for path in public_modules:
        for name, function in _public_functions(_tree(path)):
            is_property = any(isinstance(d, ast.Name) and d.id == "property" for d in function.decorator_list)
            if is_property and function.returns:
                continue
            missing = _missing_hints(function)
            if missing:
                problems.append(f"{path.relative_to(PACKAGE)}: {name} lacks hints for {missing}")
    assert problems == []


@pytest.mark.parametrize("type_checking", [True, False], ids=["with type-checking imports", "at run time"])
def test_no_import_circles(type_checking: bool):
    """Layers are import-linter's; this finds circles inside a layer too (a package's modules among themselves)."""
    grimp = pytest.importorskip("grimp")
    import networkx as nx

    graph = grimp.build_graph("workbench", exclude_type_checking_imports=not type_checking, cache_dir=None)
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    circles = [sorted(c) for c in nx.strongly_connected_components(edges) if len(c) > 1]
    assert circles == []
