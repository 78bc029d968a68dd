"""The Spotify sink keeps the Spotify push's promise: no duplicate playlist when a create's
answer is lost, whether it is pushed alone or beside other players."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sequencer.adapters.sinks import open_sink
from sequencer.adapters.spotify.pending import PendingCreates


def test_open_sink_hands_the_create_journal_to_the_spotify_push(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`push --to spotify --to subsonic` goes through the sinks: the Spotify push there gets the
    same journal of unconfirmed creates as `push` alone (before: none, so a lost create could be
    repeated)."""
    seen: dict[str, Any] = {}

    def fake_push_tracks(client: Any, tracks: Any, **kwargs: Any) -> Any:
        seen.update(kwargs)
        raise RuntimeError("stop here")

    monkeypatch.setattr("sequencer.adapters.spotify.service.push_tracks", fake_push_tracks)
    journal = PendingCreates(tmp_path / "spotify-pending.json")
    sink = open_sink(
        "spotify",
        env={},
        config_dir=tmp_path,
        memory=object(),  # type: ignore[arg-type]  # why: the stub push never reads it
        cache=object(),
        spotify_client=lambda: object(),
        spotify_pending=journal,
    )
    with pytest.raises(RuntimeError, match="stop here"):
        sink.push([], profile_name="night-drive", name=None)
    assert seen["pending"] is journal
