"""Local audio analysis: tempo, key and energy from the audio itself (optional extra ``audio``).

``pip install 'moodseq[audio]'`` brings librosa; without it, :func:`require_librosa` raises a
:class:`~sequencer.errors.MoodseqError` saying so.  This module imports librosa only inside the
functions that decode audio, so the numpy parts (key finding) work and are tested without it.

What is measured (stored as attributes with the source ``analysis``; hand values still win)
------------------------------------------------------------------------------------------
- ``tempo`` (BPM): librosa's beat tracker on the onset envelope; the BPM is then refined as
  60 / the slope of a straight line through the beat times (the tracker's own estimate is
  quantised to whole frame lags: 117.45 instead of 120).
- ``key`` (pitch class, C = 0) and ``mode`` (1 major, 0 minor): Krumhansl–Schmuckler — the
  track's mean chroma vector is correlated (Pearson) with the 24 rotations of the
  Krumhansl–Kessler major and minor key profiles; the best correlation wins
  (:func:`key_from_chroma`, pure numpy).
- ``loudness`` (dBFS): RMS level of the whole signal, 20·log10(RMS).
- ``energy`` in [0, 1]: the loudness mapped linearly from −30 dBFS (0) to −6 dBFS (1)
  (:func:`energy_from_loudness`).  A loudness proxy, not Spotify's perceptual energy: quiet
  masters read as calm.

Files are analysed in parallel worker processes (``concurrent.futures``, started from a fork
server that imported librosa once); a file that
cannot be decoded becomes a :class:`Failure` with the reason, never an exception.

Public: :data:`KS_MAJOR`, :data:`KS_MINOR`, :data:`AUDIO_EXTENSIONS`, :class:`KeyEstimate`,
:func:`key_from_chroma`, :func:`energy_from_loudness`, :func:`tempo_from_beats`,
:class:`Analysis`, :class:`Failure`, :func:`require_librosa`, :func:`analyse_file`,
:func:`analyse_files`, :func:`audio_files`, :class:`AnalyzeReport`, :func:`analyse_library`.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from sequencer.core.track import Track
from sequencer.errors import MoodseqError

#: Krumhansl–Kessler probe-tone ratings for C major and C minor (C, C♯, …, B).
KS_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
KS_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])

PITCH_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
AUDIO_EXTENSIONS = frozenset(
    {".mp3", ".flac", ".ogg", ".oga", ".opus", ".wav", ".aif", ".aiff", ".m4a", ".mp4", ".aac", ".wma", ".wv"}
)
SAMPLE_RATE = 22050
MAX_SECONDS = 180.0
"""Seconds of each file analysed (from the start): enough for tempo and key, bounded time."""
QUIET_DB, LOUD_DB = -30.0, -6.0
INSTALL_HINT = "install the audio extra: pip install 'moodseq[audio]' (it brings librosa)"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class KeyEstimate:
    """A key found from chroma: pitch class, mode and how well the profile fits."""

    key: int
    mode: int
    correlation: float
    """Pearson r of the chroma with the winning profile, in [−1, 1]."""

    @property
    def name(self) -> str:
        """E.g. ``A minor``."""
        return f"{PITCH_NAMES[self.key]} {'major' if self.mode == 1 else 'minor'}"


def key_from_chroma(chroma: npt.ArrayLike) -> KeyEstimate:
    """Krumhansl–Schmuckler key finding on a chroma vector (12,) or chromagram (12, frames).

    Examples
    --------
    >>> key_from_chroma([1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0]).name   # C, E, G
    'C major'
    >>> key_from_chroma(np.roll(KS_MINOR, 9)).name
    'A minor'
    """
    values = np.asarray(chroma, dtype=np.float64)
    if values.ndim == 2:
        values = values.mean(axis=1)
    if values.shape != (12,):
        raise ValueError(f"chroma must have 12 pitch classes, got shape {values.shape}")
    if not np.isfinite(values).all() or np.ptp(values) == 0.0:
        raise ValueError("chroma is flat or not finite: no key can be found")
    profiles = np.stack([np.roll(p, k) for p in (KS_MAJOR, KS_MINOR) for k in range(12)])
    centred = profiles - profiles.mean(axis=1, keepdims=True)
    x = values - values.mean()
    scores = centred @ x / (np.linalg.norm(centred, axis=1) * np.linalg.norm(x))
    best = int(np.argmax(scores))
    return KeyEstimate(key=best % 12, mode=1 if best < 12 else 0, correlation=float(scores[best]))


def energy_from_loudness(loudness_db: float) -> float:
    """Energy in [0, 1] from an RMS level in dBFS: −30 → 0, −6 → 1, linear between.

    >>> energy_from_loudness(-18.0)
    0.5
    """
    return float(np.clip((loudness_db - QUIET_DB) / (LOUD_DB - QUIET_DB), 0.0, 1.0))


def tempo_from_beats(beat_times: npt.ArrayLike, fallback: float) -> float:
    """BPM from beat times: 60 / the least-squares slope of time against beat number
    (``fallback`` with fewer than 4 beats).

    >>> tempo_from_beats([0.0, 0.5, 1.0, 1.5, 2.0], 0.0)
    120.0
    """
    times = np.asarray(beat_times, dtype=np.float64)
    if times.size < 4:
        return float(fallback)
    slope = float(np.polyfit(np.arange(times.size), times, 1)[0])
    return round(60.0 / slope, 2) if slope > 0 else float(fallback)


@dataclass(frozen=True)
class Analysis:
    """What was measured in one file."""

    path: str
    tempo: float | None
    key: int | None
    mode: int | None
    key_correlation: float | None
    loudness: float
    energy: float

    def attributes(self) -> dict[str, float]:
        """The values to store (unknown ones left out)."""
        values = {
            "tempo": self.tempo,
            "key": self.key,
            "mode": self.mode,
            "loudness": self.loudness,
            "energy": self.energy,
        }
        return {name: float(v) for name, v in values.items() if v is not None}


@dataclass(frozen=True)
class Failure:
    """A file that could not be analysed, and why."""

    path: str
    reason: str


def require_librosa() -> None:
    """Raise a MoodseqError with the install command when librosa is not installed."""
    if importlib.util.find_spec("librosa") is None:
        raise MoodseqError("audio analysis needs librosa, which is not installed", hint=INSTALL_HINT)


def analyse_file(path: str, *, max_seconds: float = MAX_SECONDS) -> Analysis:
    """Decode one file (first ``max_seconds``) and measure tempo, key, loudness and energy.

    Raises whatever the decoder raises for unreadable files, ValueError for silent or too
    short audio; :func:`analyse_files` turns both into :class:`Failure`.
    """
    import librosa

    with warnings.catch_warnings():  # audioread fallback warnings: failures are reported anyway
        warnings.simplefilter("ignore")
        y, sr = librosa.load(path, sr=SAMPLE_RATE, mono=True, duration=max_seconds)
    if y.size < sr:
        raise ValueError(f"only {y.size / sr:.2f} s of audio: too short to analyse")
    rms = float(np.sqrt(np.mean(np.square(y, dtype=np.float64))))
    if rms < 1e-5:
        raise ValueError("the audio is silent")
    loudness = round(float(20.0 * np.log10(rms)), 2)
    onsets = librosa.onset.onset_strength(y=y, sr=sr)
    estimate, beats = librosa.beat.beat_track(onset_envelope=onsets, sr=sr, units="time")
    first = float(np.atleast_1d(estimate)[0])
    tempo = tempo_from_beats(beats, first) if first > 0 else None
    try:
        key = key_from_chroma(librosa.feature.chroma_cqt(y=y, sr=sr))
    except ValueError:
        key = None
    return Analysis(
        path=path,
        tempo=tempo,
        key=None if key is None else key.key,
        mode=None if key is None else key.mode,
        key_correlation=None if key is None else round(key.correlation, 3),
        loudness=loudness,
        energy=round(energy_from_loudness(loudness), 3),
    )


def _analyse_safely(path: str, max_seconds: float) -> Analysis | Failure:
    """:func:`analyse_file`, with any failure turned into a :class:`Failure` (worker entry)."""
    try:
        return analyse_file(path, max_seconds=max_seconds)
    except Exception as error:  # why: a bad file must never stop the batch; the reason is kept
        reason = str(error).strip() or type(error).__name__
        return Failure(path, f"{type(error).__name__}: {reason}"[:300])


#: Modules the fork server imports once, so each worker starts with librosa loaded.
PRELOAD = ["sequencer.adapters.analysis", "librosa.core.audio", "librosa.onset", "librosa.beat", "librosa.feature"]


def _worker_context() -> multiprocessing.context.BaseContext:
    """Start workers from a fork server that has imported librosa once (its import and numba's
    cache loading take seconds); spawn where there is no fork server (Windows, macOS)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def analyse_files(
    paths: Sequence[str],
    *,
    workers: int | None = None,
    max_seconds: float = MAX_SECONDS,
    progress: Progress | None = None,
) -> list[Analysis | Failure]:
    """Analyse files in parallel processes; results in the order of ``paths``."""
    require_librosa()
    total = len(paths)
    workers = max(1, min(workers or (os.cpu_count() or 1), total or 1))
    results: dict[int, Analysis | Failure] = {}
    if workers == 1:
        for index, path in enumerate(paths):
            results[index] = _analyse_safely(path, max_seconds)
            if progress is not None:
                progress(index + 1, total)
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_worker_context()) as pool:
            futures = {pool.submit(_analyse_safely, p, max_seconds): i for i, p in enumerate(paths)}
            for done, future in enumerate(as_completed(futures), start=1):
                results[futures[future]] = future.result()
                if progress is not None:
                    progress(done, total)
    return [results[i] for i in range(total)]


def audio_files(folder: Path) -> list[Path]:
    """Audio files under ``folder`` (by extension), sorted; an audio file itself is itself (as
    `import files FILE` takes one)."""
    if folder.is_file() and folder.suffix.lower() in AUDIO_EXTENSIONS:
        return [folder]
    if not folder.is_dir():
        from sequencer.errors import InputFileError

        raise InputFileError(f"no such folder: {folder}", hint="give the folder holding your music")
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in AUDIO_EXTENSIONS and p.is_file())


class AttributeStore(Protocol):
    """What :func:`analyse_library` needs of the library."""

    def tracks(self) -> list[Track]:
        """Every track."""

    def set_attributes(self, track_id: str, attrs: Mapping[str, float], *, source: str) -> None:
        """Store attribute values from ``source``."""


@dataclass
class AnalyzeReport:
    """What ``moodseq analyze`` did."""

    files: int = 0
    analysed: int = 0
    already: int = 0
    """Files whose track already had tempo, key, mode and energy (left alone without --redo)."""
    not_in_library: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    results: list[Analysis] = field(default_factory=list)


def _resolved(path: str | Path) -> str:
    return str(Path(path).expanduser().resolve())


def analyse_library(
    store: AttributeStore,
    folder: Path,
    *,
    redo: bool = False,
    workers: int | None = None,
    max_seconds: float = MAX_SECONDS,
    progress: Progress | None = None,
) -> AnalyzeReport:
    """Analyse the library's tracks whose files lie under ``folder`` and store the results
    with the source ``analysis``.  Files not in the library are listed, not analysed."""
    require_librosa()
    files = audio_files(folder)
    by_path: dict[str, Track] = {_resolved(t.path): t for t in store.tracks() if t.path}
    report = AnalyzeReport(files=len(files))
    todo: list[tuple[str, Track]] = []
    for path in files:
        track = by_path.get(_resolved(path))
        if track is None:
            report.not_in_library.append(str(path))
        elif not redo and all(getattr(track, a) is not None for a in ("tempo", "key", "mode", "energy")):
            report.already += 1
        else:
            todo.append((str(path), track))
    results = analyse_files([p for p, _ in todo], workers=workers, max_seconds=max_seconds, progress=progress)
    for (_, track), result in zip(todo, results, strict=True):
        if isinstance(result, Failure):
            report.failures.append(result)
            continue
        store.set_attributes(track.id, result.attributes(), source="analysis")
        report.analysed += 1
        report.results.append(result)
    return report


def describe(result: Analysis) -> Mapping[str, Any]:
    """A result as plain values for printing."""
    key = (
        f"{PITCH_NAMES[result.key]} {'major' if result.mode == 1 else 'minor'}" if result.key is not None else "unknown"
    )
    return {"tempo": result.tempo, "key": key, "loudness": result.loudness, "energy": result.energy}
