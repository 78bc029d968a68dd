"""Regenerate (or check) the README's "What it looks like" output: `moodseq --plain demo` and the
first three tracks of `moodseq demo --explain`, as the installed code prints them today.

    python tools/readme_demo.py          # rewrite the two blocks in README.md
    python tools/readme_demo.py --check  # exit 1 when they differ from what moodseq prints

Run it after any change to the engine, the scoring or the demo library: the README's first
screen is what a new user compares with their own `moodseq demo`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
PLAIN = "$ moodseq --plain demo\n"
EXPLAIN = "$ moodseq demo --explain\n"


def _moodseq(*args: str) -> str:
    """What ``moodseq ARGS`` prints on the terminal (stdout and stderr, in order), run from this
    checkout with a home and XDG folders of its own (no library or user profile of the person
    running it changes the output)."""
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MOODSEQ_", "XDG_"))}
        env |= {"HOME": home, "XDG_CONFIG_HOME": f"{home}/config", "XDG_DATA_HOME": f"{home}/data"}
        env |= {"XDG_CACHE_HOME": f"{home}/cache", "XDG_STATE_HOME": f"{home}/state", "COLUMNS": "80"}
        done = subprocess.run(
            [sys.executable, "-m", "sequencer", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=True,
        )
    return done.stdout


def blocks() -> tuple[str, str]:
    """The two blocks' bodies (without their ``$ command`` line)."""
    plain = _moodseq("--plain", "demo")
    lines = _moodseq("--plain", "demo", "--explain").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Why these tracks"))
    end = next(i for i, line in enumerate(lines) if line.startswith("  4. "))
    return plain, "…\n" + "\n".join(lines[start:end]) + "\n…\n"


def _replace(text: str, command: str, body: str) -> str:
    """``text`` with the fenced block that starts with ``command`` holding ``body``."""
    start = text.index(command) + len(command)
    end = text.index("```", start)
    return text[:start] + body + text[end:]


def main(argv: list[str]) -> int:
    plain, explain = blocks()
    text = README.read_text(encoding="utf-8")
    new = _replace(_replace(text, PLAIN, plain), EXPLAIN, explain)
    if "--check" in argv:
        if new != text:
            print("README.md's demo output is stale: run python tools/readme_demo.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
