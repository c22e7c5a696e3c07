"""Project-level checks: the benchmark runs, the README documents every command, no network is tried."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sheets_bridge.cli import build_parser
from sheets_bridge.intake.domains import extractor, key_host

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_runs_and_prints_figures() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "pipeline.py"), "--rows", "5000",
                             "--repeat", "1", "--reference-rows", "2000"], capture_output=True, text=True,
                            check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    for figure in ("pipeline median:", "peak RSS:", "rows per second:", "speed-up vs reference:"):
        assert figure in result.stdout


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in commands:
        assert f"sheets-bridge {name}" in readme, name
    lines = [line for line in readme.splitlines() if line.startswith(("make ", "    make "))]
    assert [line.strip() for line in lines[:2]] == ["make demo", "make test"]


def test_tldextract_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    extractor.cache_clear()
    assert key_host("news.example.co.uk").key == "example.co.uk"
    assert extractor().suffix_list_urls == ()


# Who may import whom, written from the layout the README and ``sheets_bridge/__init__`` state: each layer may
# import its own and the layers before it, never one after it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("shared", ("sheets_bridge", "sheets_bridge.contract", "sheets_bridge.exceptions")),
    ("intake", ("sheets_bridge.intake",)),
    ("gap", ("sheets_bridge.gap",)),
    ("outreach", ("sheets_bridge.outreach",)),
    ("insights", ("sheets_bridge.insights",)),
    ("workbook", ("sheets_bridge.workbook",)),
    ("store", ("sheets_bridge.store",)),
    ("service", ("sheets_bridge.service",)),
    ("web", ("sheets_bridge.web",)),
    ("cli", ("sheets_bridge.cli", "sheets_bridge.progress")),
]
PACKAGES = ("sheets_bridge", "sheets_emulator", "harness")


def _modules() -> dict[str, Path]:
    """Every module of the repository's packages, by dotted name."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The repository modules one file imports, at the top or inside a function."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import (the direction check reads absolute names)")
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:  # ``from pkg import module`` imports the module, not only the package
                name = f"{node.module}.{alias.name}"
                found.add(name if name in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] in PACKAGES}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports_of(path, modules) - {name} for name, path in modules.items()}


def _layer(module: str) -> int:
    best, at = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, at = len(prefix), index
    return at


def import_violations(graph: dict[str, set[str]]) -> list[str]:
    """Imports against the stated directions."""
    wrong = []
    for module, imported in graph.items():
        for target in imported:
            top, target_top = module.split(".")[0], target.split(".")[0]
            if top == "sheets_emulator" and target_top != "sheets_emulator":
                wrong.append(f"{module} -> {target} (the emulator imports nothing of the product)")
            elif top == "sheets_bridge" and target_top == "harness":
                wrong.append(f"{module} -> {target} (the product never imports a harness)")
            elif top == "sheets_bridge" and target_top == "sheets_emulator" and module != "sheets_bridge.cli":
                wrong.append(f"{module} -> {target} (only the CLI's emulator command starts the emulator)")
            elif top == target_top == "sheets_bridge" and _layer(target) > _layer(module):
                wrong.append(f"{module} -> {target} ({LAYERS[_layer(module)][0]} may not import "
                             f"{LAYERS[_layer(target)][0]})")
    return sorted(wrong)


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
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
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_every_module_has_a_layer() -> None:
    assert [m for m in _graph() if m.startswith("sheets_bridge") and _layer(m) < 0] == []


def test_no_import_goes_against_the_stated_directions() -> None:
    assert import_violations(_graph()) == []


def test_no_import_cycle() -> None:
    assert import_cycles(_graph()) == []


def test_the_checks_see_a_wrong_import_and_a_cycle() -> None:
    """The checks themselves: a store importing the web, and two modules importing each other, are caught."""
    graph = {"sheets_bridge.store.base": {"sheets_bridge.web.auth"}, "sheets_bridge.web.auth": set(),
             "sheets_bridge.intake.domains": {"sheets_bridge.intake.suffixes"},
             "sheets_bridge.intake.suffixes": {"sheets_bridge.intake.domains"},
             "sheets_emulator.app": {"sheets_bridge.contract"}, "sheets_bridge.gap.run": {"harness.chaos"}}
    assert len(import_violations(graph)) == 3
    assert import_cycles(graph) == [["sheets_bridge.intake.domains", "sheets_bridge.intake.suffixes"]]


def test_no_package_is_too_big_to_read() -> None:
    """No package over about 2,000 lines or 15 modules (with its __init__): the folders keep showing the product."""
    sizes: dict[str, tuple[int, int]] = {}
    for package in PACKAGES:
        for folder in [ROOT / package, *[p for p in (ROOT / package).rglob("*") if p.is_dir()]]:
            files = list(folder.glob("*.py"))
            if files:
                lines = sum(len(f.read_text(encoding="utf-8").splitlines()) for f in files)
                sizes[str(folder.relative_to(ROOT))] = (len(files), lines)
    assert {folder: size for folder, size in sizes.items() if size[0] > 16 or size[1] > 2100} == {}


def test_the_service_starts_and_answers_health_without_the_engine() -> None:
    """Cold start: importing the app and answering /healthz load none of the heavy libraries."""
    code = ("import sys\n"
            "from sheets_bridge.web.app import create_app\n"
            "from sheets_bridge.web.config import Config\n"
            "answer = create_app(Config(shared_secret='s' * 32)).test_client().get('/healthz')\n"
            "assert answer.status_code == 200, answer.status_code\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'pandas', 'pyarrow', 'numpy', 'openpyxl', 'gspread', 'tldextract'})))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == ""


ENGINE = ("sheets_bridge/intake", "sheets_bridge/gap", "sheets_bridge/outreach", "sheets_bridge/insights",
          "sheets_bridge/service/scoring.py")
ENGINE_LIBRARIES = {"pandas", "numpy", "pyarrow", "tldextract", "holidays"}


def test_the_engine_is_pure() -> None:
    """The packages that turn tables into prospects import the data libraries and the standard library only:
    no web framework, no HTTP client, no spreadsheet client, no workbook reader (DESIGN: a pure pipeline)."""
    import ast

    files = [p for name in ENGINE for p in ((ROOT / name).rglob("*.py") if (ROOT / name).is_dir() else [ROOT / name])]
    outside = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ENGINE_LIBRARIES | {"sheets_bridge"}:
                    outside.add(f"{path.relative_to(ROOT)}: {name}")
    assert len(files) > 25 and outside == set()
