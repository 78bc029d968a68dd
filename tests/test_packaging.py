"""Packaging: every subpackage ships, and so does the data the CLI needs."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject() -> None:
    """pyproject lists packages explicitly (for the profiles mapping): none may be forgotten."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(path.parent.relative_to(REPO).parts) for path in (REPO / "sequencer").rglob("__init__.py")}
    missing = found - listed
    assert not missing, f"add to [tool.setuptools] packages: {sorted(missing)}"
