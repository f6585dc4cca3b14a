"""The pipeline's contract: one prepare step, read-only components in any order, nothing optional."""
from __future__ import annotations

import ast
import dataclasses
import random
import subprocess
import sys
from pathlib import Path

import pytest

from extract.prepare import prepare
from extract.registry import checks, components, run_checks, run_components
from tests.conftest import SAMPLES
from tests.extract.helpers import sample_doc

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("extract", "gazetteer")


def _as_rows(records: dict) -> dict:
    return {table: [dataclasses.asdict(r) for r in rows] for table, rows in sorted(records.items())}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_components_and_checks_in_any_order_give_the_same_output(path):
    prep = prepare(sample_doc(path))
    records = run_components(prep)
    findings = run_checks(prep, records)
    assert any(records.values()), "a sample with no rows proves nothing"
    rng = random.Random(path.stem)
    for _ in range(3):
        order = list(components())
        rng.shuffle(order)
        shuffled = run_components(prep, tuple(order))
        assert _as_rows(shuffled) == _as_rows(records)
        check_order = list(checks())
        rng.shuffle(check_order)
        assert run_checks(prep, shuffled, tuple(check_order)) == findings


def test_the_prepared_document_is_read_only():
    prep = prepare(sample_doc(SAMPLES[0]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        prep.criteria_set = "ntm-2016"  # type: ignore[misc]


def test_every_record_table_is_declared_once():
    names = [c.table for c in components()] + [c.name for c in checks()]
    assert len(names) == len(set(names))
    assert {"criteria", "counts", "indicators", "funding", "deadlines", "legal_refs"} <= {c.table for c in components()}


def test_a_component_that_fails_to_import_stops_the_run():
    """A broken module is not skipped: importing the registry raises, with the module in its traceback."""
    breaker = (
        "import sys, importlib.abc\n"
        "class Broken(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'extract.funding':\n"
        "            raise ImportError('extract.funding is broken')\n"
        "sys.meta_path.insert(0, Broken())\n"
        "import extract.registry\n"
    )
    done = subprocess.run([sys.executable, "-c", breaker], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode != 0
    assert "extract.funding is broken" in done.stderr and "Traceback" in done.stderr


def _python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, module: str) -> list[tuple[str, list[str]]]:
    """(imported module, names) of every import outside `if TYPE_CHECKING:` blocks."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    out = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            out.extend((a.name, []) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(module.split(".")[: len(module.split(".")) - node.level + (module.count(".") == 0)] + ([base] if base else []))
            out.append((base, [a.name for a in node.names]))
    return out


def test_no_private_name_is_imported_across_modules():
    offenders = []
    for package in PACKAGES + ("corpus", "bench", "normalize", "ntm"):
        for path in _python_files(package):
            module = _module_name(path)
            for target, names in _imports(ast.parse(path.read_text(encoding="utf-8")), module):
                if target.split(".")[0] in PACKAGES and target != module:
                    offenders += [f"{module}: {target}.{n}" for n in names if n.startswith("_") and not n.startswith("__")]
    assert offenders == []


def test_the_import_graph_inside_extract_has_no_cycle():
    graph: dict[str, set[str]] = {}
    for path in _python_files("extract"):
        module = _module_name(path)
        deps = set()
        for target, names in _imports(ast.parse(path.read_text(encoding="utf-8")), module):
            for dep in [target, *(f"{target}.{n}" for n in names)]:
                if dep.startswith("extract.") and (ROOT / Path(*dep.split("."))).with_suffix(".py").exists():
                    deps.add(dep)
        graph[module] = deps - {module}
    assert len(graph) > 10
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                raise AssertionError("import cycle: " + " -> ".join(trail[trail.index(dep):] + [node, dep]) if dep in trail else f"{node} -> {dep}")
            if dep not in state:
                visit(dep, trail + [node])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
