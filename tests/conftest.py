"""Shared test setup: isolated user folders, no network beyond loopback, Hypothesis profiles.

Every test runs with HOME, MOODSEQ_CONFIG_DIR and MOODSEQ_DATA_DIR inside its own tmp_path,
every other XDG_* and MOODSEQ_* variable removed (so XDG folders default to the test's HOME),
and matplotlib's config/cache in a folder made for the session and removed after it: no test
reads or writes the real user's files (shell completions, Chromium and matplotlib folders
included).  Any attempt to connect to an address other than loopback fails the test.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "default")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

_real_connect = socket.socket.connect


#: MOODSEQ_* variables that steer the tests themselves, not moodseq: kept.
TEST_CONTROLS = frozenset({"MOODSEQ_UPDATE_GOLDEN"})


def _is_loopback(address: Any) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return True  # AF_UNIX paths and the like stay on this machine


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _is_loopback(address):
        raise RuntimeError(f"test tried to reach {address!r}: only loopback is allowed")
    _real_connect(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign, assignment]  # why: the network guard


# matplotlib finds its config folder when first imported (test modules import it while being
# collected, before any fixture runs) and remembers it: give the whole session a private one.
_MPL_DIR = tempfile.mkdtemp(prefix="moodseq-tests-mpl-")
os.environ["MPLCONFIGDIR"] = _MPL_DIR


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session's matplotlib folder."""
    shutil.rmtree(_MPL_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point HOME and every moodseq folder into tmp_path and clear settings from the environment."""
    home = tmp_path / "moodseq-home"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in list(os.environ):
        if (name.startswith(("XDG_", "MOODSEQ_")) or name == "ZDOTDIR") and name not in TEST_CONTROLS:
            monkeypatch.delenv(name)
    monkeypatch.setenv("MPLCONFIGDIR", _MPL_DIR)
    monkeypatch.setenv("MOODSEQ_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("MOODSEQ_DATA_DIR", str(home / "data"))
    for name in (
        "SPOTIPY_CLIENT_ID",
        "SPOTIPY_CLIENT_SECRET",
        "LASTFM_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    yield home


@pytest.fixture
def shared_dir() -> Path:
    """The shared data folder beside the repository (skip when a checkout lacks it)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the repository")
    return SHARED
