"""The package's layout: data flows one way, every import counted (also inside functions).

Each module's paretolab imports are read from its source with ``ast``, including imports inside
functions, and the import graph must have no cycle. The top-level names are functions that
stay functions whatever was imported before.
"""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import numpy as np

import paretolab

PACKAGE = pathlib.Path(paretolab.__file__).parent


def _module_name(path: pathlib.Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _modules() -> dict[str, pathlib.Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: pathlib.Path, modules: set[str]) -> set[str]:
    """The paretolab modules a file imports, anywhere in it (the lazy table of __init__ too)."""
    out = set()
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "paretolab"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "paretolab":
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                out.add(sub if sub in modules else node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in modules \
                and path.name == "__init__.py" and node.value != "paretolab":
            out.add(node.value)  # _LAZY = {"name": "paretolab.module"}
    return {m for m in out if m in modules}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    names = set(modules)
    return {m: _imports(p, names) - {m} for m, p in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return stack[stack.index(n):] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def test_no_import_cycle_counting_imports_inside_functions():
    graph = _graph()
    assert "paretolab.store" in graph and graph["paretolab.runner"], "the graph was read"
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_a_cycle_would_be_found():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_store_imports_only_the_run_record_and_the_errors():
    assert _graph()["paretolab.store"] == {"paretolab.runs", "paretolab.errors"}


def test_front_utilities_stay_numpy_only():
    for name in ("paretolab.front", "paretolab.runs", "paretolab.analysis", "paretolab.plan", "paretolab.errors"):
        heavy = {m for m in _graph()[name] if m not in ("paretolab.front", "paretolab.runs", "paretolab.errors")}
        assert not heavy, (name, heavy)


def test_no_public_name_is_also_a_submodule():
    modules = {m.split(".")[-1] for m in _modules()}
    assert not set(paretolab.__all__) & modules
    # every submodule is reachable as paretolab.<name> without importing it first
    top = {m.split(".")[1] for m in _modules() if m.count(".") >= 1}
    assert set(paretolab._SUBMODULES) == top - {"__main__"}


def test_top_level_functions_in_a_fresh_interpreter_whatever_was_imported_before(tmp_path):
    code = (
        "import paretolab, paretolab.analysis, paretolab.runner, paretolab.batch, paretolab.sources\n"
        "print(all(callable(getattr(paretolab, n)) and not isinstance(getattr(paretolab, n), type(paretolab))"
        " for n in ('compare', 'analyze', 'read_runs', 'sweep')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True"]
    fresh = subprocess.run([sys.executable, "-c", "import paretolab, sys; paretolab.compare; paretolab.read_runs;"
                            " print(callable(paretolab.compare), 'torch' in sys.modules)"],
                           capture_output=True, text=True, check=True)
    assert fresh.stdout.split() == ["True", "False"]


def test_read_runs_gives_the_record_a_sweep_gives(tmp_path):
    r = paretolab.sweep("convex", alphas=[0.5, 2.0], seeds=2, steps=200)
    path = tmp_path / "runs.csv"
    r.to_csv(path)
    back = paretolab.read_runs(path)
    assert type(back) is type(r) is paretolab.Runs
    np.testing.assert_array_equal(back.objectives, r.objectives)
    np.testing.assert_array_equal(back.alpha, r.alpha)
    np.testing.assert_array_equal(back.seed, r.seed)
    np.testing.assert_array_equal(back.converged, r.converged)
    assert back.method.tolist() == r.method.tolist()
