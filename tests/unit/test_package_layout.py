"""The package's shape: no import cycles, imports down the README's flow table only, and few
modules at the top of the package and of legacy/.

Imports are read from the source (``ast``), never executed: this needs neither TensorFlow nor data.
Every import counts, also the ones inside functions: a cycle through a deferred import is still one
module needing the other back. ``from package import submodule`` counts as an import of the
submodule alone (a package's ``__init__`` that re-exports its children is not a cycle).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "tf1_tutorials"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imported(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    """The package's modules that ``path`` (module ``name``) imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            submodules = {f"{base}.{alias.name}" for alias in node.names} & known.keys()
            found.update(submodules)
            if len(submodules) < len(node.names):  # names defined in base itself
                found.add(base)
    return {m for m in found if m in known and m != name}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(path, name, known) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_package_has_no_import_cycle():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_package_init_imports_resolve_to_their_submodules():
    graph = import_graph()
    assert "tf1_tutorials.legacy.shims.tensorflow.api" in graph["tf1_tutorials.legacy.bootstrap"]


def files_at_top(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix == ".py")


def test_the_top_of_the_package_holds_a_handful_of_modules():
    assert len(files_at_top(PACKAGE)) <= 8, files_at_top(PACKAGE)


def test_the_top_of_legacy_holds_at_most_ten_files():
    top = [p.name for p in (PACKAGE / "legacy").iterdir() if p.is_file()]
    assert len(top) <= 10, sorted(top)


def test_no_two_modules_share_a_name_across_the_layers():
    names = [p.stem for p in PACKAGE.glob("*/*.py") if p.stem != "__init__"]
    assert "runner" not in [n for n in names if names.count(n) > 1]


# The README's flow table, top to bottom: a module imports only from its own row or the rows below.
LAYERS = (
    ("cli", "commands"),
    ("evidence",),
    ("cluster",),
    ("legacy",),
    ("training",),
    ("variants",),
    ("data",),
    ("tf", "errors", "terminal", "broken_environment", "reference_runtime", "children"),
)
# Arrows up, each for a reason the README gives: the Keras comparison variants and graph basics
# train themselves (Model.fit, a Session of their own), so they report through training's recorder
# and result record as the Session loop does.
UPWARD_ALLOWED = {
    ("tf1_tutorials.variants.graph_basics", "tf1_tutorials.training.results"),
    ("tf1_tutorials.variants.keras_sequential", "tf1_tutorials.training.recorder"),
    ("tf1_tutorials.variants.keras_sequential", "tf1_tutorials.training.results"),
    ("tf1_tutorials.variants.keras_sequential", "tf1_tutorials.training.settings"),
    ("tf1_tutorials.variants.keras_subclass", "tf1_tutorials.training.recorder"),
    ("tf1_tutorials.variants.keras_subclass", "tf1_tutorials.training.results"),
    ("tf1_tutorials.variants.keras_subclass", "tf1_tutorials.training.settings"),
}


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) == 1:
        return None  # the package's own __init__
    return next(i for i, row in enumerate(LAYERS) if parts[1] in row)


def upward_imports(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    found = set()
    for module, targets in graph.items():
        for target in targets:
            here, there = layer_of(module), layer_of(target)
            if here is not None and there is not None and there < here:
                found.add((module, target))
    return found


def test_every_module_is_in_a_layer_of_the_flow_table():
    placed = {name for row in LAYERS for name in row}
    tops = {module.split(".")[1] for module in import_graph() if "." in module}
    assert sorted(tops - placed) == []


def test_imports_go_down_the_flow_table():
    found = upward_imports(import_graph())
    assert sorted(found - UPWARD_ALLOWED) == []
    assert sorted(UPWARD_ALLOWED - found) == []  # none left stale


def test_an_upward_import_is_found():
    graph = {"tf1_tutorials.data.mnist": {"tf1_tutorials.training.session"}}
    assert upward_imports(graph) == {("tf1_tutorials.data.mnist", "tf1_tutorials.training.session")}
