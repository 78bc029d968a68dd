"""Sources for the sinks: `moodseq import subsonic` (a real supysonic server), `moodseq import
jspf`, and MusicBrainz recording ids from file tags and CSV columns kept by the library."""

from __future__ import annotations

import importlib
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sequencer.adapters.library.store import Store
from sequencer.adapters.sinks.subsonic import match_songs, song_track
from sequencer.adapters.sinks.subsonic_client import SubsonicClient
from sequencer.cli.main import cli
from sequencer.core.track import Track
from tests.fakes.subsonic_library import SONGS, Server, write_song

MBID = "4bc1a7ab-0e7e-4dfc-9b5d-5c1ebcf4b2a8"


def test_import_subsonic_then_everything_matches_back(
    subsonic_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOODSEQ_SUBSONIC_URL", subsonic_server.url)
    monkeypatch.setenv("MOODSEQ_SUBSONIC_USER", "moodseq")
    monkeypatch.setenv("MOODSEQ_SUBSONIC_PASSWORD", "sesame")
    library = tmp_path / "lib.db"
    result = CliRunner().invoke(cli, ["--library", str(library), "import", "subsonic"])
    assert result.exit_code == 0, result.output
    with Store.open(library) as store:
        tracks = store.tracks()
    assert sorted((t.artist, t.title, t.album, t.duration_s) for t in tracks) == sorted(
        (artist, title, album, float(seconds)) for artist, album, title, seconds in SONGS
    )
    again = CliRunner().invoke(cli, ["--library", str(library), "import", "subsonic"])
    assert again.exit_code == 0 and "(0 new, 0 updated, 10 unchanged)" in again.output, again.output
    songs = SubsonicClient(subsonic_server.settings())
    songs.ping()
    matching = match_songs(songs.songs(), tracks, "missing")
    assert len(set(matching.items)) == len(SONGS) and not matching.missing


def test_opensubsonic_ids_match_before_names() -> None:
    """Navidrome-style songs carry musicBrainzId and isrc lists: those win over the title."""
    songs = [
        {"id": "s1", "title": "Nightcall", "artist": "Kavinsky", "duration": 258, "musicBrainzId": MBID},
        {"id": "s2", "title": "Other", "artist": "X", "duration": 100, "isrc": ["FR6V81100001"]},
        {"id": "s3", "title": "Nightcall", "artist": "Kavinsky", "duration": 258},
        {"id": "s4", "title": "Song", "artist": "A", "duration": 10, "path": "A/Album/01 Song.flac"},
    ]
    tracks = [
        Track("a", "Nightcall (Remix)", ("Kavinsky",), 300.0, mbid=MBID.upper()),
        Track("b", "Renamed", ("Y",), 50.0, isrc="FR-6V8-11-00001"),
        Track("c", "Nightcall", ("Kavinsky",), 260.0),
        Track("d", "Different tag", ("B",), 99.0, path="/home/me/Music/A/Album/01 Song.flac"),
        Track("e", "Nowhere", ("Z",), 1.0),
    ]
    matching = match_songs(songs, tracks, "not in the server's library")
    assert matching.items == ["s1", "s2", "s1", "s4"]
    assert [t.id for t, _ in matching.missing] == ["e"]
    navidrome = song_track({**songs[0], "artists": [{"id": "1", "name": "Kavinsky"}], "genres": [{"name": "synth"}]})
    assert (navidrome.mbid, navidrome.genres, navidrome.duration_s) == (MBID, ("synth",), 258.0)


def test_recording_ids_from_tags_and_csv_stay_in_the_library(tmp_path: Path) -> None:
    music = tmp_path / "music"
    artist, album, title, seconds = SONGS[0]
    path = music / "a.wav"
    write_song(path, artist, album, title, seconds)
    id3: Any = importlib.import_module("mutagen.id3")
    tagged: Any = importlib.import_module("mutagen.wave").WAVE(path)
    tagged.tags.add(id3.UFID(owner="http://musicbrainz.org", data=MBID.encode()))
    tagged.save()
    other = str(uuid.UUID(int=7))
    csv = tmp_path / "x.csv"
    csv.write_text(f"title,artist,duration_ms,mbid\nNightcall,Kavinsky,258000,{other}\nBad,Y,1000,not-an-id\n")
    library = tmp_path / "lib.db"
    for args in (["import", "files", str(music)], ["import", "csv", str(csv)]):
        result = CliRunner().invoke(cli, ["--library", str(library), *args])
        assert result.exit_code == 0, result.output
    with Store.open(library) as store:
        by_title = {t.title: t.mbid for t in store.tracks()}
    assert by_title == {title: MBID, "Nightcall": other, "Bad": None}


def test_import_jspf(tmp_path: Path) -> None:
    path = tmp_path / "lb.jspf"
    track = {"identifier": [f"https://musicbrainz.org/recording/{MBID}"], "title": "Nightcall", "creator": "Kavinsky"}
    path.write_text(json.dumps({"playlist": {"title": "From LB", "track": [track | {"duration": 258000}]}}))
    library = tmp_path / "lib.db"
    result = CliRunner().invoke(cli, ["--library", str(library), "import", "jspf", str(path)])
    assert result.exit_code == 0, result.output
    with Store.open(library) as store:
        assert [(t.title, t.mbid) for t in store.tracks()] == [("Nightcall", MBID)]
    not_jspf = tmp_path / "x.json"
    not_jspf.write_text(json.dumps({"tracks": [{"title": "a", "artists": ["b"], "duration_ms": 1000}]}))
    refused = CliRunner().invoke(cli, ["--library", str(library), "import", "jspf", str(not_jspf)])
    assert refused.exit_code == 2 and "is not a JSPF or XSPF playlist" in refused.stderr
