"""The house has no import loop: the package's imports, read from the source with `ast` (module
level and inside functions alike), form a graph without a cycle. Layers import downward only:
the store knows nothing of what fills it (seed.py), domain modules never import the export
registry (views.py) nor the command line (cli/), and nothing below cli/ imports it."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tnt_dash"


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that `name` imports, wherever in the file the import stands."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        out |= {t for t in targets if t in known and t != name}
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import loop as a path a -> b -> … -> a, or None (depth-first search, colouring)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None
    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_checker_finds_a_loop():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_package_has_no_import_loop():
    edges = graph()
    assert "tnt_dash.store" in edges and edges["tnt_dash.cli.main"], "the walk read no imports"
    loop = cycle(edges)
    assert loop is None, "import loop: " + " -> ".join(loop)


def test_layers_import_downward():
    edges = graph()
    domain = ("tnt_dash.capacity", "tnt_dash.brief", "tnt_dash.crossborder", "tnt_dash.gender", "tnt_dash.priority",
              "tnt_dash.trends", "tnt_dash.presented", "tnt_dash.queries")
    assert not edges["tnt_dash.store"] & {"tnt_dash.capacity.demo", "tnt_dash.demo", "tnt_dash.seed"}
    for name in domain:
        assert "tnt_dash.views" not in edges[name], name
    cli = {m for m in edges if m == "tnt_dash.cli" or m.startswith("tnt_dash.cli.")}
    for name, targets in edges.items():
        if name not in cli and name != "tnt_dash.__main__":     # `python -m tnt_dash` is the CLI's door
            assert not targets & cli, f"{name} imports the command line"


def test_every_module_imports():
    """Each module of the package imports: a name imported from a sibling that no longer has it (a
    merge that moved a function) fails here at once, not in the one command that uses it."""
    import importlib
    failed = {}
    for name in sorted(n for n in modules() if not n.endswith("__main__")):    # __main__ runs the CLI
        try:
            importlib.import_module(name)
        except Exception as exc:       # noqa: BLE001 - every failure is collected and reported below
            failed[name] = f"{type(exc).__name__}: {exc}"
    assert not failed, failed
