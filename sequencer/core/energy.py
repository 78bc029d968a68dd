"""Energy estimates for tracks whose energy is unknown.

An arc can only be followed when tracks have an energy.  A track without one gets an estimate
from its moods: the weighted mean of each mood's typical energy (below), marked
``energy_estimated`` so explanations and exports can say so.  Moods not listed here count as
the neutral 0.5.  With no moods at all the track keeps ``energy=None``.

Public: :data:`MOOD_ENERGY`, :func:`estimate_energy`, :func:`with_estimated_energy`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sequencer.core.track import Track

#: Typical energy of a track that is purely this mood (Spotify-style energy, 0–1).
MOOD_ENERGY: Mapping[str, float] = {
    "atmospheric": 0.30,
    "brooding": 0.42,
    "angsty": 0.85,
    "night-driving": 0.66,
    "study": 0.30,
}


def estimate_energy(moods: Mapping[str, float], priors: Mapping[str, float] = MOOD_ENERGY) -> float | None:
    """Weighted mean of the moods' typical energies, or None without positive mood weights.

    Examples
    --------
    >>> estimate_energy({"angsty": 1.0, "study": 1.0})
    0.575
    """
    total = sum(w for w in moods.values() if w > 0)
    if total <= 0:
        return None
    value = sum(w * priors.get(m, 0.5) for m, w in moods.items() if w > 0) / total
    return round(value, 6)


def with_estimated_energy(tracks: Iterable[Track]) -> list[Track]:
    """The tracks, each without a known energy given an estimate from its moods."""
    out: list[Track] = []
    for track in tracks:
        if track.energy is None:
            guess = estimate_energy(track.moods)
            if guess is not None:
                track = track.evolve(energy=guess, energy_estimated=True)
        out.append(track)
    return out
