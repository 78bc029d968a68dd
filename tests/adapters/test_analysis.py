"""Local audio analysis: key finding (pure numpy, always tested) and, with librosa installed,
tempo, key and energy measured on audio the tests synthesise."""

from __future__ import annotations

import importlib.util
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequencer.adapters import analysis
from sequencer.adapters.analysis import (
    KS_MAJOR,
    KS_MINOR,
    Analysis,
    Failure,
    audio_files,
    energy_from_loudness,
    key_from_chroma,
    tempo_from_beats,
)
from sequencer.errors import InputFileError, MoodseqError

SR = 22050


@given(key=st.integers(0, 11), minor=st.booleans(), noise_seed=st.integers(0, 2**16))
def test_key_profiles_find_their_own_key_even_with_some_noise(key: int, minor: bool, noise_seed: int) -> None:
    """A chroma shaped like a key's Krumhansl–Kessler profile (plus mild noise) is that key."""
    profile = np.roll(KS_MINOR if minor else KS_MAJOR, key)
    noisy = profile + np.random.default_rng(noise_seed).normal(0, 0.3, 12)
    found = key_from_chroma(noisy)
    assert (found.key, found.mode) == (key, 0 if minor else 1)
    assert found.correlation > 0.8


@pytest.mark.parametrize("root", range(12))
def test_triads_give_their_key(root: int) -> None:
    """A major triad's chroma is that major key; a minor triad's is that minor key."""
    major = np.zeros(12)
    major[[root, (root + 4) % 12, (root + 7) % 12]] = 1
    minor = np.zeros(12)
    minor[[root, (root + 3) % 12, (root + 7) % 12]] = 1
    assert (key_from_chroma(major).key, key_from_chroma(major).mode) == (root, 1)
    assert (key_from_chroma(minor).key, key_from_chroma(minor).mode) == (root, 0)


def test_chromagram_is_averaged_over_frames_and_bad_chroma_is_refused() -> None:
    """A (12, frames) chromagram is averaged; a flat or wrongly shaped chroma raises."""
    frames = np.tile(np.roll(KS_MINOR, 9)[:, None], (1, 5))
    assert key_from_chroma(frames).name == "A minor"
    with pytest.raises(ValueError, match="flat"):
        key_from_chroma(np.ones(12))
    with pytest.raises(ValueError, match="12 pitch classes"):
        key_from_chroma(np.ones(11))


def test_energy_and_tempo_helpers() -> None:
    """Loudness maps linearly to energy between −30 and −6 dBFS, clipped; beat times give
    the BPM of their regression slope, the fallback with too few beats."""
    assert [energy_from_loudness(x) for x in (-40, -30, -18, -6, 0)] == [0.0, 0.0, 0.5, 1.0, 1.0]
    jittered = np.arange(16) * 0.5 + np.random.default_rng(3).normal(0, 0.01, 16)
    assert tempo_from_beats(jittered, 0.0) == pytest.approx(120, rel=0.01)
    assert tempo_from_beats([0.0, 0.5], 117.0) == 117.0


def test_missing_librosa_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without librosa, analysing says how to install the audio extra."""
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(MoodseqError, match="needs librosa") as caught:
        analysis.analyse_files(["x.wav"])
    assert "moodseq[audio]" in (caught.value.hint or "")


def test_audio_files_lists_audio_by_extension(tmp_path: Path) -> None:
    """Only audio extensions are listed (any case, in subfolders); a missing folder is an error."""
    (tmp_path / "sub").mkdir()
    for name in ("a.MP3", "sub/b.flac", "notes.txt", "cover.jpg"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in audio_files(tmp_path)] == ["a.MP3", "b.flac"]
    with pytest.raises(InputFileError, match="no such folder"):
        audio_files(tmp_path / "absent")


# -- with librosa: synthesised audio ------------------------------------------------------------


def _write_wav(path: Path, signal: npt.NDArray[np.float64]) -> Path:
    data = (np.clip(signal, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SR)
        out.writeframes(data.tobytes())
    return path


def click_track(bpm: float, seconds: float = 8.0, amplitude: float = 0.8) -> npt.NDArray[np.float64]:
    """20 ms 1 kHz blips on every beat."""
    signal = np.zeros(int(SR * seconds))
    n = int(0.02 * SR)
    blip = np.sin(2 * np.pi * 1000 * np.arange(n) / SR) * np.hanning(n)
    for beat in range(int(seconds * bpm / 60)):
        start = round(beat * 60 / bpm * SR)
        end = min(start + n, signal.size)
        signal[start:end] += blip[: end - start]
    return amplitude * signal


def chord(midi_notes: list[int], seconds: float = 3.0, amplitude: float = 0.2) -> npt.NDArray[np.float64]:
    """A sustained chord of sine tones."""
    t = np.arange(int(SR * seconds)) / SR
    return np.asarray(sum(amplitude * np.sin(2 * np.pi * 440 * 2 ** ((m - 69) / 12) * t) for m in midi_notes))


@pytest.fixture(scope="module")
def audio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Synthesised files: clicks at 120 and 93 BPM, an A-minor and an E-flat-major chord, a
    quiet click track, and a file that is not audio."""
    pytest.importorskip("librosa")
    folder = tmp_path_factory.mktemp("audio")
    files = {
        "click120": _write_wav(folder / "click120.wav", click_track(120)),
        "click93": _write_wav(folder / "click93.wav", click_track(93)),
        "quiet": _write_wav(folder / "quiet.wav", click_track(120, amplitude=0.05)),
        "a_minor": _write_wav(folder / "a_minor.wav", chord([57, 60, 64])),
        "e_flat_major": _write_wav(folder / "e_flat_major.wav", chord([63, 67, 70])),
    }
    soundfile = pytest.importorskip("soundfile")
    flac = folder / "click120.flac"
    soundfile.write(str(flac), click_track(120), SR)
    files["click120_flac"] = flac
    bad = folder / "broken.mp3"
    bad.write_bytes(b"this is not audio at all")
    files["broken"] = bad
    yield files


def test_click_tracks_give_their_tempo_within_one_percent(audio: dict[str, Path]) -> None:
    """A click track at 120 BPM reads 120 ± 1 % (as WAV and as FLAC), one at 93 BPM 93 ± 1 %."""
    paths = [str(audio[n]) for n in ("click120", "click93", "click120_flac")]
    results = analysis.analyse_files(paths, workers=1)
    tempos = [r.tempo for r in results if isinstance(r, Analysis)]
    assert tempos == [pytest.approx(120, rel=0.01), pytest.approx(93, rel=0.01), pytest.approx(120, rel=0.01)]


def test_chords_give_their_key_and_louder_is_more_energetic(audio: dict[str, Path]) -> None:
    """A-minor and E-flat-major chords read as those keys; a quiet recording of the same click
    track has lower loudness and energy than the loud one."""
    paths = [str(audio[n]) for n in ("a_minor", "e_flat_major", "click120", "quiet")]
    a_minor, e_flat, loud, quiet = analysis.analyse_files(paths, workers=1)
    assert isinstance(a_minor, Analysis) and isinstance(e_flat, Analysis)
    assert (a_minor.key, a_minor.mode) == (9, 0)
    assert (e_flat.key, e_flat.mode) == (3, 1)
    assert isinstance(loud, Analysis) and isinstance(quiet, Analysis)
    assert quiet.loudness < loud.loudness - 20
    assert 0.0 <= quiet.energy < loud.energy <= 1.0


@pytest.mark.slow  # worker processes load librosa and numba's cache: ~5 s
def test_parallel_run_keeps_order_and_reports_unreadable_files(audio: dict[str, Path]) -> None:
    """Two worker processes: results come back in input order; the broken file is a Failure
    with a reason, not an exception; progress reaches the total."""
    paths = [str(audio["broken"]), str(audio["click120"]), str(audio["a_minor"])]
    seen: list[tuple[int, int]] = []
    results = analysis.analyse_files(paths, workers=2, progress=lambda d, t: seen.append((d, t)))
    assert isinstance(results[0], Failure) and results[0].path == paths[0] and results[0].reason
    assert [r.path for r in results] == paths
    assert isinstance(results[1], Analysis) and results[1].tempo == pytest.approx(120, rel=0.01)
    assert seen[-1] == (3, 3)


def test_analyse_library_stores_attributes_for_library_files_only(audio: dict[str, Path], tmp_path: Path) -> None:
    """Files of library tracks are analysed and stored (source "analysis"); other files are
    listed as not in the library; unreadable ones as failures; a rerun skips analysed tracks."""
    from sequencer.adapters.library.store import Store
    from sequencer.core.track import Track

    with Store.open(tmp_path / "lib.db") as store:
        store.upsert_tracks(
            [
                Track("c", "Clicks", ("Metronome",), 8.0, path=str(audio["click120"])),
                Track("b", "Broken", ("Nobody",), 8.0, path=str(audio["broken"])),
            ]
        )
        report = analysis.analyse_library(store, audio["click120"].parent, workers=1)
        assert report.analysed == 1 and [f.path for f in report.failures] == [str(audio["broken"])]
        assert len(report.not_in_library) == 5
        track = store.find("c")
        assert track.tempo == pytest.approx(120, rel=0.01) and track.energy is not None
        assert track.key is not None and track.mode is not None
        again = analysis.analyse_library(store, audio["click120"].parent, workers=1)
        assert again.analysed == 0 and again.already == 1


def test_one_audio_file_is_analysed_as_itself(tmp_path: Path) -> None:
    """`analyze night.flac` (one file, as `import files` takes) was click's "is a file"; an audio
    file lists itself, a file of another kind is still refused."""
    song = tmp_path / "Vangelis - Blush Response.flac"
    song.write_bytes(b"x")
    assert audio_files(song) == [song]
    other = tmp_path / "notes.txt"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(InputFileError, match="no such folder"):
        audio_files(other)
