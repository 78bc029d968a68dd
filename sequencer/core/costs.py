"""The transition cost of ``flow.md`` v2 for every pair of a set of tracks at once (numpy).

:func:`sequencer.core.transitions.transition_cost` is the reference for one pair; the walk and
the order optimiser need all pairs of a few hundred candidates, so this module computes the
same numbers as a matrix: ``cost[i, j]`` = cost of playing ``tracks[j]`` right after
``tracks[i]`` (the diagonal is 0 and never used).  Terms unknown on either side are dropped and
the remaining weights renormalised; with no known term the cost is 0.5, exactly as for one pair.

Public: :func:`cost_matrix`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from sequencer.core.mood_similarity import MoodSimilarity
from sequencer.core.profile import TransitionWeights
from sequencer.core.track import Track
from sequencer.core.transitions import UNKNOWN_COST, camelot

Matrix = npt.NDArray[np.float64]

_LOG2_125 = math.log2(1.25)


def _mood_term(tracks: Sequence[Track], similarity: MoodSimilarity) -> tuple[Matrix, npt.NDArray[np.bool_]]:
    """1 − soft-cosine of the mood vectors under ``similarity``, and where it is known (both
    vectors non-zero)."""
    names = sorted({m for t in tracks for m in t.moods})
    index = {m: i for i, m in enumerate(names)}
    vectors = np.zeros((len(tracks), max(1, len(names))), dtype=np.float64)
    for row, track in enumerate(tracks):
        for mood, weight in track.moods.items():
            vectors[row, index[mood]] = weight
    s = np.eye(vectors.shape[1])
    for (a, b), value in similarity.pairs.items():
        if a in index and b in index:
            s[index[a], index[b]] = s[index[b], index[a]] = value
    projected = vectors @ s
    norms = np.sqrt(np.maximum((projected * vectors).sum(axis=1), 0.0))
    has = norms > 0
    safe = np.where(has, norms, 1.0)
    cos = np.clip((projected @ vectors.T) / safe[:, None] / safe[None, :], -1.0, 1.0)
    return np.clip(1.0 - cos, 0.0, 1.0), has[:, None] & has[None, :]


def _sound_term(tracks: Sequence[Track]) -> tuple[Matrix, npt.NDArray[np.bool_]]:
    """1 − max(0, cosine of the sound vectors), and where both are known (same length, non-zero)."""
    dims = max((len(t.sound) for t in tracks if t.sound), default=0)
    vectors = np.zeros((len(tracks), max(1, dims)), dtype=np.float64)
    for row, track in enumerate(tracks):
        if track.sound and len(track.sound) == dims:
            vectors[row, :dims] = track.sound
    norms = np.sqrt((vectors * vectors).sum(axis=1))
    has = norms > 0
    unit = vectors / np.where(has, norms, 1.0)[:, None]
    cos = unit @ unit.T
    np.clip(cos, 0.0, 1.0, out=cos)  # max(0, cos) of the cosine clipped to [−1, 1]
    np.subtract(1.0, cos, out=cos)
    return np.minimum(cos, 1.0, out=cos), has[:, None] & has[None, :]


def _column(tracks: Sequence[Track], name: str) -> npt.NDArray[np.float64]:
    """One attribute as floats, NaN where unknown."""
    return np.array(
        [np.nan if getattr(t, name) is None else float(getattr(t, name)) for t in tracks],
        dtype=np.float64,
    )


def _energy_term(tracks: Sequence[Track]) -> tuple[Matrix, npt.NDArray[np.bool_]]:
    """The absolute energy step (capped at 1) and where it is known."""
    energy = _column(tracks, "energy")
    known = ~np.isnan(energy)
    filled = np.where(known, energy, 0.0)
    return np.minimum(1.0, np.abs(filled[None, :] - filled[:, None])), known[:, None] & known[None, :]


def _tempo_term(tracks: Sequence[Track]) -> tuple[Matrix, npt.NDArray[np.bool_]]:
    """Tempo distance allowing half/double time, a 25 % jump costing 1, and where known."""
    tempo = _column(tracks, "tempo")
    known = ~np.isnan(tempo) & (np.nan_to_num(tempo, nan=0.0) > 0)
    logs = np.log2(np.where(known, tempo, 1.0))
    diff = logs[None, :] - logs[:, None]
    # best = min(|diff|, |diff + 1|, |diff − 1|), with as few n × n temporaries as possible
    best = np.abs(diff)
    other = np.add(diff, 1.0)
    np.abs(other, out=other)
    np.minimum(best, other, out=best)
    np.subtract(diff, 1.0, out=other)
    np.abs(other, out=other)
    np.minimum(best, other, out=best)
    np.divide(best, _LOG2_125, out=best)
    return np.minimum(best, 1.0, out=best), known[:, None] & known[None, :]


def _key_term(tracks: Sequence[Track]) -> tuple[Matrix, npt.NDArray[np.bool_]]:
    """Camelot-wheel distance (0 / 0.25 / 0.6 / 1) and where both keys and modes are known."""
    codes = np.zeros(len(tracks), dtype=np.intp)  # 2 × Camelot number + (letter == B)
    known = np.zeros(len(tracks), dtype=bool)
    for row, track in enumerate(tracks):
        if track.key is not None and track.mode is not None and track.key >= 0:
            number, letter = camelot(int(track.key), int(track.mode))
            codes[row], known[row] = 2 * number + (letter == "B"), True
    pairs = codes[:, None] * _KEY_CODES + codes[None, :]
    return _KEY_TABLE.take(pairs), known[:, None] & known[None, :]


def _key_table() -> Matrix:
    """The key term between every two codes of :func:`_key_term` (numbers 0 … 12, both
    letters), flattened: one lookup per pair of tracks."""
    numbers, letters = np.divmod(np.arange(_KEY_CODES), 2)
    forward = (numbers[:, None] - numbers[None, :]) % 12
    step = np.minimum(forward, (12 - forward) % 12)
    same_letter = letters[:, None] == letters[None, :]
    by_step = np.select([step == 0, step == 1, step == 2], [0.0, 0.25, 0.6], default=1.0)
    other_letter = np.where(step == 0, 0.25, 1.0)
    return np.where(same_letter, by_step, other_letter).ravel()


_KEY_CODES = 26
_KEY_TABLE = _key_table()


def cost_matrix(tracks: Sequence[Track], weights: TransitionWeights | None = None) -> Matrix:
    """All pairwise transition costs of ``tracks`` (``flow.md``), as an n × n float64 matrix.

    ``cost[i, j]`` equals ``transition_cost(tracks[i], tracks[j], weights).total`` (to rounding);
    the diagonal is 0.

    Examples
    --------
    >>> from sequencer.core.track import Track
    >>> x = Track("x", "X", ("A",), 200, energy=0.5, tempo=100, key=0, mode=1)
    >>> y = Track("y", "Y", ("B",), 200, energy=0.7, tempo=200, key=7, mode=1)
    >>> round(float(cost_matrix([x, y])[0, 1]), 4)
    0.1444
    """
    chosen = weights or TransitionWeights()
    w = chosen.as_dict()
    n = len(tracks)
    num = np.zeros((n, n), dtype=np.float64)
    den = np.zeros((n, n), dtype=np.float64)
    terms: dict[str, Callable[[Sequence[Track]], tuple[Matrix, npt.NDArray[np.bool_]]]] = {
        "mood": lambda ts: _mood_term(ts, chosen.similarity),
        "sound": _sound_term,
        "energy": _energy_term,
        "tempo": _tempo_term,
        "key": _key_term,
    }
    for name, term in terms.items():
        if w[name] <= 0:
            continue
        value, known = term(tracks)
        # in place (n × n temporaries cost more than the arithmetic): the weighted term added
        # where it is known, as ``num += where(known, w · value, 0)`` would
        np.multiply(value, w[name], out=value)
        np.add(num, value, out=num, where=known)
        np.add(den, w[name], out=den, where=known)
    some = den > 0
    np.divide(num, den, out=num, where=some)
    num[~some] = UNKNOWN_COST
    np.fill_diagonal(num, 0.0)
    return num
