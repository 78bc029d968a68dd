"""load_for_build: candidates from the library's feature table, the demo, or a clear error."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from sequencer.adapters.library.build_input import load_for_build
from sequencer.adapters.library.store import Store
from sequencer.cli.context import AppContext
from sequencer.core.build import build_playlist
from sequencer.core.profile import Profile
from sequencer.errors import LibraryError, TrackNotFoundError
from tests.strategies import synthetic_library

PROFILE = Profile(name="p", minutes=20.0, moods=MappingProxyType({"study": 1.0}))


def _library(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "lib.db"
    with Store.open(path) as store:
        store.upsert_tracks(synthetic_library(n, seed=31))
    return path


def test_store_library_yields_few_candidates_with_the_refs_first(tmp_path: Path) -> None:
    """A 1,200-track library: only a budget-sized part becomes Tracks, the named start track
    first, and a build from them succeeds."""
    path = _library(tmp_path, 1200)
    app = AppContext(library_option=path, env={})
    loaded = load_for_build(app.library_path, PROFILE, explicit=app.library_explicit, include_refs=["s77"])
    assert not loaded.is_demo and loaded.library_size == 1200
    assert 300 <= len(loaded.tracks) < 1200
    assert loaded.tracks[0].id == "s77"
    assert "1,200 tracks" in loaded.description
    assert loaded.refs == {"s77": "s77"}
    sequence = build_playlist(loaded.tracks, PROFILE, seed=1, start="s77")
    assert sequence.tracks[0].id == "s77"


def test_unknown_ref_in_store_is_track_not_found(tmp_path: Path) -> None:
    """A start the library does not have raises TrackNotFoundError."""
    app = AppContext(library_option=_library(tmp_path, 50), env={})
    with pytest.raises(TrackNotFoundError):
        load_for_build(app.library_path, PROFILE, explicit=app.library_explicit, include_refs=["Nobody - Nothing"])


def test_named_missing_library_is_an_error_not_the_demo(tmp_path: Path) -> None:
    """--library pointing nowhere: LibraryError with the import hint (a typo must not fall back)."""
    app = AppContext(library_option=tmp_path / "typo.db", env={})
    with pytest.raises(LibraryError, match="no library at") as info:
        load_for_build(app.library_path, PROFILE, explicit=app.library_explicit)
    assert info.value.hint == "import music first: moodseq import csv FILE"


def test_without_a_library_the_demo_is_used(tmp_path: Path) -> None:
    """No library named and none at the default place: the demo library, described as such."""
    app = AppContext(env={"MOODSEQ_DATA_DIR": str(tmp_path / "data")})
    loaded = load_for_build(app.library_path, PROFILE, explicit=app.library_explicit)
    assert loaded.is_demo and loaded.library_size == len(loaded.tracks) >= 150
    assert loaded.description == f"the built-in demo library ({len(loaded.tracks)} tracks)"
