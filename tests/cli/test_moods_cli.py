"""`moodseq moods list|edit|infer|explain`, `moodseq enrich lastfm`, `moodseq analyze DIR`."""

from __future__ import annotations

import importlib.util
import stat
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sequencer.adapters.library.store import Store
from sequencer.cli.main import cli
from sequencer.core.track import Track
from tests.fakes.lastfm_server import FakeLastfm, Fault

TRACKS = [
    # low valence, mid energy, minor: brooding by its attributes
    Track(
        "blush",
        "Blush Response",
        ("Vangelis",),
        342.0,
        valence=0.1,
        energy=0.35,
        mode=0,
        speechiness=0.04,
        tempo=100.0,
        acousticness=0.3,
        instrumentalness=0.9,
        danceability=0.3,
    ),
    # loud, dark, electric: angsty
    Track(
        "crow",
        "Burn",
        ("The Cure",),
        400.0,
        valence=0.3,
        energy=0.95,
        acousticness=0.01,
        speechiness=0.05,
        mode=1,
        tempo=140.0,
    ),
    # nothing known
    Track("bare", "Nightcall", ("Kavinsky",), 258.0),
]


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A small library (MOODSEQ_LIBRARY) with a hand tag on "Blush Response"."""
    path = tmp_path / "lib.db"
    with Store.open(path) as store:
        store.upsert_tracks(TRACKS)
        store.set_moods("blush", {"atmospheric": 0.2}, source="hand")
    monkeypatch.setenv("MOODSEQ_LIBRARY", str(path))
    yield path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_every_mood_with_tags_and_region() -> None:
    """`moods list`: each built-in mood with its synonyms and region; the moods file's path."""
    code, out, err = _run("moods", "list")
    assert code == 0, err
    for name in ("atmospheric", "brooding", "angsty", "night-driving", "study"):
        assert name in out
    assert "synthwave 1" in out and "energy ≥ 0.82 (hard)" in out
    assert "moods.toml (not created yet)" in err


def test_edit_creates_a_starter_runs_the_editor_and_checks(
    tmp_path: Path, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`moods edit` writes a commented starter, opens $EDITOR on it and checks the result;
    the new mood then shows in `moods list` as changed by the user."""
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf \'[moods.dreamy]\\ntags = { "dream pop" = 1.0 }\\n\' >> "$1"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    code, out, err = _run("moods", "edit")
    assert code == 0, err
    path = isolated_dirs / "config" / "moods.toml"
    assert out.strip() == f"{path}: OK (dreamy; 6 moods in all)"
    assert "created" in err and path.read_text().startswith("# Your moods")
    code, out, _ = _run("moods", "list")
    assert "dreamy" in out and "[changed in your moods file]" in out
    assert _run("moods", "edit", "--path")[1].strip() == str(path)


def test_edit_check_reports_problems_with_file_and_line(isolated_dirs: Path) -> None:
    """A broken moods file: `moods edit --check` exits 2 with file:line on stderr."""
    path = isolated_dirs / "config" / "moods.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[moods.brooding.region]\nvalance = { max = 0.3 }\n")
    code, out, err = _run("moods", "edit", "--check")
    assert code == 2 and out == ""
    assert f"{path}:2: unknown attribute 'valance' in moods.brooding.region (did you mean 'valence'?)" in err


def test_edit_check_without_a_moods_file_says_there_is_none(isolated_dirs: Path) -> None:
    """`moods edit --check` before any moods file exists says so (was "moods.toml: OK" for a
    file that is not there) and creates nothing."""
    path = isolated_dirs / "config" / "moods.toml"
    code, out, err = _run("moods", "edit", "--check")
    assert code == 0, err
    assert out == f"no moods file at {path} yet: the built-in moods (5) are used\n"
    assert "`moodseq moods edit` creates it" in err
    assert not path.exists()


def test_history_of_a_profile_never_built_names_those_that_were(tmp_path: Path) -> None:
    """`history --profile P` with builds of other profiles only names them (was 'no builds
    recorded yet', which is false)."""
    from sequencer.adapters.library import history

    library = tmp_path / "lib.db"
    with Store.open(library) as store:
        store.upsert_tracks(
            [Track(id="", title=f"Song {n}", artists=(f"A{n}",), duration_s=200.0, energy=0.5) for n in range(30)]
        )
    code, _, err = _run("--library", str(library), "build", "study", "--minutes", "10", "--seed", "1")
    assert code == 0, err
    with Store.open(library) as store:
        assert [b.profile for b in history.list_builds(store)] == ["study"]
    code, out, err = _run("--library", str(library), "history", "--profile", "catharsis")
    assert code == 0 and out == ""
    assert "no builds of 'catharsis' recorded; there are builds of study" in err


def test_infer_stores_inferred_moods_and_keeps_hand_tags(library: Path) -> None:
    """`moods infer`: inferred weights are stored; the hand tag stays in use and untouched."""
    code, out, err = _run("moods", "infer")
    assert code == 0, err
    assert "Inferred moods for 3 tracks" in out
    assert "1 track has hand tags: they were left alone" in err  # singular for one
    with Store.open(library) as store:
        blush = store.find("blush")
        assert blush.moods["brooding"] > 0.5 and blush.moods["atmospheric"] == 0.2
        sources = store.mood_sources("blush")
        assert sources["atmospheric"][0] == ("hand", 0.2)
        assert [s for s, _ in sources["atmospheric"]] == ["hand", "inferred"]
        assert store.find("crow").moods["angsty"] > 0.5
        assert store.find("bare").moods == {}


def test_infer_dry_run_stores_nothing(library: Path) -> None:
    """`--dry-run` prints the summary and writes no mood."""
    code, out, _ = _run("moods", "infer", "--dry-run")
    assert code == 0 and out.startswith("Would infer moods for 3 tracks")
    with Store.open(library) as store:
        assert "brooding" not in store.find("blush").moods


def test_infer_without_a_library_is_a_clear_error() -> None:
    """No library yet: exit 2, the message names the path, the hint the import command."""
    code, _, err = _run("moods", "infer")
    assert code == 2
    assert "Error: no library at" in err and "hint: import music first" in err


def test_explain_shows_rules_and_tags_with_numbers(library: Path) -> None:
    """`moods explain REF` prints the formula, each rule's value and factor, each tag's
    contribution, and that the hand tag wins."""
    with Store.open(library) as store:
        store.set_tags("blush", {"dark ambient": 1.0}, source="lastfm", fetched_at="2026-11-22")
    _run("moods", "infer")
    code, out, err = _run("moods", "explain", "Vangelis - Blush Response")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Vangelis - Blush Response"
    brooding = next(line for line in lines if line.startswith("  brooding"))
    assert brooding == "  brooding 0.76 = 0.6 × tags 0.60 + 0.4 × attributes 1.00 = 0.76"
    assert "      tag 'dark ambient' 1.00 × 0.6 = 0.60" in lines
    assert "      valence 0.1 vs ≤ 0.3 (soft 0.25) → 1.00" in lines
    atmospheric = next(line for line in lines if line.startswith("  atmospheric"))
    assert atmospheric.endswith("[in use: hand 0.20, it wins]")


def test_explain_of_a_name_with_several_recordings_says_which_it_explains(library: Path) -> None:
    """`moods explain "Vangelis - Blush Response"` explained one of two recordings of that name
    silently: it names the one it explains (id and album) and the other, with the command."""
    with Store.open(library) as store:
        store.upsert_tracks([Track("blush2", "Blush Response", ("Vangelis",), 300.0, album="Esper Edition")])
        ids = store.same_name_ids("blush")
    assert ids == ["blush", "blush2"]
    code, out, err = _run("moods", "explain", "Vangelis - Blush Response")
    assert code == 0, err
    assert out.splitlines()[1] == (
        "  1 of 2 recordings of this name: this is blush; the other: blush2 (`moodseq moods explain blush2`)"
    )
    code, out, err = _run("moods", "explain", "blush2")  # an id is just that recording
    assert code == 0, err
    assert "recordings of this name" not in out


def test_explain_unknown_track_suggests(library: Path) -> None:
    """An unknown reference: exit 2 with the closest track as the hint."""
    code, _, err = _run("moods", "explain", "Vangelis - Blush Respons")
    assert code == 2 and "Blush Response" in err


def test_user_moods_file_changes_inference(library: Path, isolated_dirs: Path) -> None:
    """A synonym added in the user's moods file is used by `moods infer`."""
    path = isolated_dirs / "config" / "moods.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[moods.night-driving.tags]\n"french electro" = 1.0\n')
    with Store.open(library) as store:
        store.set_tags("bare", {"French Electro": 1.0}, source="lastfm", fetched_at="2026-11-22")
    assert _run("moods", "infer")[0] == 0
    with Store.open(library) as store:
        assert store.find("bare").moods == {"night-driving": 1.0}


# -- enrich lastfm ----------------------------------------------------------------------------


def test_enrich_without_key_says_where_to_get_one(library: Path) -> None:
    """No LASTFM_API_KEY: exit 2 with the key page in the hint, nothing asked."""
    code, _, err = _run("enrich", "lastfm")
    assert code == 2
    assert "Error: LASTFM_API_KEY is not set" in err and "last.fm/api/account/create" in err


def test_enrich_fetches_tags_then_infer_uses_them(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Against the fake: tags are fetched (artist fallback included) and `moods infer` turns
    "synthwave" into night-driving; a second run asks nothing."""
    with FakeLastfm(api_key="k") as fake:
        fake.tracks[("Kavinsky", "Nightcall")] = [("synthwave", 100), ("outrun", 60)]
        fake.artists["Vangelis"] = [("ambient", 100)]
        monkeypatch.setenv("LASTFM_API_KEY", "k")
        monkeypatch.setenv("MOODSEQ_LASTFM_API_URL", fake.url)
        code, out, err = _run("enrich", "lastfm")
        assert code == 0, err
        assert out.startswith("Tagged 2 of 3 tracks (1 with their artist's tags); 1 unknown to Last.fm")
        assert "moodseq moods infer" in err
        code, out, _ = _run("enrich", "lastfm")
        assert code == 0 and out.startswith("Every track has been asked about already")
    _run("moods", "infer")
    with Store.open(library) as store:
        assert store.find("bare").moods["night-driving"] == 1.0


def test_tags_fetched_after_infer_make_the_import_hint_say_infer_again(
    library: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Crowd tags do not move the library's change counter, so after `moods infer` then
    `enrich lastfm` an import must still say to run `moods infer` (not "it found none")."""
    extra = tmp_path / "extra.csv"
    extra.write_text("title,artist,duration_ms,energy,valence\nNew,Someone,200000,0.5,0.5\n", encoding="utf-8")
    assert _run("import", "csv", str(extra))[0] == 0
    assert _run("moods", "infer")[0] == 0
    assert "found none in their data" in _run("import", "csv", str(extra))[2]  # nothing new since
    with FakeLastfm(api_key="k") as fake:
        fake.tracks[("Kavinsky", "Nightcall")] = [("synthwave", 100)]
        monkeypatch.setenv("LASTFM_API_KEY", "k")
        monkeypatch.setenv("MOODSEQ_LASTFM_API_URL", fake.url)
        assert _run("enrich", "lastfm")[0] == 0
    code, out, err = _run("import", "csv", str(extra))
    assert code == 0, err
    assert "0 new, 0 updated, 1 unchanged" in out
    assert "found none in their data" not in err
    assert "no moods yet: run `moodseq moods infer`" in err


def test_enrich_network_failure_is_one_line_and_keeps_progress(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server fails after the first track: exit 2, "Error:" + hint on stderr, the first
    track's tags saved."""
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    with FakeLastfm(api_key="k") as fake:
        fake.tracks[("Vangelis", "Blush Response")] = [("ambient", 100)]
        fake.faults.extend([Fault(), *[Fault(http=503)] * 10])
        monkeypatch.setenv("LASTFM_API_KEY", "k")
        monkeypatch.setenv("MOODSEQ_LASTFM_API_URL", fake.url)
        code, out, err = _run("enrich", "lastfm")
    assert code == 2 and out == ""
    assert err.startswith("Error: Last.fm failed at") and "hint:" in err and "rerun to resume" in err
    with Store.open(library) as store:
        assert store.tags_bulk(source="lastfm") == {"blush": {"ambient": 1.0}}


# -- analyze ------------------------------------------------------------------------------------


def test_analyze_without_librosa_says_how_to_install(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without librosa: exit 2 and the install command for the audio extra."""
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    code, _, err = _run("analyze", str(tmp_path))
    assert code == 2 and "moodseq[audio]" in err


def test_analyze_stores_attributes_and_reports_unreadable_files(library: Path, tmp_path: Path) -> None:
    """`analyze DIR`: a click track in the library gets its tempo stored; an unreadable file
    is reported on stderr and skipped; other files are counted as not in the library."""
    pytest.importorskip("librosa")
    music = tmp_path / "music"
    music.mkdir()
    sr, bpm = 22050, 120
    signal = np.zeros(sr * 6)
    for beat in range(12):
        start = round(beat * 60 / bpm * sr)
        signal[start : start + 400] = 0.8 * np.sin(2 * np.pi * 1000 * np.arange(400) / sr)
    with wave.open(str(music / "clicks.wav"), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(sr)
        handle.writeframes((signal * 32767).astype("<i2").tobytes())
    (music / "broken.flac").write_bytes(b"not flac")
    (music / "other.wav").write_bytes(b"RIFF")
    with Store.open(library) as store:
        store.upsert_tracks(
            [
                Track("clk", "Clicks", ("Metronome",), 6.0, path=str(music / "clicks.wav")),
                Track("brk", "Broken", ("Nobody",), 6.0, path=str(music / "broken.flac")),
            ]
        )
    code, out, err = _run("analyze", str(music), "--workers", "1")
    assert code == 0, err
    assert out.strip() == ("Analysed 1 of 3 audio files (0 done before, 1 unreadable, 1 not in the library).")
    assert f"skipped {music / 'broken.flac'}:" in err
    with Store.open(library) as store:
        assert store.find("clk").tempo == pytest.approx(120, rel=0.01)


def test_starter_examples_are_valid_when_uncommented(tmp_path: Path) -> None:
    """Every example in the starter moods file parses and validates once uncommented."""
    import re

    from sequencer.adapters.moods_file import load_moods
    from sequencer.adapters.moods_starter import STARTER

    text = STARTER.format(builtin="x")
    examples = [line[2:] for line in text.splitlines() if re.match(r"^# (\[|[\w\"]+ *=)", line)]
    path = tmp_path / "moods.toml"
    path.write_text("\n".join(examples) + "\n")
    config = load_moods(path)
    assert config.settings.tag_share == 0.7
    assert "dreamy" in config.vocabulary.names
    assert not any(r.attribute == "instrumentalness" for r in config.vocabulary.moods["study"].rules)
    assert "sad" not in config.vocabulary.moods["brooding"].tags


def test_edit_without_an_editor_says_how_to_edit_the_file(isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`moods edit` with no $EDITOR and no terminal launches nothing: it creates the starter
    and says where it is and how to set an editor (exit 2, Error + hint), never click's bare
    "Editing failed" with exit 1."""
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    code, _out, err = _run("moods", "edit")
    path = isolated_dirs / "config" / "moods.toml"
    assert code == 2, err
    assert path.is_file() and "Error: no editor to open" in err
    assert f"hint: set $EDITOR (e.g. `export EDITOR=nano`), or edit {path} yourself" in err
    assert "moods edit --check" in err and "Traceback" not in err


def test_edit_with_a_missing_editor_is_an_error_with_a_hint(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An $EDITOR that cannot be run is an `Error:` naming it, with the same hint, exit 2."""
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    code, _out, err = _run("moods", "edit")
    assert code == 2, err
    assert "Error: could not run the editor '/nonexistent/editor'" in err
    assert "hint: set $EDITOR" in err


def test_analyze_a_folder_without_audio_says_so(library: Path, tmp_path: Path) -> None:
    """No audio file under the folder: one line saying so (was 'Analysed 0 of 0 audio files')."""
    pytest.importorskip("librosa")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not music", encoding="utf-8")
    code, out, err = _run("analyze", str(empty))
    assert code == 0, err
    assert out == ""
    assert f"no audio files under {empty} (MP3, FLAC, Ogg, M4A, WAV…): nothing to analyse" in err


def test_infer_report_counts_one_track_in_the_singular() -> None:
    """The `moods infer` report with one track per count: 'moods for 1 track', '1 track ' in the
    per-mood column (aligned with 'tracks'), '1 track fits no mood', '1 track has no evidence'."""
    from sequencer.adapters.mood_inference import InferenceSummary
    from sequencer.adapters.sound_space import SoundSummary
    from sequencer.cli.moods_text import inference_lines, sound_lines

    summary = InferenceSummary(
        tracks=1, from_attributes=1, from_tags=0, per_mood=(("brooding", 1, 0.5), ("study", 2, 0.4)), untouched=1
    )
    lines = inference_lines(summary, seconds=0.01, dry_run=False)
    assert lines[0].startswith("Inferred moods for 1 track in 0.01 s")
    assert lines[1] == "  brooding             1 track   mean weight 0.50"
    assert lines[2] == "  study                2 tracks  mean weight 0.40"
    assert lines[3].startswith("  (none)               1 track fits no mood")
    sound = sound_lines(SoundSummary(tracks=2, with_vector=1, written=1, from_genres=1, from_playlists=0, from_audio=0))
    assert sound[1].startswith("  1 track has no evidence of their sound")


def test_infer_evidence_counts_say_what_they_count(tmp_path: Path) -> None:
    """Two tracks with crowd tags, one of which names a mood: `moods infer` counts 1 with tags
    that name a mood where `library stats` counts 2 with crowd tags (it said "crowd tags for 1",
    which read as a disagreement); the sound line names the borrowed genres in its playlist
    count."""
    songs = tmp_path / "t.csv"
    songs.write_text("title,artist,duration_ms,tags\nA,X,200000,seen live\nB,Y,200000,dark ambient\n", encoding="utf-8")
    base = ["--library", str(tmp_path / "t.db")]
    runner = CliRunner()
    assert runner.invoke(cli, [*base, "import", "csv", str(songs)]).exit_code == 0
    inferred = runner.invoke(cli, [*base, "moods", "infer"])
    assert inferred.exit_code == 0, inferred.output
    assert "tags or playlist names that name a mood for 1)" in inferred.stdout
    assert "shared playlists or genres borrowed from them or the artist for 0" in inferred.stdout
    stats = runner.invoke(cli, [*base, "library", "stats"])
    assert "2 (100%) with crowd tags" in stats.stdout
