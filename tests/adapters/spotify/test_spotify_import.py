"""Import: liked songs and playlists, every page of ≤ 50, features when allowed, into the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from sequencer.adapters.library.store import Store
from sequencer.adapters.spotify.client import SpotifyClient
from sequencer.adapters.spotify.importer import import_spotify, playlist_id, track_from_object
from sequencer.adapters.spotify.service import import_into
from sequencer.errors import InputFileError, RemoteServiceError
from tests.fakes.spotify_server import FakeSpotify, Playlist


def like(fake: FakeSpotify, n: int) -> list[str]:
    """Save the first ``n`` catalog tracks for alice; return their ids."""
    ids = list(fake.catalog)[:n]
    fake.saved["alice"] = list(ids)
    return ids


def playlist(fake: FakeSpotify, ids: list[str], owner: str = "alice") -> str:
    """A playlist of ``ids``; returns its id."""
    pid = "P" * 22
    fake.playlists[pid] = Playlist(pid, owner, "Mix", "", False, False, [f"spotify:track:{i}" for i in ids])
    return pid


def test_all_liked_songs_in_pages_of_50(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """123 liked songs arrive complete, in order, read 50 at a time."""
    ids = like(fake_spotify, 123)
    found = import_spotify(client, liked=True, features=False)
    assert [t.id for t in found.tracks] == ids and found.liked == 123
    reads = fake_spotify.calls("GET", "/v1/me/tracks")
    assert len(reads) == 3 and all("limit=50" in r[2] for r in reads)
    first = found.tracks[0]
    source = fake_spotify.catalog[ids[0]]
    assert (first.title, first.artists, first.uri, first.isrc) == (
        source["name"],
        (source["artists"][0]["name"],),
        source["uri"],
        source["external_ids"]["isrc"],
    )
    assert first.duration_s == source["duration_ms"] / 1000


def test_playlists_by_link_uri_or_id_deduplicated(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A playlist link adds its tracks; tracks already liked are not doubled."""
    liked = like(fake_spotify, 10)
    extra = list(fake_spotify.catalog)[100:160]
    pid = playlist(fake_spotify, liked[:5] + extra)
    found = import_spotify(
        client, liked=True, features=False, playlists=[f"https://open.spotify.com/playlist/{pid}?si=abc"]
    )
    assert found.playlists == {pid: 65}
    assert [t.id for t in found.tracks] == liked + extra


def test_someone_elses_playlist_is_explained(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """Spotify lists items only of the user's own playlists: the 403 says what to do."""
    fake_spotify.add_user("bob", "Bob")
    pid = playlist(fake_spotify, list(fake_spotify.catalog)[:3], owner="bob")
    with pytest.raises(RemoteServiceError, match=f"items of playlist {pid}") as caught:
        import_spotify(client, liked=False, playlists=[pid], features=False)
    assert "playlists you own or collaborate on" in (caught.value.hint or "")


def test_features_403_is_normal(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A new app's 403 on audio features: the import goes on, without features."""
    like(fake_spotify, 3)
    found = import_spotify(client, liked=True)
    assert found.features is False and len(found.tracks) == 3
    assert all(t.energy is None for t in found.tracks)


def test_features_when_the_app_still_gets_them(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """An app with extended access gets tempo, energy… in batches of ≤ 100 ids."""
    fake_spotify.audio_features_allowed = True
    like(fake_spotify, 150)
    found = import_spotify(client, liked=True)
    assert found.features is True
    assert all(t.energy is not None and t.tempo is not None for t in found.tracks)
    batches = [r[2].count("%2C") + 1 for r in fake_spotify.calls("GET", "/v1/audio-features")]
    assert batches == [100, 50]


def test_episodes_local_files_and_gaps_are_skipped() -> None:
    """Only real tracks become library tracks."""
    assert track_from_object({"type": "episode", "id": "e"}) is None
    assert track_from_object({"type": "track", "id": None, "is_local": True}) is None
    assert track_from_object({}) is None


@pytest.mark.parametrize(
    "ref",
    [
        "spotify:playlist:37i9dQZF1DXcBWIGoYBM5M",
        "37i9dQZF1DXcBWIGoYBM5M",
        "https://open.spotify.com/intl-de/playlist/37i9dQZF1DXcBWIGoYBM5M?si=1",
    ],
)
def test_playlist_refs(ref: str) -> None:
    """Links, URIs and bare ids all name the playlist."""
    assert playlist_id(ref) == "37i9dQZF1DXcBWIGoYBM5M"


def test_bad_playlist_ref() -> None:
    """Anything else is an error showing the accepted forms."""
    with pytest.raises(InputFileError, match="not a Spotify playlist"):
        playlist_id("https://example.com/x")


def test_into_a_real_library_twice(client: SpotifyClient, fake_spotify: FakeSpotify, tmp_path: Path) -> None:
    """Imported tracks land in the SQLite library under their Spotify ids; a re-import adds nothing."""
    ids = like(fake_spotify, 60)
    with Store.open(tmp_path / "lib.db") as store:
        _, report = import_into(store, client, liked=True, playlists=[], features=False)
        assert report.added == 60
        _, again = import_into(store, client, liked=True, playlists=[], features=False)
        assert again.added == 0
        assert sorted(t.id for t in store.tracks()) == sorted(ids)
        assert all(t.uri == f"spotify:track:{t.id}" for t in store.tracks())


def test_features_spotify_marks_unknown_are_left_unknown(
    client: SpotifyClient, fake_spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spotify's "no key detected" (-1) and a tempo of 0 mean unknown, as in a CSV import:
    they are left out (None), not stored as key -1 / tempo 0; valid values are kept."""
    fake_spotify.audio_features_allowed = True
    ids = like(fake_spotify, 2)
    original = fake_spotify._features

    def silent_first(track_id: str) -> dict[str, object] | None:
        row = original(track_id)
        if row is not None and track_id == ids[0]:
            row.update(key=-1, tempo=0.0, energy=0.0001)
        return row

    monkeypatch.setattr(fake_spotify, "_features", silent_first)
    found = import_spotify(client, liked=True)
    silent = next(t for t in found.tracks if t.id == ids[0])
    assert (silent.key, silent.tempo, silent.energy) == (None, None, 0.0001)
    other = next(t for t in found.tracks if t.id == ids[1])
    assert other.key is not None and other.tempo is not None and other.tempo > 0
