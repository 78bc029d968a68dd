"""Inferring a library's moods: stored as 'inferred', hand tags untouched, progress reported."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sequencer.adapters.library.store import Store
from sequencer.adapters.mood_inference import infer_library
from sequencer.adapters.moods_file import load_moods
from sequencer.core.track import Track


def test_infer_library_stores_inferred_moods_and_reports_each_stage(tmp_path: Path) -> None:
    """A dark, minor, mid-energy instrumental gets moods; a hand tag on another track survives;
    the progress callback hears each of the three stages in order."""
    dark = Track(
        "a",
        "Dark",
        ("X",),
        240,
        energy=0.3,
        valence=0.1,
        mode=0,
        tempo=90,
        acousticness=0.6,
        instrumentalness=0.9,
        speechiness=0.03,
        danceability=0.3,
    )
    tagged = Track("b", "Tagged", ("Y",), 240, energy=0.9, valence=0.2)
    seen: list[tuple[int, int]] = []
    with Store.open(tmp_path / "library.db") as store:
        store.upsert_tracks([dark, tagged])
        store.set_moods("b", {"study": 0.9}, source="hand")
        infer_library(store, load_moods(None), progress=lambda done, total: seen.append((done, total)))
        by_id = {t.id: t for t in store.tracks()}
        sources = store.mood_sources("b")
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert by_id["a"].moods, "the dark instrumental should get at least one mood"
    assert by_id["b"].moods["study"] == 0.9
    assert ("hand", 0.9) in sources["study"]


def test_confidence_is_stored_with_the_moods_and_hand_tags_make_it_certain(tmp_path: Path) -> None:
    """Inference stores each track's confidence (own genre tags > the artist's tags > attributes
    alone); tracks and the feature table read it back; a hand-tagged track counts 1.0."""
    from sequencer.core.infer import CONFIDENCE

    loud = {"energy": 0.9, "valence": 0.3, "acousticness": 0.01, "speechiness": 0.05, "danceability": 0.4}
    tagged = Track("a", "Tagged", ("Band",), 240, genres=("grunge",), **loud)  # type: ignore[arg-type]
    sibling = Track("b", "Sibling", ("Band",), 240, **loud)  # type: ignore[arg-type]
    alone = Track("c", "Alone", ("Other",), 240, **loud)  # type: ignore[arg-type]
    with Store.open(tmp_path / "library.db") as store:
        store.upsert_tracks([tagged, sibling, alone])
        store.set_tags("a", {"grunge": 1.0}, source="lastfm", fetched_at="2026-01-01")
        infer_library(store, load_moods(None))
        by_id = {t.id: t for t in store.tracks()}
        table = store.feature_table()
        store.set_moods("c", {"angsty": 1.0}, source="hand")
        hand = store.find("c")
    assert by_id["a"].confidence == CONFIDENCE["tags+attributes"]
    assert by_id["b"].confidence == CONFIDENCE["artist tags"]
    assert by_id["c"].confidence == CONFIDENCE["attributes"]
    assert by_id["a"].moods.get("angsty", 0.0) >= 0.5 and by_id["b"].moods.get("angsty", 0.0) > 0.0
    assert dict(zip(table.ids.tolist(), table.confidences().tolist(), strict=True)) == {
        i: float(np.float32(by_id[i].confidence)) for i in "abc"
    }
    assert hand.confidence == 1.0


def test_playlist_names_are_read_once_per_distinct_set_and_explain_reads_only_its_artist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inference reads each distinct set of playlists once (60 tracks in 3 playlists: 3 reads,
    was one per track), and `moods explain` reads only the playlists of the track's artist's
    tracks (was every track's: 9 s on a 36k library); the tags a track gets are the same."""
    from sequencer.adapters import mood_inference
    from sequencer.core import infer

    names = ("Lo-Fi Beats", "New Wave Night", "Grunge Storm")
    tracks = [
        Track(f"t{n}", f"Song {n}", (f"Artist {n % 20}",), 200.0, energy=0.5, playlists=(names[n % 3],))
        for n in range(60)
    ]
    calls: list[tuple[str, ...]] = []
    real = infer.playlist_tags

    def counting(model: infer.MoodModel, playlists: tuple[str, ...]) -> dict[str, float]:
        calls.append(tuple(playlists))
        return real(model, playlists)

    monkeypatch.setattr(infer, "playlist_tags", counting)
    config = load_moods(None)
    with Store.open(tmp_path / "library.db") as store:
        store.upsert_tracks(tracks)
        result = infer_library(store, config)
        assert sorted(calls) == sorted((name,) for name in names)
        calls.clear()
        found = mood_inference.explain_library_track(store, config, "t5")
        assert len(calls) <= 3  # Artist 5's three tracks, at most one read per distinct set
        model = infer.compile_model(config.vocabulary, config.settings)
        own = real(model, (names[5 % 3],))
        assert own and all(found.tags[tag] == weight for tag, weight in own.items())
        # its artist's other two tracks lend theirs, weaker
        borrowed = {**real(model, (names[25 % 3],)), **real(model, (names[45 % 3],))}
        assert borrowed and all(0 < found.tags[tag] < 0.7 for tag in borrowed if tag not in own)
    assert result.weights.shape[0] == 60
