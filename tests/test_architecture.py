"""The architecture holds: a pure core, a thin and fast CLI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORE = REPO / "sequencer" / "core"

FORBIDDEN_IN_CORE = {
    "click",
    "spotipy",
    "requests",
    "sqlite3",
    "rich",
    "matplotlib",
    "pylast",
    "mutagen",
    "sequencer.adapters",
    "sequencer.cli",
    "os",
    "subprocess",
    "socket",
    "urllib",
    "http",
    "pathlib",
    "shutil",
    "tempfile",
    "time",
    "datetime",
    "platformdirs",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_does_no_io(path: Path) -> None:
    """No core module imports an adapter, the CLI, or a module that does I/O or reads the clock."""
    bad = {
        name
        for name in _imports(path)
        for forbidden in FORBIDDEN_IN_CORE
        if name == forbidden or name.startswith(forbidden + ".")
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_help_imports_nothing_heavy() -> None:
    """`moodseq --help` lists every command without importing numpy, networkx or spotipy."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from sequencer.cli.main import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert 'demo' in r.output and 'build' in r.output, r.output\n"
        "heavy = sorted(m for m in ('numpy', 'networkx', 'spotipy', 'matplotlib', 'rich', 'requests')"
        " if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"--help imported {out.stdout.strip()}"


LIBRARY_PACKAGE = REPO / "sequencer" / "adapters" / "library"


def test_only_the_library_package_speaks_sql() -> None:
    """Every SQL statement lives in ``sequencer/adapters/library/``: nothing else imports sqlite3."""
    outside = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "sequencer").rglob("*.py"))
        if LIBRARY_PACKAGE not in path.parents and "sqlite3" in _imports(path)
    ]
    assert outside == []


def test_no_adapter_imports_the_cli() -> None:
    """Data flows one way: an adapter never imports the CLI (not even for type checking)."""
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "sequencer" / "adapters").rglob("*.py"))
        if any(name == "sequencer.cli" or name.startswith("sequencer.cli.") for name in _imports(path))
    ]
    assert offenders == []
