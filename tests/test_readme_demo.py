"""The README's first screen is what `moodseq demo` prints today (tools/readme_demo.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_readme_demo_output_is_what_moodseq_prints() -> None:
    """The two "What it looks like" blocks match `moodseq --plain demo` and `moodseq demo
    --explain` (they showed a playlist of Tycho and Com Truise that the demo no longer builds);
    after an engine change, `python tools/readme_demo.py` rewrites them."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "readme_demo.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
