"""Project-level checks: the benchmark runs, the README documents every command, no network is tried."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sheets_bridge.cli import build_parser
from sheets_bridge.pipeline.domains import extractor, key_host

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


def _imports(folder: Path) -> set[str]:
    """Every sheets_bridge module a package's source files import (top-level and inside functions)."""
    import ast

    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("sheets_bridge")}


def test_the_emulator_and_the_product_do_not_import_each_other() -> None:
    package = ROOT / "sheets_bridge"
    assert {m for m in _imports(package / "emulator") if not m.startswith("sheets_bridge.emulator")} == set()
    for product in ("store", "pipeline"):
        assert {m for m in _imports(package / product) if m.startswith("sheets_bridge.emulator")} == set(), product
    for module in ("service.py", "api.py", "app.py", "auth.py", "access.py", "file_gap.py"):
        text = (package / module).read_text(encoding="utf-8")
        assert "sheets_bridge.emulator" not in text and "sheets_bridge.harness" not in text, module
