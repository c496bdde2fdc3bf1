"""The package's layers import downward only, and never in circles.

    gui  >  cli / outputs  >  report  >  figures  >  views / kinds / labfile  >  engine  >  lab

(``lab`` with the small helpers at the package root: atomic, safe_text, resources_path,
blas_threads.)  Every import counts, also one inside a function: a lazy upward import is
still a dependency, and a circle through one is still a circle.  A module may import its
own layer's modules, so long as no circle forms.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "actlab"
#: the layer of each top-level name of the package (a module or a folder)
LAYERS = {"lab": 0, "atomic": 0, "safe_text": 0, "resources_path": 0, "blas_threads": 0,
          "engine": 1, "views": 2, "kinds": 2, "labfile": 2, "figures": 3, "report": 4,
          "cli": 5, "outputs": 5, "gui": 6, "__main__": 7}


def modules() -> dict[str, Path]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        rel = p.relative_to(ROOT).with_suffix("")
        out[".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)] = p
    return out


def imports(name: str, path: Path, known) -> set[str]:
    """The package's modules that module ``name`` imports (any import, anywhere in it)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            # the package's own __init__ (actlab, actlab.engine …) is no edge to its children
            if t and t != name and not name.startswith(t + "."):
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {m: imports(m, p, mods) for m, p in mods.items()}


def layer(module: str) -> int:
    parts = module.split(".")
    return 0 if len(parts) == 1 else LAYERS[parts[1]]  # the package itself: bottom


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in edges:
        if v not in index:
            visit(v)
    return out


def test_every_top_level_name_has_a_layer():
    tops = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
            if (p.suffix == ".py" and p.name != "__init__.py")
            or (p.is_dir() and (p / "__init__.py").exists())}
    assert tops - set(LAYERS) == set(), "give these a layer in LAYERS"


def test_no_module_imports_a_higher_layer():
    upward = sorted(f"{m} imports {t}" for m, ts in graph().items() for t in ts
                    if layer(t) > layer(m))
    assert upward == []


def test_no_import_circles():
    assert circles(graph()) == []


def test_the_checks_see_an_upward_import_and_a_circle():
    edges = {"actlab.engine.a": {"actlab.gui.b"}, "actlab.gui.b": {"actlab.engine.a"},
             "actlab.lab": set()}
    assert circles(edges) == [["actlab.engine.a", "actlab.gui.b"]]
    assert layer("actlab.gui.b") > layer("actlab.engine.a") > layer("actlab.lab")
    # a lazy import inside a function counts
    known = {"actlab.engine.trainer", "actlab.gui.training.worker"}
    tmp = ROOT / "tests" / "_layers_probe.py"
    try:
        tmp.write_text("def f():\n    from actlab.gui.training.worker import x\n", encoding="utf-8")
        assert imports("actlab.engine.trainer", tmp, known) == {"actlab.gui.training.worker"}
    finally:
        tmp.unlink()
