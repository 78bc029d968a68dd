"""End to end, a library with NO audio attributes at all (what a new Spotify app's import gives):
genres, crowd tags and playlists still give every track a sound vector, moods come from tags,
and `build` works.  Two ways in: a CSV, and `import spotify` against the local fake with audio
features refused (403), enriched by the fake Last.fm."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sequencer.adapters.library.store import Store
from sequencer.cli.main import cli
from tests.fakes.lastfm_server import FakeLastfm
from tests.fakes.spotify_server import FakeSpotify, Playlist

#: (artist, genre/crowd tags, playlist): six tracks each, durations 3–5 minutes.
NIGHT = [
    ("Kavinsky", "synthwave;electro", "Night Drive"),
    ("M83", "electropop;dream pop", "Night Drive"),
    ("The Midnight", "synthwave;outrun", "Night Drive"),
    ("Gunship", "synthwave;darkwave", "Night Drive"),
    ("Electric Youth", "synthpop;dream pop", "Night Drive"),
    ("Chromatics", "italo disco;darkwave", "Night Drive"),
    ("Depeche Mode", "synth-pop;new wave", "Night Drive"),
    ("Vangelis", "ambient;soundtrack", "Night Drive"),
]
STORM = [
    ("Nirvana", "grunge", "Storms"),
    ("Soundgarden", "grunge;alternative metal", "Storms"),
    ("Nine Inch Nails", "industrial rock", "Storms"),
    ("Stone Temple Pilots", "grunge;hard rock", "Storms"),
]
FIESTA = [
    ("Daddy Yankee", "reggaeton", "Fiesta"),
    ("Luis Fonsi", "latin pop;reggaeton", "Fiesta"),
    ("J Balvin", "reggaeton;latin", "Fiesta"),
]


def catalog_csv(path: Path) -> Path:
    lines = ["title,artist,duration,genre,playlist"]
    for n, (artist, tags, playlist) in enumerate(NIGHT * 2 + STORM * 2 + FIESTA * 2):
        lines.append(f"Song {n:02d},{artist},{180 + (n * 37) % 120},{tags.replace(';', '|')},{playlist}")
    lines.append("Only In A Playlist,Nobody Known,200,,Night Drive")  # no genre: playlists only
    lines.append("Nothing Known,Somebody,200,,")  # no evidence at all
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
def test_csv_library_without_audio_gets_sound_moods_and_builds(tmp_path: Path) -> None:
    library = str(tmp_path / "lib.db")
    code, _, err = run("--library", library, "import", "csv", str(catalog_csv(tmp_path / "mine.csv")))
    assert code == 0, err
    code, out, err = run("--library", library, "moods", "infer")
    assert code == 0, err
    assert "Sound vectors for 31 of 32 tracks" in out + err
    with Store.open(library) as store:
        tracks = {t.name: t for t in store.tracks()}
        assert all(t.tempo is None and t.energy is None for t in tracks.values())
        assert tracks["Somebody - Nothing Known"].sound is None
        assert tracks["Nobody Known - Only In A Playlist"].sound is not None
        with_moods = [t for t in tracks.values() if t.moods]
        assert len(with_moods) >= 20
        assert "night-driving" in tracks["Kavinsky - Song 00"].moods
    code, out, err = run("--library", library, "moods", "explain", "Nobody Known - Only In A Playlist")
    assert code == 0, err
    assert "nearest genres" in out and "nearest tracks in sound:" in out
    neighbours = out.split("nearest tracks in sound:")[1]
    night_artists = {a for a, _, _ in NIGHT}
    listed = [line.split("  ", 2)[-1] for line in neighbours.strip().splitlines()[:5]]
    assert sum(any(a in line for a in night_artists) for line in listed) >= 4, listed
    code, out, err = run("--plain", "--library", library, "build", "night-drive", "--minutes", "20", "--seed", "1")
    assert code == 0, err
    assert "tracks" in out


@pytest.fixture
def spotify(monkeypatch: pytest.MonkeyPatch, isolated_dirs: Path) -> Iterator[FakeSpotify]:
    server = FakeSpotify(seed=3, catalog_size=0).serve_logged_in(monkeypatch, isolated_dirs / "config")
    yield server
    server.stop()
    assert server.violations == []


@pytest.mark.slow
def test_spotify_import_without_features_gets_sound_from_playlists_and_tags(
    spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Spotify refuses audio features: playlists are recorded on import, Last.fm gives crowd
    tags, and `moods infer` gives every track a sound vector and the tagged ones moods."""
    assert spotify.audio_features_allowed is False
    lists: dict[str, list[str]] = {}
    for n, (artist, _tags, playlist) in enumerate(NIGHT + STORM + FIESTA):
        track = spotify.add_track(f"Song {n:02d}", [artist], 200_000 + n * 1000)
        lists.setdefault(playlist, []).append(track["uri"])
    for number, (name, uris) in enumerate(lists.items()):
        pid = f"{'PQR'[number]}" * 22
        spotify.playlists[pid] = Playlist(pid, "alice", name, "", False, False, uris)
    library = str(tmp_path / "lib.db")
    args = ["--library", library, "import", "spotify"]
    for pid in spotify.playlists:
        args += ["--playlist", pid]
    code, _, err = run(*args)
    assert code == 0, err
    assert "audio features: not available" in err
    with FakeLastfm(api_key="k") as lastfm:
        for artist, tags, _ in NIGHT[:6] + STORM[:2] + FIESTA[:2]:  # the crowd knows some artists
            lastfm.artists[artist] = [(tag, 100) for tag in tags.split(";")]
        monkeypatch.setenv("LASTFM_API_KEY", "k")
        monkeypatch.setenv("MOODSEQ_LASTFM_API_URL", lastfm.url)
        code, _, err = run("--library", library, "enrich", "lastfm")
        assert code == 0, err
    code, out, err = run("--library", library, "moods", "infer")
    assert code == 0, err
    assert "Sound vectors for 15 of 15 tracks" in out + err
    with Store.open(library) as store:
        tracks = {t.artists[0]: t for t in store.tracks()}
        assert tracks["Kavinsky"].playlists == ("Night Drive",)
        assert tracks["Kavinsky"].year == 1982  # the fake's album release date
        assert all(t.sound is not None for t in tracks.values())
        assert all(t.energy is None and t.tempo is None for t in tracks.values())
        assert "night-driving" in tracks["Kavinsky"].moods
        untagged = tracks["Depeche Mode"]  # no Last.fm tags: its playlist places it
        assert untagged.sound is not None

        def cos(a: str, b: str) -> float:
            sa, sb = tracks[a].sound, tracks[b].sound
            assert sa is not None and sb is not None
            return sum(x * y for x, y in zip(sa, sb, strict=True))

        assert cos("Depeche Mode", "Kavinsky") > cos("Depeche Mode", "Daddy Yankee") + 0.3
    code, _, err = run("--plain", "--library", library, "build", "night-drive", "--minutes", "12", "--seed", "2")
    assert code == 0, err
