"""Keep what you like: rebuild a playlist around locked tracks that stay in place.

Given a previous playlist and the positions to keep, the kept tracks stay in the same order at
about the same time (each gap between them is refilled to the length it had, within a share of
the profile's tolerance), and the rest is re-rolled:

- consecutive kept tracks form a *block*; the gaps before the first block, between blocks and
  after the last are rebuilt one by one, left to right, each by the walk
  (:func:`sequencer.core.build.solve_tracks`) with the neighbouring kept tracks pinned as its
  first/last track and the profile's arc cut to the gap's stretch of time;
- a gap that came out longer or shorter than planned is made up for by the next one, so the
  whole stays in the profile's window;
- the previous playlist's other songs are made less likely (as ``--fresh`` does), so the gaps
  are re-rolled rather than refilled with the same tracks;
- no song is used twice across gaps (songs already placed are left out of later gaps), artists
  within the artist gap on the far side of a kept track are left out of the gap next to it, and
  with per-artist/album caps an artist or album used outside a gap is left out of it, so the
  whole playlist keeps every hard rule; the last gap is held to what keeps the total in the
  profile's window; the result is checked as a whole.

Public: :func:`build_keeping`, :func:`segments`.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Collection, Sequence

from sequencer.core.arcs import target_at
from sequencer.core.build import Progress, check_sequence, solve_tracks
from sequencer.core.energy import with_estimated_energy
from sequencer.core.living import TrackBias, combine
from sequencer.core.profile import Profile
from sequencer.core.sequence import Sequence as PlaylistSequence
from sequencer.core.sequence import make_sequence
from sequencer.core.track import Track, normalise_text, song_key
from sequencer.errors import ImpossibleConstraintsError, InputFileError

#: Smallest tolerance a gap gets, in seconds (a one-track gap needs some room).
MIN_GAP_TOLERANCE_S = 45.0
#: Fit taken from the previous playlist's songs that were not kept, so the gaps are re-rolled.
REROLL_PENALTY = 0.3
#: Points the arc of a gap is sampled at.
ARC_SAMPLES = 9


def segments(count: int, kept: Collection[int]) -> list[tuple[int | None, int | None, int, int]]:
    """The gaps to refill: (pinned first index or None, pinned last index or None, first
    refilled index, last refilled index) over positions ``0 … count-1`` with ``kept`` locked.

    Examples
    --------
    >>> segments(6, {2, 3})
    [(None, 2, 0, 1), (3, None, 4, 5)]
    """
    locked = sorted(set(kept))
    out: list[tuple[int | None, int | None, int, int]] = []
    previous: int | None = None
    for index in [*locked, None]:
        lo = 0 if previous is None else previous + 1
        hi = count - 1 if index is None else index - 1
        if lo <= hi:
            out.append((previous, index, lo, hi))
        previous = index if index is not None else previous
    return out


def _arc_slice(
    arc: Sequence[tuple[float, float]] | None, lo: float, hi: float
) -> tuple[tuple[float, float], ...] | None:
    """The arc between relative times ``lo`` and ``hi``, stretched over [0, 1]."""
    if arc is None or hi <= lo:
        return None if arc is None else ((0.0, target_at(arc, lo)), (1.0, target_at(arc, lo)))
    steps = [i / (ARC_SAMPLES - 1) for i in range(ARC_SAMPLES)]
    return tuple((round(u, 6), target_at(arc, lo + u * (hi - lo))) for u in steps)


def _artists(tracks: Sequence[Track]) -> frozenset[str]:
    return frozenset(normalise_text(a) for t in tracks for a in t.artists)


def build_keeping(
    library: Sequence[Track],
    profile: Profile,
    previous: Sequence[Track],
    kept: Collection[int],
    *,
    seed: int | None = None,
    bias: TrackBias | None = None,
    progress: Progress | None = None,
) -> PlaylistSequence:
    """A new playlist for ``profile`` in which ``previous``'s tracks at positions ``kept``
    (0-based) stay in place and the rest is rebuilt from ``library``.

    Raises
    ------
    InputFileError
        when a kept position is outside the previous playlist.
    ImpossibleConstraintsError
        when a gap cannot be refilled, naming the gap and what binds.
    """
    if seed is None:
        seed = profile.variety.seed if profile.variety.seed is not None else random.randrange(1, 100_000)
    bad = sorted(k + 1 for k in kept if not 0 <= k < len(previous))
    if bad:
        raise InputFileError(
            f"--keep {bad[0]}: the previous playlist has {len(previous)} tracks",
            hint=f"keep positions 1 to {len(previous)}, or name the tracks",
        )
    old = with_estimated_energy(previous)
    pool = with_estimated_energy(library)
    locked = sorted(set(kept))
    starts = [sum(t.duration_s for t in old[:i]) for i in range(len(old) + 1)]
    total = starts[-1]
    gaps = segments(len(old), locked)
    refill = sum(starts[hi + 1] - starts[lo] for _, _, lo, hi in gaps) or 1.0
    used = {song_key(old[i].artists, old[i].title) for i in locked}
    unkept = [song_key(t.artists, t.title) for i, t in enumerate(old) if i not in set(locked)]
    reroll = TrackBias(fit_delta=dict.fromkeys(set(unkept) - used, -REROLL_PENALTY))
    bias = combine(bias, reroll) if bias is not None else reroll
    by_start = {gap[2]: gap for gap in gaps}
    tracks: list[Track] = []
    index = 0
    while index < len(old):
        if index not in by_start:
            tracks.append(old[index])
            index += 1
            continue
        first_i, last_i, lo, hi = by_start[index]
        span_lo = starts[first_i] if first_i is not None else starts[lo]
        span_hi = starts[last_i + 1] if last_i is not None else starts[hi + 1]
        tolerance = max(MIN_GAP_TOLERANCE_S, profile.tolerance_s * (starts[hi + 1] - starts[lo]) / refill)
        # earlier gaps came out longer or shorter than planned: this one makes up for it
        drift = sum(t.duration_s for t in tracks) - starts[lo]
        pins = sum(t.duration_s for t in (old[i] for i in (first_i, last_i) if i is not None))
        want = max(span_hi - span_lo - drift, pins + MIN_GAP_TOLERANCE_S)
        low, high = want - tolerance, want + tolerance
        if hi == gaps[-1][3]:  # the last gap decides the total: keep it inside the profile's window
            rest = sum(t.duration_s for t in tracks) + (starts[-1] - starts[hi + 1]) - pins
            low, high = max(low, profile.window_s[0] - rest), min(high, profile.window_s[1] - rest)
            if low > high:
                low, high = profile.window_s[0] - rest, profile.window_s[1] - rest
        sub = dataclasses.replace(
            profile,
            minutes=max((low + high) / 2, 1.0) / 60.0,
            tolerance_minutes=max((high - low) / 2, 1.0) / 60.0,
            arc=_arc_slice(profile.arc, span_lo / total, span_hi / total),
            constraints=dataclasses.replace(profile.constraints, start=None, end=None),
        )
        gap_rule = profile.constraints.artist_gap
        near = tracks[:-1][-gap_rule:] if first_i is not None and gap_rule > 0 else []
        if last_i is not None and gap_rule > 0:
            near = [*near, *old[last_i + 1 : last_i + 1 + gap_rule]]
        first = old[first_i] if first_i is not None else None
        last = old[last_i] if last_i is not None else None
        avoid = TrackBias(avoid=frozenset(used))
        try:
            chosen = solve_tracks(
                pool,
                sub,
                first,
                last,
                seed=seed,
                progress=progress,
                bias=combine(bias, avoid),
                leave_out=_rules_across_gaps(profile, _artists(near), [*tracks, *old[hi + 1 :]]),
            )
        except ImpossibleConstraintsError as error:
            raise ImpossibleConstraintsError(
                f"cannot refill positions {lo + 1}–{hi + 1} around the kept tracks: {error.message}",
                hint="keep fewer tracks, keep tracks further apart, or relax the profile",
            ) from None
        pinned = {t.id for t in (first, last) if t is not None}
        inner = [t for t in chosen if t.id not in pinned]
        _check_refill(profile, tracks, old[lo : hi + 1], inner, old[hi + 1 :], (lo, hi))
        tracks.extend(inner)
        used |= {song_key(t.artists, t.title) for t in inner}
        index = hi + 1
    sequence = make_sequence(tracks, profile, seed=seed, mode="build")
    broken = check_sequence(sequence)
    if broken.total > 0:
        raise ImpossibleConstraintsError(
            f"the playlist around the kept tracks breaks the profile's rules ({_what(broken)})",
            hint="keep fewer tracks, or relax the profile's constraints",
        )
    kept_names = ", ".join(f"{i + 1}" for i in locked)
    note = f"kept {len(locked)} track{'s' if len(locked) != 1 else ''} in place (positions {kept_names})"
    return dataclasses.replace(sequence, warnings=(note, *sequence.warnings))


def _rules_across_gaps(
    profile: Profile, near: frozenset[str], outside: Sequence[Track]
) -> Callable[[Track], str | None]:
    """What a gap may not use so the whole playlist keeps the rules the walk sees only inside
    the gap: artists within the artist gap across a kept track, and — when the profile caps
    tracks per artist or album — any artist or album already used outside the gap (kept tracks
    and earlier gaps), so each capped artist's tracks come from one place."""
    caps = profile.constraints
    used_artists = {normalise_text(a) for t in outside for a in t.artists} if caps.max_per_artist else set()
    used_albums = {normalise_text(t.album) for t in outside if t.album} if caps.max_per_album else set()

    def reason(track: Track) -> str | None:
        names = {normalise_text(a) for a in track.artists}
        if names & near:
            return "artist next to a kept track"
        if names & used_artists:
            return "max_per_artist across kept tracks"
        if track.album and normalise_text(track.album) in used_albums:
            return "max_per_album across kept tracks"
        return None

    return reason


def _check_refill(
    profile: Profile,
    before: Sequence[Track],
    gap: Sequence[Track],
    inner: Sequence[Track],
    after: Sequence[Track],
    positions: tuple[int, int],
) -> None:
    """Raise when a gap's refill breaks a rule the playlist kept with the gap's old tracks: a
    refill of fewer tracks can bring two kept tracks by one artist closer than ``artist_gap``
    (Boards of Canada at 2 and 6 with a two-track gap between refilled with one)."""
    was = _placement(check_sequence(make_sequence([*before, *gap, *after], profile, mode="build")))
    now = check_sequence(make_sequence([*before, *inner, *after], profile, mode="build"))
    if _placement(now) > was:  # the length is the later gaps' to make up for
        lo, hi = positions
        found = f"{len(inner)} tracks found for them break" if len(inner) != 1 else "1 track found for them breaks"
        raise ImpossibleConstraintsError(
            f"cannot refill positions {lo + 1}–{hi + 1} around the kept tracks: the {found} the profile's "
            f"rules ({_what(now)}) with the kept tracks around them",
            hint="keep fewer tracks, keep tracks further apart, or relax the profile",
        )


def _placement(broken: object) -> float:
    """The rules of where tracks stand (artist gap, caps, a song twice), not the length."""
    fields = dataclasses.asdict(broken)  # type: ignore[call-overload]  # why: a Violations dataclass
    return float(sum(fields.get(name, 0) for name in ("artist_gap", "per_artist", "per_album", "songs")))


def _what(broken: object) -> str:
    fields = dataclasses.asdict(broken)  # type: ignore[call-overload]  # why: a Violations dataclass
    return ", ".join(f"{name} {value:g}" for name, value in fields.items() if value)
