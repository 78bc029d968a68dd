"""Profiles: what a listening context asks of a playlist, validated from a plain mapping.

A profile file (TOML, read by :mod:`sequencer.adapters.profiles_toml`) becomes a plain dict;
:func:`profile_from_mapping` validates it into a frozen :class:`Profile`, collecting *every*
problem (with the line a ``locate`` callback finds for it) before raising one
:class:`~sequencer.errors.ProfileError`.  No file access happens here.

Units: minutes for the target length and tolerance, seconds for track lengths, energy in
[0, 1], mood weights in [-1, 1] (negative = avoid).

Public: :class:`Profile`, :class:`TransitionWeights`, :class:`ObjectiveWeights`,
:class:`Constraints`, :class:`Genres`, :class:`Variety`, :data:`SCHEMA`, :func:`profile_from_mapping`,
:func:`profile_to_mapping`.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sequencer.core.arcs import SHAPES, Arc, arc_points
from sequencer.core.mood_similarity import MoodSimilarity
from sequencer.core.moods import MoodVocabulary, default_vocabulary
from sequencer.errors import Problem, ProfileError

Locate = Callable[[tuple[str, ...]], int | None]


@dataclass(frozen=True)
class TransitionWeights:
    """Weights of the transition-cost terms (defaults: ``flow.md`` v2) and the mood similarity
    the mood term uses (from the moods file; the identity = version 1's plain cosine)."""

    mood: float = 0.30
    sound: float = 0.25
    energy: float = 0.20
    tempo: float = 0.15
    key: float = 0.10
    similarity: MoodSimilarity = field(default_factory=MoodSimilarity)

    def as_dict(self) -> dict[str, float]:
        """The weights by term name."""
        return {"mood": self.mood, "sound": self.sound, "energy": self.energy, "tempo": self.tempo, "key": self.key}


@dataclass(frozen=True)
class ObjectiveWeights:
    """How much each part of the objective matters: smooth flow, mood fit, following the arc."""

    flow: float = 1.0
    fit: float = 0.5
    arc: float = 1.0


@dataclass(frozen=True)
class Constraints:
    """Hard rules a playlist must keep."""

    artist_gap: int = 3
    max_per_artist: int | None = None
    max_per_album: int | None = None
    start: str | None = None
    end: str | None = None
    exclude_artists: tuple[str, ...] = ()
    exclude_tracks: tuple[str, ...] = ()
    exclude_moods: tuple[str, ...] = ()
    exclude_mood_threshold: float = 0.5
    exclude_explicit: bool = False
    exclude_live: bool = False
    """Leave out live recordings (a title like "Song - Live at Wembley" or "Song (Live)")."""
    min_track_seconds: float | None = None
    max_track_seconds: float | None = None
    """The longest track allowed, in seconds (``max_track_minutes`` × 60 when that is given,
    whichever is shorter)."""
    exclude_genres: tuple[str, ...] = ()
    """Genres or crowd tags never to play (compared case-, space- and hyphen-insensitively)."""
    must_include: tuple[str, ...] = ()
    """Tracks every playlist must contain (``"Artist - Title"`` or ids)."""


@dataclass(frozen=True)
class Genres:
    """Genres the context prefers and avoids (soft: they move a track's fit by ``weight``)."""

    prefer: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    weight: float = 0.3


@dataclass(frozen=True)
class Variety:
    """Randomness: a fixed seed (None = a new playlist each run) and a temperature ≥ 0."""

    seed: int | None = None
    temperature: float = 0.0


@dataclass(frozen=True)
class Listening:
    """How your listening history (play counts, loved tracks) steers builds: off by default."""

    weight: float = 0.0
    """0 = ignored; up to 1 = loved and often played songs are favoured a little."""
    avoid_plays: int | None = None
    """Leave out songs played at least this often (overplayed); None = never."""


@dataclass(frozen=True)
class Profile:
    """A listening context, validated."""

    name: str
    description: str = ""
    minutes: float = 60.0
    tolerance_minutes: float | None = None
    moods: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    arc: Arc | None = None
    weights: ObjectiveWeights = field(default_factory=ObjectiveWeights)
    transition: TransitionWeights = field(default_factory=TransitionWeights)
    constraints: Constraints = field(default_factory=Constraints)
    variety: Variety = field(default_factory=Variety)
    like: tuple[str, ...] = ()
    """Exemplar tracks (``"Artist - Title"``): candidates that sound like them are preferred."""
    like_weight: float = 0.5
    """How much sounding like the exemplars weighs in a track's fit, beside its moods at 1 (0 = nothing)."""
    genres: Genres = field(default_factory=Genres)
    listening: Listening = field(default_factory=Listening)

    @property
    def tolerance_s(self) -> float:
        """Allowed distance from the target, in seconds: given, else max(3 %, 2 minutes)."""
        if self.tolerance_minutes is not None:
            return self.tolerance_minutes * 60.0
        return default_tolerance_minutes(self.minutes) * 60.0

    @property
    def window_s(self) -> tuple[float, float]:
        """The allowed total duration (low, high) in seconds."""
        target = self.minutes * 60.0
        return (max(0.0, target - self.tolerance_s), target + self.tolerance_s)


def default_tolerance_minutes(minutes: float) -> float:
    """The tolerance of a profile that sets none: 3 % of its length, at least 2 minutes."""
    return max(0.03 * minutes, 2.0)


def with_minutes(profile: Profile, minutes: float) -> Profile:
    """The profile at another target length (``--minutes``), its tolerance scaled along.

    A tolerance written for 60 minutes would let a short playlist be anything from nothing to
    twice its length, so a shorter target scales it down in proportion, never below the default
    tolerance for that length (a profile without one behaves the same); a longer target keeps it.
    """
    tolerance = profile.tolerance_minutes
    if tolerance is not None and minutes < profile.minutes:
        scaled = tolerance * minutes / profile.minutes
        tolerance = min(tolerance, max(scaled, default_tolerance_minutes(minutes)))
    return dataclasses.replace(profile, minutes=float(minutes), tolerance_minutes=tolerance)


# --- the schema -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One profile key: its type, allowed range and default (also documents profiles/README)."""

    kind: str  # "str", "int", "float", "bool", "strlist", "points", "optint", "optfloat"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    doc: str = ""
    #: str only: the text is shown in headings, tables and exports, so one line, no control characters
    one_line: bool = False
    #: str only: the text may not be empty (or only spaces)
    non_empty: bool = False


SCHEMA: Mapping[str, Mapping[str, Key] | Key] = {
    "name": Key("str", doc="profile name (defaults to the file name)", one_line=True, non_empty=True),
    "description": Key("str", doc="one line shown in `profiles list`", one_line=True),
    "minutes": Key("float", 1, 24 * 60, doc="target length in minutes"),
    "tolerance_minutes": Key("float", 0, 600, doc="allowed distance from the target"),
    "moods": Key("moodmap", -1, 1, doc="mood weights; negative = avoid"),
    "like": Key("strlist", doc='exemplar tracks ("Artist - Title"): tracks that sound like them are preferred'),
    "like_weight": Key("float", 0, 2, doc="how much sounding like the exemplars weighs in the fit (moods: 1)"),
    "genres": {
        "prefer": Key("strlist", doc="genres or crowd tags the context wants (raise a track's fit)"),
        "avoid": Key("strlist", doc="genres or crowd tags the context avoids (lower a track's fit)"),
        "weight": Key("float", 0, 1, doc="how much the genres weigh in a track's fit (moods weigh 1)"),
    },
    "arc": {
        "points": Key("points", 0, 1, doc="[[tau, energy], …], tau in [0, 1] increasing"),
        "shape": Key("str", choices=SHAPES, doc="a named shape instead of points"),
        "low": Key("float", 0, 1, doc="lowest energy of a named shape"),
        "high": Key("float", 0, 1, doc="highest energy of a named shape"),
    },
    "weights": {
        "flow": Key("float", 0, 10, doc="how much smooth transitions matter"),
        "fit": Key("float", 0, 10, doc="how much mood fit matters"),
        "arc": Key("float", 0, 10, doc="how much following the energy arc matters"),
    },
    "transition": {
        "mood": Key("float", 0, 10, doc="weight of mood distance between neighbours"),
        "sound": Key("float", 0, 10, doc="weight of the sound distance (genres, playlists, timbre)"),
        "energy": Key("float", 0, 10, doc="weight of the energy step"),
        "tempo": Key("float", 0, 10, doc="weight of the tempo ratio"),
        "key": Key("float", 0, 10, doc="weight of the key relation (Camelot)"),
    },
    "constraints": {
        "artist_gap": Key("int", 0, 50, doc="an artist returns only after this many others"),
        "max_per_artist": Key("int", 1, 1000, doc="at most this many tracks per artist"),
        "max_per_album": Key("int", 1, 1000, doc="at most this many tracks per album"),
        "start": Key("str", doc='first track, "Artist - Title" or an id'),
        "end": Key("str", doc='last track, "Artist - Title" or an id'),
        "exclude_artists": Key("strlist", doc="artists never to play"),
        "exclude_tracks": Key("strlist", doc='tracks never to play ("Artist - Title")'),
        "exclude_moods": Key("moodlist", doc="moods to leave out"),
        "exclude_mood_threshold": Key("float", 0, 1, doc="weight from which a mood excludes"),
        "exclude_explicit": Key("bool", doc="leave out explicit tracks"),
        "exclude_live": Key("bool", doc='leave out live recordings ("Song - Live at …", "Song (Live)")'),
        "min_track_seconds": Key("float", 0, 7200, doc="shortest track allowed"),
        "max_track_seconds": Key("float", 0, 7200, doc="longest track allowed"),
        "max_track_minutes": Key("float", 0, 120, doc="longest track allowed, in minutes"),
        "exclude_genres": Key("strlist", doc="genres or crowd tags never to play"),
        "must_include": Key("strlist", doc='tracks every playlist must contain ("Artist - Title")'),
    },
    "variety": {
        "seed": Key("int", 0, 2**63 - 1, doc="fixed seed: the same playlist every run"),
        "temperature": Key("float", 0, 1, doc="0 = best only; higher = more adventurous"),
    },
    "listening": {
        "weight": Key("float", 0, 1, doc="how much play counts and loved tracks favour songs (0 = off)"),
        "avoid_plays": Key("int", 1, 10**9, doc="leave out songs played at least this often"),
    },
}


# --- validation -----------------------------------------------------------------------------


class _Collector:
    """Gathers problems with their location so that all are reported at once."""

    def __init__(self, source: str, locate: Locate | None) -> None:
        self.source = source
        self.locate = locate
        self.problems: list[Problem] = []

    def where(self, path: tuple[str, ...]) -> str:
        line = self.locate(path) if self.locate else None
        return f"{self.source}:{line}" if line else self.source

    def add(self, path: tuple[str, ...], message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.where(path), message, hint))


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _kind_name(kind: str) -> str:
    return {
        "str": "a string",
        "int": "a whole number",
        "float": "a number",
        "bool": "true or false",
        "strlist": "a list of strings",
        "moodlist": "a list of mood names",
        "points": "a list of [tau, energy] pairs",
        "moodmap": "a table of mood = weight",
    }[kind]


def _check_range(c: _Collector, path: tuple[str, ...], value: float, key: Key) -> bool:
    if math.isnan(value) or (key.low is not None and value < key.low) or (key.high is not None and value > key.high):
        if key.high is not None and key.high >= 2**53:  # no real limit (a seed): the low one only
            c.add(path, f"{_dotted(path)} = {_num(value)} must be {_num(key.low)} or more", "use a whole number ≥ 0")
            return False
        c.add(  # the value as written (-1, not -1.0)
            path,
            f"{_dotted(path)} = {_num(value)} must be in [{_num(key.low)}, {_num(key.high)}]",
            f"use a value between {_num(key.low)} and {_num(key.high)}",
        )
        return False
    return True


def _num(x: float | None) -> str:
    if x is None:
        return "…"
    return str(int(x)) if float(x).is_integer() else str(x)


def _check_text(c: _Collector, path: tuple[str, ...], value: str, key: Key) -> str | None:
    """A str value against the key's one-line and non-empty rules; None after a problem."""
    if key.non_empty and not value.strip():
        c.add(path, f"{_dotted(path)} = {value!r} must not be empty", f'e.g. {path[-1]} = "late drive"')
        return None
    if key.one_line and any(unicodedata.category(ch) == "Cc" for ch in value):
        c.add(
            path,
            f"{_dotted(path)} = {value!r} must be one line of text",
            "remove the line breaks, tabs and control characters",
        )
        return None
    return value


def _check_value(c: _Collector, path: tuple[str, ...], value: Any, key: Key) -> Any:
    """Type- and range-check one value; returns the cleaned value or None after a problem."""
    bad = f"{_dotted(path)} = {value!r} must be {_kind_name(key.kind)}"
    if key.kind == "str":
        if not isinstance(value, str):
            c.add(path, bad, f'write it in quotes, e.g. {path[-1]} = "{value}"')
            return None
        if key.choices and value not in key.choices:
            close = difflib.get_close_matches(value, key.choices, n=1)
            hint = f"did you mean {close[0]!r}?" if close else None
            c.add(
                path,
                f"{_dotted(path)} = {value!r} is not one of {', '.join(key.choices)}",
                hint or f"use one of {', '.join(key.choices)}",
            )
            return None
        return _check_text(c, path, value, key)
    if key.kind == "bool":
        if not isinstance(value, bool):
            c.add(path, bad, f"write {path[-1]} = true or {path[-1]} = false (no quotes)")
            return None
        return value
    if key.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            c.add(path, bad, "write a whole number without quotes or decimals")
            return None
        return value if _check_range(c, path, value, key) else None
    if key.kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            c.add(path, bad, "write a number without quotes")
            return None
        return float(value) if _check_range(c, path, float(value), key) else None
    if key.kind in ("strlist", "moodlist"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            c.add(path, bad, f'e.g. {path[-1]} = ["first", "second"]')
            return None
        return tuple(value)
    if key.kind == "points":
        return _check_points(c, path, value)
    raise AssertionError(key.kind)  # pragma: no cover - the schema names only known kinds


def _check_points(c: _Collector, path: tuple[str, ...], value: Any) -> Arc | None:
    example = "points = [[0.0, 0.4], [0.6, 0.7], [1.0, 0.4]]"
    if not isinstance(value, list) or len(value) < 2:
        c.add(path, f"{_dotted(path)} must list at least two [tau, energy] points", example)
        return None
    points: list[tuple[float, float]] = []
    for i, point in enumerate(value):
        if (
            not isinstance(point, list)
            or len(point) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
        ):
            c.add(path, f"{_dotted(path)}[{i}] = {point!r} must be a [tau, energy] pair", example)
            return None
        tau, energy = float(point[0]), float(point[1])
        if not (0.0 <= tau <= 1.0 and 0.0 <= energy <= 1.0):
            c.add(
                path,
                f"{_dotted(path)}[{i}] = {point!r}: tau and energy must be in [0, 1]",
                "tau is the share of the playlist's duration, energy a level from 0 to 1",
            )
            return None
        if points and tau <= points[-1][0]:
            c.add(
                path,
                f"{_dotted(path)}[{i}] = {point!r}: tau must increase ({tau} ≤ {points[-1][0]})",
                "list the points in time order, each tau larger than the one before",
            )
            return None
        points.append((tau, energy))
    return tuple(points)


def _unknown_key(c: _Collector, path: tuple[str, ...], known: list[str]) -> None:
    close = difflib.get_close_matches(path[-1], known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"known keys here: {', '.join(known)}"
    where = "at the top level" if len(path) == 1 else f"in [{_dotted(path[:-1])}]"
    c.add(path, f"unknown key {path[-1]!r} {where}", hint)


def _check_moods(
    c: _Collector, path: tuple[str, ...], value: Any, vocabulary: MoodVocabulary, key: Key
) -> dict[str, float]:
    if not isinstance(value, Mapping):
        c.add(path, f"{_dotted(path)} must be a table of mood = weight", "e.g. [moods] brooding = 0.8")
        return {}
    moods: dict[str, float] = {}
    written: dict[str, str] = {}  # canonical mood → the name it was first written as
    for name, weight in value.items():
        here = (*path, name)
        canonical = vocabulary.resolve(name)
        if canonical is None:
            c.add(here, f"unknown mood {name!r}", vocabulary.unknown_hint(name))
            continue
        if canonical in written:  # an alias of a mood already weighed: one would silently win
            c.add(
                here,
                f"{_dotted(here)} is the mood {canonical!r} again (already weighed as {written[canonical]!r})",
                "keep one weight per mood: aliases name the same mood",
            )
            continue
        written[canonical] = name
        cleaned = _check_value(c, here, weight, Key("float", key.low, key.high))
        if cleaned is not None:
            moods[canonical] = cleaned
    return moods


def _check_mood_list(
    c: _Collector, path: tuple[str, ...], names: tuple[str, ...], vocabulary: MoodVocabulary
) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        canonical = vocabulary.resolve(name)
        if canonical is None:
            c.add(path, f"unknown mood {name!r} in {_dotted(path)}", vocabulary.unknown_hint(name))
        else:
            out.append(canonical)
    return tuple(out)


def _section(c: _Collector, data: Mapping[str, Any], name: str, vocabulary: MoodVocabulary) -> dict[str, Any]:
    """Validate one [section] table against the schema; returns cleaned key → value."""
    spec = SCHEMA[name]
    assert isinstance(spec, Mapping)
    raw = data.get(name, {})
    if not isinstance(raw, Mapping):
        c.add((name,), f"{name} must be a table", f"write it as a [{name}] section")
        return {}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        path = (name, key)
        if key not in spec:
            _unknown_key(c, path, list(spec))
            continue
        cleaned = _check_value(c, path, value, spec[key])
        if cleaned is not None and spec[key].kind == "moodlist":
            cleaned = _check_mood_list(c, path, cleaned, vocabulary)
        if cleaned is not None:
            out[key] = cleaned
    return out


def _arc(c: _Collector, section: dict[str, Any], present: bool) -> Arc | None:
    if "points" in section and "shape" in section:
        c.add(("arc", "shape"), "arc has both points and shape", "keep one of them")
        return None
    if "points" in section:
        points: Arc = section["points"]
        return points
    if "shape" in section:
        low, high = section.get("low", 0.3), section.get("high", 0.7)
        if low > high:
            c.add(("arc", "low"), f"arc.low = {low} is above arc.high = {high}", "swap them")
            return None
        return arc_points(section["shape"], low, high)
    if present and section:
        c.add(("arc",), "arc needs points or a shape", 'e.g. shape = "rise" or points = [...]')
    return None


def _check_window(c: _Collector, top: Mapping[str, Any]) -> None:
    """A tolerance of the whole length or more lets the playlist be anything from nothing up."""
    tolerance, minutes = top.get("tolerance_minutes"), top.get("minutes", 60.0)
    if tolerance is None or tolerance < minutes:
        return
    said = f"minutes = {_num(minutes)}" if "minutes" in top else f"the default minutes = {_num(minutes)}"
    default = default_tolerance_minutes(minutes)
    hint = (
        "it is how many minutes shorter or longer than minutes the playlist may be: e.g. tolerance_minutes = "
        f"{_num(round(min(default, minutes / 2), 1))}"
    )
    if default < minutes:
        hint += f", or leave the line out for {_num(round(default, 1))}"
    c.add(
        ("tolerance_minutes",),
        f"tolerance_minutes = {_num(tolerance)} is not below {said}: the playlist could last anything "
        f"from 0 to {_num(minutes + tolerance)} minutes",
        hint,
    )


def profile_from_mapping(
    data: Mapping[str, Any],
    source: str = "<profile>",
    *,
    default_name: str = "profile",
    vocabulary: MoodVocabulary | None = None,
    locate: Locate | None = None,
    own_window: bool = True,
) -> Profile:
    """Validate a parsed profile into a :class:`Profile`, or raise one
    :class:`~sequencer.errors.ProfileError` listing every problem found.

    Parameters
    ----------
    data : the parsed file (a TOML document as a dict).
    source : the file's path, used in messages as ``source:line``.
    default_name : the name when ``name`` is absent (the file's stem).
    vocabulary : the moods that profile mood names must resolve to.
    locate : maps a key path such as ``("arc", "points")`` to its line number, if known.
    own_window : check that ``tolerance_minutes`` is below ``minutes`` (a hand-written file);
        False for a profile saved with a build, whose ``--minutes`` may be shorter than the
        tolerance moodseq allows it (see :func:`with_minutes`).
    """
    vocab = vocabulary or default_vocabulary()
    c = _Collector(source, locate)
    top: dict[str, Any] = {}
    for key, value in data.items():
        spec = SCHEMA.get(key)
        if spec is None:
            _unknown_key(c, (key,), list(SCHEMA))
        elif isinstance(spec, Key) and spec.kind == "moodmap":
            top[key] = _check_moods(c, (key,), value, vocab, spec)
        elif isinstance(spec, Key):
            cleaned = _check_value(c, (key,), value, spec)
            if cleaned is not None:
                top[key] = cleaned
    sections = {name: _section(c, data, name, vocab) for name, spec in SCHEMA.items() if isinstance(spec, Mapping)}
    arc = _arc(c, sections["arc"], "arc" in data)
    cons = sections["constraints"]
    minutes_cap = cons.pop("max_track_minutes", None)
    for key, cap in (("max_track_minutes", minutes_cap), ("max_track_seconds", cons.get("max_track_seconds"))):
        if cap == 0:
            c.add(
                ("constraints", key),
                f"constraints.{key} = 0 leaves out every track",
                "leave the line out for no limit, or write the longest track to allow, e.g. "
                f"{key} = {12 if key == 'max_track_minutes' else 720}",
            )
    if minutes_cap is not None:
        seconds_cap = cons.get("max_track_seconds")
        cons["max_track_seconds"] = minutes_cap * 60.0 if seconds_cap is None else min(seconds_cap, minutes_cap * 60.0)
    low, high = cons.get("min_track_seconds"), cons.get("max_track_seconds")
    if low is not None and high is not None and low > high:
        c.add(
            ("constraints", "min_track_seconds"),
            f"min_track_seconds = {_num(low)} is above max_track_seconds = {_num(high)}",
            "make the minimum smaller than the maximum",
        )
    weights = sections["weights"]
    if weights and sum(weights.get(k, getattr(ObjectiveWeights(), k)) for k in ("flow", "fit", "arc")) <= 0:
        c.add(
            ("weights",),
            "weights flow, fit and arc are all zero: every playlist would score the same",
            "give flow, fit or arc a weight above 0: they say how much each goal matters",
        )
    if own_window:
        _check_window(c, top)
    transition = sections["transition"]
    if transition and sum(transition.get(k, v) for k, v in TransitionWeights().as_dict().items()) <= 0:
        c.add(("transition",), "transition weights are all zero", "give at least one term a weight > 0")
    if c.problems:
        raise ProfileError(c.problems)
    return Profile(
        name=top.get("name", default_name),
        description=top.get("description", ""),
        minutes=top.get("minutes", 60.0),
        tolerance_minutes=top.get("tolerance_minutes"),
        moods=MappingProxyType(top.get("moods", {})),
        arc=arc,
        weights=ObjectiveWeights(**sections["weights"]),
        transition=TransitionWeights(**transition, similarity=vocab.similarity),
        constraints=Constraints(**cons),
        variety=Variety(**sections["variety"]),
        like=top.get("like", ()),
        like_weight=top.get("like_weight", 0.5),
        genres=Genres(**sections["genres"]),
        listening=Listening(**sections["listening"]),
    )


def profile_to_mapping(profile: Profile) -> dict[str, Any]:
    """The plain-dict form of a profile (what :func:`profile_from_mapping` reads back)."""
    out: dict[str, Any] = {
        "name": profile.name,
        "description": profile.description,
        "minutes": profile.minutes,
        "moods": dict(profile.moods),
        "weights": {"flow": profile.weights.flow, "fit": profile.weights.fit, "arc": profile.weights.arc},
        "transition": profile.transition.as_dict(),
    }
    if profile.tolerance_minutes is not None:
        out["tolerance_minutes"] = profile.tolerance_minutes
    if profile.arc is not None:
        out["arc"] = {"points": [list(p) for p in profile.arc]}
    cons: dict[str, Any] = {}
    for name in SCHEMA["constraints"]:  # type: ignore[union-attr]
        if name == "max_track_minutes":
            continue  # folded into max_track_seconds
        value = getattr(profile.constraints, name)
        if value is not None:
            cons[name] = list(value) if isinstance(value, tuple) else value
    out["constraints"] = cons
    variety: dict[str, Any] = {"temperature": profile.variety.temperature}
    if profile.variety.seed is not None:
        variety["seed"] = profile.variety.seed
    out["variety"] = variety
    if profile.like:
        out["like"] = list(profile.like)
        out["like_weight"] = profile.like_weight
    if profile.genres != Genres():
        out["genres"] = {
            "prefer": list(profile.genres.prefer),
            "avoid": list(profile.genres.avoid),
            "weight": profile.genres.weight,
        }
    if profile.listening != Listening():
        listening: dict[str, Any] = {"weight": profile.listening.weight}
        if profile.listening.avoid_plays is not None:
            listening["avoid_plays"] = profile.listening.avoid_plays
        out["listening"] = listening
    return out
