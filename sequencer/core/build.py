"""Building playlists: the one entry point from tracks and a profile to a :class:`Sequence`.

Pipeline of :func:`build_playlist` (each step one call)::

    tracks ─ estimate missing energies ─ resolve start/end ─ candidates (exclusions, fit,
    stratified) ─ cost matrix + networkx graph (k nearest) ─ walk (select + order) ─ checks
    ─ make_sequence

Hard constraints (``flow.md``) are never broken: when the walk cannot meet them the build
raises :class:`~sequencer.errors.ImpossibleConstraintsError` naming the constraint that binds
and how close it got, instead of returning a short or invalid playlist.

:func:`reorder_tracks` keeps a given set of tracks and only finds the best order (the profile's
whole objective, or the flow cost alone);
:func:`find_track` resolves ``"Artist - Title"``, a title or an id, with suggestions on a miss.

``bias`` (:class:`~sequencer.core.living.TrackBias`) leaves songs out or nudges their fit for
the walk's choice only — how history (freshness, ``--like-previous``) reaches a build without
the walk knowing of it; :func:`solve_tracks` is the one walk call, also used per segment by
:mod:`sequencer.core.keep`.

Public: :func:`build_playlist`, :func:`solve_tracks`, :func:`reorder_tracks`, :func:`find_track`,
:func:`candidate_pool` (matching names to tracks: :mod:`sequencer.core.refs`).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import random
from collections.abc import Callable, Sequence

from sequencer.core.candidates import CandidateSet, exclusion_reason, select_candidates
from sequencer.core.costs import cost_matrix
from sequencer.core.energy import with_estimated_energy
from sequencer.core.graph import build_graph, journey_path, neighbours_from_cost
from sequencer.core.living import TrackBias
from sequencer.core.moods import cosine
from sequencer.core.profile import Profile
from sequencer.core.refs import match_track, resolve_refs
from sequencer.core.scoring import mood_fit
from sequencer.core.sequence import Sequence as PlaylistSequence
from sequencer.core.sequence import Step, make_sequence
from sequencer.core.shortfall import context_warnings
from sequencer.core.track import Track, normalise_text, song_key
from sequencer.core.walk import JourneyTarget, Violations, WalkProblem, order_tracks, violations, walk
from sequencer.errors import ImpossibleConstraintsError, TrackNotFoundError

Progress = Callable[[int, int], None]

#: Arc error above which the build warns that the library lacks the energies the arc asks for.
ARC_WARNING = 0.12


# --- finding tracks -------------------------------------------------------------------------


def find_track(tracks: Sequence[Track], ref: str) -> Track:
    """The track ``ref`` names: an id, a Spotify URI or link, ``"Artist - Title"`` or a bare
    title (first match).

    Titles match ignoring case, accents, punctuation and remaster/version suffixes.

    Raises
    ------
    TrackNotFoundError
        with "did you mean …" for the closest names when nothing matches.
    """
    found = match_track(tracks, ref)
    if found is not None:
        return found
    raise TrackNotFoundError(f"no track matches {ref!r}", hint=_suggest(tracks, ref))


def _suggest(tracks: Sequence[Track], ref: str) -> str:
    """ "did you mean …" for the closest track names, the artist's own tracks when ``ref`` is an
    artist's name, or how to look."""
    wanted = normalise_text(ref)
    by_artist = [t.name for t in tracks if wanted in {normalise_text(a) for a in t.artists}]
    if by_artist:
        examples = " or ".join(repr(n) for n in list(dict.fromkeys(by_artist))[:2])
        return f"{ref!r} is an artist: name one of their tracks, e.g. {examples}"
    names = {normalise_text(t.name): t.name for t in tracks}
    names.update({normalise_text(t.title): t.name for t in tracks})
    close = difflib.get_close_matches(normalise_text(ref), list(names), n=3, cutoff=0.5)
    if close:
        unique = list(dict.fromkeys(names[c] for c in close))
        return "did you mean " + " or ".join(repr(n) for n in unique) + "?"
    return 'write it as "Artist - Title" exactly as the library has it, or use the track id'


# --- building -------------------------------------------------------------------------------


def _pin(
    tracks: Sequence[Track], profile: Profile, start: str | None, end: str | None
) -> tuple[Track | None, Track | None]:
    """Resolve the fixed first/last tracks (arguments override the profile) and check them."""
    start_ref = start if start is not None else profile.constraints.start
    end_ref = end if end is not None else profile.constraints.end
    first = find_track(tracks, start_ref) if start_ref else None
    last = find_track(tracks, end_ref) if end_ref else None
    high = profile.window_s[1]
    for role, track in (("start", first), ("end", last)):
        if track is None:
            continue
        reason = exclusion_reason(track, profile.constraints, high)
        if reason is not None:
            raise ImpossibleConstraintsError(
                f"the {role} track {track.name!r} is ruled out by the profile ({reason})",
                hint=f"choose another {role} track or relax the profile's constraints",
            )
    if first is not None and last is not None:
        if first.id == last.id or song_key(first.artists, first.title) == song_key(last.artists, last.title):
            raise ImpossibleConstraintsError(
                f"start and end are the same song ({first.name!r}): no song may play twice",
                hint="choose a different end track",
            )
        both = first.duration_s + last.duration_s
        if both > high:
            raise ImpossibleConstraintsError(
                f"start and end alone last {both / 60:.1f} minutes, more than the {high / 60:.1f} allowed",
                hint=f"build at least {math.ceil(both / 60)} minutes (--minutes, or minutes in the profile), "
                "or choose shorter start and end tracks",
            )
    return first, last


def _must_include(tracks: Sequence[Track], profile: Profile, pinned: Sequence[Track]) -> list[Track]:
    """The profile's must-include tracks, checked: each in the library and not ruled out."""
    refs = profile.constraints.must_include
    found, missing = resolve_refs(tracks, refs)
    if missing:
        raise TrackNotFoundError(
            f"must_include names {len(missing)} track(s) not in the library: {', '.join(repr(m) for m in missing)}",
            hint=_suggest(tracks, missing[0]),
        )
    high = profile.window_s[1]
    for track in found:
        reason = exclusion_reason(track, profile.constraints, high)
        if reason is not None:
            raise ImpossibleConstraintsError(
                f"the must-include track {track.name!r} is ruled out by the profile ({reason})",
                hint="remove it from must_include or relax the profile's constraints",
            )
    if sum(t.duration_s for t in found) > high:
        raise ImpossibleConstraintsError(
            f"the must-include tracks alone last more than the {high / 60:.1f} minutes allowed",
            hint="include fewer tracks or raise minutes in the profile",
        )
    pinned_ids = {t.id for t in pinned}
    return [t for t in found if t.id not in pinned_ids]


def _ids(values: Sequence[str]) -> tuple[list[int], dict[str, int]]:
    """Small integer ids for strings (first come, first numbered)."""
    table: dict[str, int] = {}
    return [table.setdefault(v, len(table)) for v in values], table


def _journey(cands: CandidateSet, profile: Profile, weight: float) -> JourneyTarget:
    """Each candidate's mood cosine with the journey's first and last track."""
    a, b = cands.tracks[0], cands.tracks[1]
    dot_a = [cosine(t.moods, a.moods) or 0.0 for t in cands.tracks]
    dot_b = [cosine(t.moods, b.moods) or 0.0 for t in cands.tracks]
    return JourneyTarget(dot_a=dot_a, dot_b=dot_b, dot_ab=cosine(a.moods, b.moods) or 0.0, weight=weight)


def _biased_fits(cands: CandidateSet, bias: TrackBias | None) -> list[float]:
    """The candidates' fits as the walk weighs them: the real fit plus the bias's nudge."""
    if not bias or not bias.fit_delta:
        return list(cands.fits)
    return [f + bias.delta(song_key(t.artists, t.title)) for f, t in zip(cands.fits, cands.tracks, strict=True)]


def _problem(
    cands: CandidateSet,
    profile: Profile,
    first: Track | None,
    last: Track | None,
    journey: bool,
    bias: TrackBias | None = None,
    required: Sequence[Track] = (),
    *,
    graph_needed: bool = True,
) -> WalkProblem:
    """State the walk's problem on the candidates (pinned tracks are the first entries).
    Without ``graph_needed`` (an order-only problem) no neighbour graph is built."""
    tracks = cands.tracks
    cost = cost_matrix(tracks, profile.transition)
    graph = build_graph(tracks, cost) if journey else None
    start = 0 if first is not None else None
    end = (1 if first is not None else 0) if last is not None else None
    artist_names = [[normalise_text(a) for a in t.artists] for t in tracks]
    _, table = _ids([a for names in artist_names for a in names])
    artists = [tuple(table[a] for a in names) for names in artist_names]
    albums_raw = [normalise_text(t.album) for t in tracks]
    album_ids, _ = _ids(albums_raw)
    albums = [i if raw else -1 for i, raw in zip(album_ids, albums_raw, strict=True)]
    songs, _ = _ids([song_key(t.artists, t.title) for t in tracks])
    c = profile.constraints
    arc = profile.arc
    target = None
    backbone = None
    if journey and first is not None and last is not None:
        target = _journey(cands, profile, weight=max(profile.weights.arc, 0.5))
        assert start is not None and end is not None and graph is not None
        backbone = journey_path(graph, start, end)
    return WalkProblem(
        durations=[t.duration_s for t in tracks],
        energies=[math.nan if t.energy is None else float(t.energy) for t in tracks],
        fits=_biased_fits(cands, bias),
        cost=cost,
        artists=artists,
        albums=albums,
        songs=songs,
        window=profile.window_s,
        target_s=profile.minutes * 60.0,
        start=start,
        end=end,
        artist_gap=c.artist_gap,
        max_per_artist=c.max_per_artist,
        max_per_album=c.max_per_album,
        w_flow=profile.weights.flow,
        w_arc=profile.weights.arc,
        w_fit=profile.weights.fit,
        arc=arc,
        journey=target,
        neighbours=neighbours_from_cost(cost) if graph_needed or journey else [],
        temperature=profile.variety.temperature,
        reported_fits=[mood_fit(profile.moods, t) for t in tracks],
        backbone=backbone,
        required=frozenset(i for i, t in enumerate(tracks) if any(t.id == r.id for r in required)),
    )


def _capacity(tracks: Sequence[Track], profile: Profile) -> tuple[float, float]:
    """Most seconds the candidates can give: (songs counted once, and also under the caps)."""
    longest: dict[str, Track] = {}
    for t in tracks:
        key = song_key(t.artists, t.title)
        if key not in longest or t.duration_s > longest[key].duration_s:
            longest[key] = t
    unique = sorted(longest.values(), key=lambda t: -t.duration_s)
    cap = profile.constraints.max_per_artist
    if cap is None:
        return sum(t.duration_s for t in unique), sum(t.duration_s for t in unique)
    count: dict[str, int] = {}
    capped = 0.0
    for t in unique:
        artist = normalise_text(t.artists[0]) if t.artists else ""
        if count.get(artist, 0) < cap:
            count[artist] = count.get(artist, 0) + 1
            capped += t.duration_s
    return sum(t.duration_s for t in unique), capped


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f}" if abs(seconds / 60 - round(seconds / 60)) < 0.05 else f"{seconds / 60:.1f}"


def _check_capacity(cands: CandidateSet, profile: Profile) -> None:
    """Fail early, naming the binding constraint, when the candidates cannot fill the window."""
    low, high = profile.window_s
    unique, capped = _capacity(cands.tracks, profile)
    want = f"{_minutes(low)}–{_minutes(high)} minutes"
    if unique < low or not cands.tracks:
        raise ImpossibleConstraintsError(
            f"only {_minutes(unique)} of {_minutes(profile.minutes * 60)} minutes available "
            f"(need {want}): {cands.summary()}",
            hint="lower minutes in the profile, relax its exclusions, or import more music",
        )
    if capped < low:
        raise ImpossibleConstraintsError(
            f"max_per_artist = {profile.constraints.max_per_artist} leaves only {_minutes(capped)} "
            f"of {_minutes(profile.minutes * 60)} minutes (need {want}): {cands.summary()}",
            hint="raise max_per_artist or lower minutes in the profile",
        )


def _impossible(v: Violations, duration: float, profile: Profile, cands: CandidateSet) -> ImpossibleConstraintsError:
    """The error for a walk that could not meet every constraint: what binds, how close."""
    low, high = profile.window_s
    c = profile.constraints
    got = f"best found: {_minutes(duration)} minutes"
    if v.artist_gap:
        return ImpossibleConstraintsError(
            f"artist_gap = {c.artist_gap} cannot be kept over {_minutes(profile.minutes * 60)} minutes "
            f"({v.artist_gap} too-close repeats in the best playlist found; {cands.summary()})",
            hint="lower artist_gap, relax exclusions, or import music by more artists",
        )
    if v.per_artist or v.per_album:
        which = "max_per_artist" if v.per_artist else "max_per_album"
        value = c.max_per_artist if v.per_artist else c.max_per_album
        return ImpossibleConstraintsError(
            f"{which} = {value} cannot be kept while filling {_minutes(low)}–{_minutes(high)} "
            f"minutes ({got}; {cands.summary()})",
            hint=f"raise {which} or lower minutes in the profile",
        )
    if v.missing:
        return ImpossibleConstraintsError(
            f"the must-include tracks cannot all fit with the other rules ({got}; {cands.summary()})",
            hint="include fewer tracks, raise minutes, or relax artist_gap / max_per_artist",
        )
    if v.short_s > 0:
        return ImpossibleConstraintsError(
            f"could fill only {_minutes(duration)} of {_minutes(profile.minutes * 60)} minutes "
            f"(need {_minutes(low)}–{_minutes(high)}): {cands.summary()}",
            hint="lower minutes in the profile, relax its constraints, or import more music",
        )
    if v.over_s > 0:
        return ImpossibleConstraintsError(
            f"no choice of tracks lands within {_minutes(low)}–{_minutes(high)} minutes "
            f"({got}; tracks are too long for so narrow a window)",
            hint="widen tolerance_minutes or allow shorter tracks",
        )
    return ImpossibleConstraintsError(f"the same song would repeat ({got})", hint="import more music or lower minutes")


def _warnings(sequence: PlaylistSequence, pinned: tuple[bool, bool], journey_note: str | None) -> list[str]:
    """Things the user should know about a successful build (``pinned``: start, end fixed)."""
    tracks, profile, arc_error = sequence.tracks, sequence.profile, sequence.score.arc_error
    steps = sequence.steps
    out: list[str] = []
    if journey_note:
        out.append(journey_note)
    estimated = sum(1 for t in tracks if t.energy_estimated)
    if profile.arc is not None and estimated:
        out.append(f"energy estimated from moods for {estimated} of {len(tracks)} tracks")
    if profile.arc is not None and arc_error > ARC_WARNING:
        out.append(f"the arc is followed only loosely (arc error {arc_error:.2f}): {_arc_cause(steps, pinned)}")
    return out


def _arc_cause(steps: Sequence[Step], pinned: tuple[bool, bool]) -> str:
    """Why the arc is missed: a fixed start/end track far from its target, else the library."""
    ends = (("start", steps[0], pinned[0]), ("end", steps[-1], pinned[1])) if steps else ()
    for label, step, fixed in ends:
        energy, target = step.track.energy, step.target_energy
        if fixed and energy is not None and target is not None and abs(energy - target) > ARC_WARNING:
            return f"the fixed {label} track's energy {energy:.2f} is far from the arc's {target:.2f} there"
    return "the library has few tracks at the energies it asks for"


def build_playlist(
    tracks: Sequence[Track],
    profile: Profile,
    *,
    seed: int | None = None,
    start: str | None = None,
    end: str | None = None,
    progress: Progress | None = None,
    bias: TrackBias | None = None,
) -> PlaylistSequence:
    """Build a playlist for ``profile`` from ``tracks``.

    Parameters
    ----------
    tracks : the library (or the candidates an adapter pre-selected from it).
    profile : the listening context (duration window, moods, arc, weights, constraints).
    seed : same seed and inputs → same playlist; None = the profile's seed, else a fresh one
        (the seed used is recorded in the result).
    start, end : fixed first/last track refs (override the profile's); given together they
        make a *journey* (``mode == "journey"``): the tracks between move steadily from one to
        the other in mood and energy.
    bias : songs left out and per-song fit nudges from history (freshness, ``--like-previous``,
        listening evidence); the reported mood fit stays the real one.
    progress : optional ``progress(done, total)`` callback.

    Raises
    ------
    TrackNotFoundError
        when ``start``/``end`` names no track (with suggestions).
    ImpossibleConstraintsError
        when the hard constraints cannot all be met; the message names the binding constraint.
    """
    if seed is None:
        seed = profile.variety.seed if profile.variety.seed is not None else random.randrange(1, 100_000)
    library = with_estimated_energy(tracks)
    first, last = _pin(library, profile, start, end)
    journey = start is not None and end is not None
    note = None
    if journey and first is not None and last is not None:
        if first.energy is not None and last.energy is not None:
            if profile.arc is not None:
                note = (
                    f"journey: energy follows a straight line from {first.energy:.2f} to "
                    f"{last.energy:.2f} instead of the profile's arc"
                )
            line = ((0.0, float(first.energy)), (1.0, float(last.energy)))
        else:
            line = None
        profile = dataclasses.replace(profile, arc=line)
    if first is not None or last is not None:
        profile = dataclasses.replace(
            profile,
            constraints=dataclasses.replace(
                profile.constraints,
                start=first.name if first is not None else None,
                end=last.name if last is not None else None,
            ),
        )
    _, unknown = resolve_refs(library, profile.like)
    chosen = solve_tracks(library, profile, first, last, seed=seed, journey=journey, progress=progress, bias=bias)
    sequence = make_sequence(chosen, profile, seed=seed, mode="journey" if journey else "build")
    warnings = _warnings(sequence, (first is not None, last is not None), note)
    if unknown:
        warnings.append(
            f"{len(unknown)} of {len(profile.like)} exemplar tracks (like) are not in your library: "
            + ", ".join(unknown[:5])
            + (" …" if len(unknown) > 5 else "")
            + "; import them to make the context sound like them"
        )
    warnings.extend(context_warnings(sequence, library))
    return dataclasses.replace(sequence, warnings=tuple(warnings))


def candidate_pool(tracks: Sequence[Track], profile: Profile) -> tuple[CandidateSet, list[Track]]:
    """The candidates a build of ``profile`` on ``tracks`` walks over (fixed start/end and
    must-include tracks first), and the profile's exemplars found among ``tracks``."""
    library = with_estimated_energy(tracks)
    first, last = _pin(library, profile, None, None)
    pinned = [t for t in (first, last) if t is not None]
    required = _must_include(library, profile, pinned)
    exemplars, _ = resolve_refs(library, profile.like)
    pool = [*pinned, *required, *playable_exemplars(exemplars, profile)]
    return select_candidates(library, profile, pinned=pool, exemplars=exemplars), exemplars


#: Minutes of playlist per touchstone (:func:`touchstones`): one in up to an hour, two in an
#: hour, six in three hours.
TOUCHSTONE_MINUTES = 30.0


def touchstones(exemplars: Sequence[Track], profile: Profile, fixed: Sequence[Track]) -> list[Track]:
    """The exemplars every playlist of the profile plays: the first of ``like`` that are in the
    library and that no rule rules out, one per :data:`TOUCHSTONE_MINUTES` of the playlist (at
    least one; the same for every seed, so seeds stay comparable); fixed tracks that are
    exemplars count among them.

    Real touchstones ("A Real Hero" and "Nightcall" in an hour's night drive) are what the
    walk's averaged fit cannot guarantee: a single track moves a playlist's mean fit too little,
    and the seeds' near-best playlists rarely kept the best's exemplars (Gunship's "Tech Noir"
    played in one seed of four)."""
    fixed_ids = {t.id for t in fixed}
    wanted = max(1, int(profile.minutes // TOUCHSTONE_MINUTES)) - sum(1 for t in exemplars if t.id in fixed_ids)
    playable = [t for t in playable_exemplars(exemplars, profile) if t.id not in fixed_ids]
    return playable[: max(0, wanted)]


def playable_exemplars(tracks: Sequence[Track], profile: Profile) -> list[Track]:
    """The ``tracks`` no rule of the profile rules out (exemplars are always candidates)."""
    high = profile.window_s[1]
    return [t for t in tracks if exclusion_reason(t, profile.constraints, high) is None]


def solve_tracks(
    library: Sequence[Track],
    profile: Profile,
    first: Track | None,
    last: Track | None,
    *,
    seed: int,
    journey: bool = False,
    progress: Progress | None = None,
    bias: TrackBias | None = None,
    leave_out: Callable[[Track], str | None] | None = None,
) -> list[Track]:
    """The walk's tracks for ``profile`` from ``library`` (energies already estimated), between
    the pinned ``first``/``last`` tracks, with ``bias``'s songs left out or nudged, and the
    tracks ``leave_out`` gives a reason for left out (counted under that reason in errors).
    The profile's must-include tracks are in it; its exemplars are candidates (with the fit of
    :func:`~sequencer.core.context.context_fit`) and the first ones playable are the touchstones.

    Raises
    ------
    ImpossibleConstraintsError
        naming the binding constraint when no valid playlist is found.
    """
    pinned = [t for t in (first, last) if t is not None]
    required = _must_include(library, profile, pinned)
    pinned_ids = {t.id for t in [*pinned, *required]}
    allowed: list[Track] = []
    dropped: dict[str, int] = {}
    for track in library:
        if track.id not in pinned_ids:
            if bias is not None and song_key(track.artists, track.title) in bias.avoid:
                dropped["left out by history"] = dropped.get("left out by history", 0) + 1
                continue
            reason = leave_out(track) if leave_out is not None else None
            if reason is not None:
                dropped[reason] = dropped.get(reason, 0) + 1
                continue
        allowed.append(track)
    exemplars, _ = resolve_refs(library, profile.like)
    kept = {t.id for t in allowed}
    playable = [t for t in playable_exemplars(exemplars, profile) if t.id in kept]
    cands = select_candidates(allowed, profile, pinned=[*pinned, *required, *playable], exemplars=exemplars)
    if dropped:
        cands = dataclasses.replace(cands, excluded={**cands.excluded, **dropped}, considered=len(library))
    _check_capacity(cands, profile)
    touch = [] if journey else touchstones(playable, profile, [*pinned, *required])
    problem = _problem(cands, profile, first, last, journey, bias, [*required, *touch])
    choice = 0 if bias is not None and bias.close else seed  # --like-previous: the best, not one far from it
    result = walk(problem, random.Random(seed), progress=progress, choice=choice)
    if touch and (result.violations.total > 0 or not result.order):
        problem = _problem(cands, profile, first, last, journey, bias, required)  # the rules first
        result = walk(problem, random.Random(seed), progress=progress, choice=choice)
    if result.violations.total > 0 or not result.order:
        raise _impossible(result.violations, result.duration_s, profile, cands)
    return [cands.tracks[i] for i in result.order]


# --- reordering -----------------------------------------------------------------------------


def reorder_tracks(
    tracks: Sequence[Track],
    profile: Profile,
    *,
    seed: int | None = None,
    keep_ends: bool = False,
    flow_only: bool = False,
) -> PlaylistSequence:
    """The same tracks in the order that best keeps the profile's promise.

    Only the order changes: every track stays, none is added.  By default the order minimises
    the profile's whole objective (flow, arc, fit — :mod:`sequencer.core.scoring`): the
    flow-optimal order (:func:`~sequencer.core.optimise.best_path`), then polished on the full
    objective when the arc depends on the order; ``flow_only`` minimises the flow cost alone.
    The given order is kept unless the new one is really better.  With ``keep_ends`` the first
    and last track stay where they are.  Deterministic for a seed (default 0).  The artist gap
    is not enforced (the tracks were chosen elsewhere); a warning names any break.
    """
    items = list(tracks)
    if len(items) < 3:
        return make_sequence(items, profile, seed=seed, mode="reorder")
    weights = dataclasses.replace(profile.weights, fit=0.0, arc=0.0) if flow_only else profile.weights
    unbound = dataclasses.replace(
        profile.constraints, artist_gap=0, max_per_artist=None, max_per_album=None, start=None, end=None
    )
    minutes = sum(t.duration_s for t in items) / 60.0
    loose = dataclasses.replace(profile, constraints=unbound, minutes=minutes, weights=weights)
    fits = [mood_fit(profile.moods, t) for t in items]
    problem = dataclasses.replace(
        _problem(CandidateSet(tracks=items, fits=fits), loose, None, None, journey=False, graph_needed=False),
        window=(0.0, math.inf),
        start=0 if keep_ends else None,
        end=len(items) - 1 if keep_ends else None,
    )
    order = order_tracks(problem, seed=0 if seed is None else seed)
    ordered = [items[i] for i in order]
    warnings = gap_warnings(ordered, profile.constraints.artist_gap)
    ordered, unplaced = _every_track_kept(items, order, keep_ends=keep_ends)
    return make_sequence(ordered, profile, seed=seed, mode="reorder", warnings=[*warnings, *unplaced])


def _every_track_kept(
    items: Sequence[Track], order: Sequence[int], *, keep_ends: bool
) -> tuple[list[Track], list[str]]:
    """The tracks in ``order`` with every track of ``items`` it lacks put back, and a warning
    naming them. The order search may leave out a track of unknown length (0 s: the length
    stays the same without it; a player's M3U without #EXTINF is all such tracks), and a reorder
    that drops tracks would write a shorter playlist (or remove them from a pushed one): they
    are kept at the end, unordered (before the last track with ``keep_ends``)."""
    ordered = [items[i] for i in order]
    placed = set(order)
    lost = [track for i, track in enumerate(items) if i not in placed]
    if not lost:
        return ordered, []
    at = len(ordered) - 1 if keep_ends and len(ordered) > 1 else len(ordered)
    names = ", ".join(t.name for t in lost[:3]) + (f" and {len(lost) - 3} more" if len(lost) > 3 else "")
    where = "before the last track" if at < len(ordered) else "at the end"
    count = f"{len(lost)} track{'s' if len(lost) != 1 else ''}"
    warning = (
        f"{count} of unknown length kept {where}, unordered: {names} "
        "(give their lengths, e.g. #EXTINF:SECONDS in an M3U, or import them into your library)"
    )
    return [*ordered[:at], *lost, *ordered[at:]], [warning]


def gap_warnings(tracks: Sequence[Track], gap: int) -> list[str]:
    """One warning per artist that returns within ``gap`` positions of ``tracks``."""
    last: dict[str, int] = {}
    close: dict[str, str] = {}
    for pos, track in enumerate(tracks):
        for artist in track.artists:
            key = normalise_text(artist)
            if key in last and pos - last[key] <= gap:
                close.setdefault(key, artist)
            last[key] = pos
    return [f"{name} plays twice within {gap} tracks" for name in close.values()]


def check_sequence(sequence: PlaylistSequence) -> Violations:
    """What a finished sequence breaks (all zero for every playlist :func:`build_playlist` returns)."""
    tracks = sequence.tracks
    cands = CandidateSet(tracks=list(tracks), fits=[0.0] * len(tracks))
    problem = _problem(cands, sequence.profile, None, None, journey=False, graph_needed=False)
    return violations(problem, list(range(len(tracks))))
