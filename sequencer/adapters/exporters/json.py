"""The JSON export (schema ``moodseq.sequence/1``) and its reader.

The document is described field by field in ``docs/sequence-json.md``.  Writing: keys appear
in a fixed order, maps keyed by names (moods, attributes, terms) are sorted, derived numbers are
rounded to 6 decimals and there is no timestamp, so the same sequence always gives the same
bytes.  Reading: :func:`load_sequence_json` accepts files written here and minimal hand-written
ones (``{"tracks": [{"title", "artists", "duration_ms", "uri"}]}`` or even a bare list of such
tracks), and reports every problem at once with the file, the field and the fix.

Public: :data:`SCHEMA`, :func:`render`, :func:`sequence_to_dict`, :class:`LoadedSequence`,
:class:`SequenceFileError`, :func:`load_sequence_json`, :func:`parse_sequence_data`,
:func:`load_sequence`, :func:`sequence_of`.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from sequencer.adapters import json_text
from sequencer.adapters.exporters.common import generator, ms, playlist_name, rounded
from sequencer.core.explain import Explanation, TransitionExplanation, explain
from sequencer.core.mood_similarity import MoodSimilarity
from sequencer.core.moods import MoodDef, MoodVocabulary, default_vocabulary, normalise_name
from sequencer.core.profile import Profile, TransitionWeights, profile_from_mapping, profile_to_mapping
from sequencer.core.sequence import Sequence, Step, make_sequence
from sequencer.core.track import ATTRIBUTES, Track
from sequencer.errors import InputFileError, Problem

#: Largest sequence file read (a 1,000-track sequence with every explanation is about 3 MB).
MAX_SEQUENCE_BYTES = 64 * 1024 * 1024

#: The schema name and version this module writes.  Version 2 adds the ``cost`` object and each
#: track's ``sound`` and ``confidence`` (``flow.md`` v2); version 1 files are still read.
SCHEMA = "moodseq.sequence/2"
#: Every schema this module reads.
READABLE_SCHEMAS = ("moodseq.sequence/1", SCHEMA)
_SCHEMA_FAMILY = "moodseq.sequence/"

#: Attributes stored as whole numbers.
_INTEGER_ATTRIBUTES = ("key", "mode")
#: Spotify audio-feature names moodseq does not use: accepted in a file's ``attributes`` and ignored.
_IGNORED_SPOTIFY = ("liveness", "time_signature", "duration_ms", "id", "uri", "track_href", "analysis_url", "type")
#: Attributes in [0, 1].
_UNIT_ATTRIBUTES = ("energy", "valence", "acousticness", "instrumentalness", "speechiness", "danceability")
_SPOTIFY_URI = re.compile(r"^spotify:track:[0-9A-Za-z]{22}$")
_SPOTIFY_URL = re.compile(r"^https?://open\.spotify\.com/(?:intl-[a-z-]+/)?track/([0-9A-Za-z]{22})")


# --- writing --------------------------------------------------------------------------------


def _number(value: float | None, integer: bool = False) -> float | int | None:
    """A track attribute as written: exact (not rounded), whole numbers for key and mode."""
    if value is None or not math.isfinite(value):
        return None
    return int(value) if integer else float(value)


def _attributes(track: Track) -> dict[str, float | int]:
    """The known attributes under Spotify's audio-feature names, sorted by name."""
    out: dict[str, float | int] = {}
    for name in sorted(ATTRIBUTES):
        value = _number(getattr(track, name), name in _INTEGER_ATTRIBUTES)
        if value is not None:
            out[name] = value
    return out


def _transition(expl: TransitionExplanation) -> dict[str, Any]:
    """A transition's cost, verdict and terms (raw value, weight, share of the total)."""
    return {
        "from": expl.from_id,
        "total": rounded(expl.total),
        "verdict": expl.verdict,
        "terms": {
            term.term: {
                "value": rounded(term.value),
                "weight": rounded(term.weight),
                "share": rounded(term.share),
            }
            for term in sorted(expl.terms, key=lambda t: t.term)
        },
    }


def _track(step: Step, position: int, expl: Explanation, transition: TransitionExplanation | None) -> dict[str, Any]:
    """One entry of ``tracks`` (``transition``: the explanation of arriving here, if any)."""
    track = step.track
    return {
        "position": position,
        "id": track.id,
        "title": track.title,
        "artists": list(track.artists),
        "album": track.album,
        "duration_ms": ms(track.duration_s),
        "start_ms": ms(step.start_s),
        "uri": track.uri,
        "isrc": track.isrc,
        "mbid": track.mbid,
        "path": track.path,
        "explicit": track.explicit,
        "genres": list(track.genres),
        "moods": {mood: float(track.moods[mood]) for mood in sorted(track.moods)},
        "sound": None if track.sound is None else [float(x) for x in track.sound],
        "confidence": float(track.confidence),
        "attributes": _attributes(track),
        "energy_estimated": track.energy_estimated,
        "target_energy": rounded(step.target_energy),
        "fit": rounded(step.fit),
        "transition": None if transition is None else _transition(transition),
        "reasons": list(expl.tracks[position - 1].reasons),
    }


def _summary(sequence: Sequence, expl: Explanation) -> dict[str, Any]:
    """The score breakdown: the raw terms, the weights, each weighted item, the weakest hop."""
    s = expl.summary
    weakest = s.weakest
    return {
        "tracks": s.tracks,
        "duration_ms": ms(sequence.duration_s),
        "minutes": rounded(s.minutes),
        "flow_cost": rounded(s.flow_cost),
        "arc_error": rounded(s.arc_error),
        "mood_fit": rounded(s.mood_fit),
        "total": rounded(s.total),
        "weights": {k: rounded(v) for k, v in sorted(sequence.score.weights.items())},
        "items": [{"term": term, "value": rounded(value)} for term, value in s.items],
        "weakest_transition": None
        if weakest is None
        else {
            "position": weakest.position,
            "from": weakest.from_id,
            "to": weakest.to_id,
            "total": rounded(weakest.total),
            "verdict": weakest.verdict,
        },
    }


def _cost(sequence: Sequence) -> dict[str, Any]:
    """The cost model every figure was computed with (``flow.md`` v2): the transition weights and
    the mood similarity over every mood of the profile and the tracks."""
    transition = sequence.profile.transition
    moods = {*sequence.profile.moods, *(m for step in sequence.steps for m in step.track.moods)}
    return {
        "version": 2,
        "weights": {k: float(v) for k, v in sorted(transition.as_dict().items())},
        "mood_similarity": transition.similarity.as_nested(moods),
    }


def sequence_to_dict(sequence: Sequence, *, name: str | None = None) -> dict[str, Any]:
    """The JSON document for ``sequence`` as plain Python data (see ``docs/sequence-json.md``)."""
    expl = explain(sequence)
    arrivals = {t.position: t for t in expl.transitions}
    return {
        "schema": SCHEMA,
        "generator": generator(),
        "name": playlist_name(sequence, name),
        "mode": sequence.mode,
        "seed": sequence.seed,
        "warnings": list(sequence.warnings),
        "summary": _summary(sequence, expl),
        "cost": _cost(sequence),
        "profile": profile_to_mapping(sequence.profile),
        "tracks": [
            _track(step, position, expl, arrivals.get(position))
            for position, step in enumerate(sequence.steps, start=1)
        ],
    }


def render(sequence: Sequence, *, name: str | None = None) -> str:
    """The sequence as a JSON document (UTF-8 text, two-space indents, a final newline)."""
    return json.dumps(sequence_to_dict(sequence, name=name), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedSequence:
    """A sequence file read back: its tracks in order, its profile (if it has one) and more."""

    tracks: list[Track]
    profile: Profile | None
    name: str
    seed: int | None
    data: dict[str, Any]
    """The whole document as parsed (for ``mode``, ``summary``…)."""
    locked: tuple[int, ...] = ()
    """Positions (0-based) of the tracks marked ``"locked": true`` (kept by ``build --keep``)."""
    transition: TransitionWeights | None = None
    """The file's cost model (``cost``), when it has one; the profile already carries it."""


class SequenceFileError(InputFileError):
    """A sequence JSON file has problems; ``problems`` lists each with its field and fix."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        """One error for all ``problems`` of the file ``source``."""
        self.problems = list(problems)
        first = self.problems[0]
        count = len(self.problems)
        message = first.message if count == 1 else f"{count} problems in sequence file {source}"
        super().__init__(
            message,
            hint=first.hint if count == 1 else "fix each field listed above",
            source=source if count == 1 else None,
        )

    def lines(self) -> list[str]:
        """The summary, then one line per problem (a single problem is one line)."""
        if len(self.problems) == 1:
            return [str(self)]
        return [self.message, *(f"  {p}" for p in self.problems)]


class _Checker:
    """Collects problems with the field they are about, so every problem is reported at once."""

    def __init__(self, source: str) -> None:
        """Start collecting problems of the file ``source``."""
        self.source = source
        self.problems: list[Problem] = []

    def add(self, field: str, message: str, hint: str) -> None:
        """Record a problem with ``field`` (e.g. ``tracks[2].title``) and its fix."""
        self.problems.append(Problem(self.source, f"{field}: {message}", hint))


def _is_number(value: Any) -> TypeGuard[float]:
    """Whether ``value`` is a finite JSON number (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _optional_str(c: _Checker, entry: dict[str, Any], key: str, field: str) -> str | None:
    """``entry[key]`` as an optional string (empty = None)."""
    value = entry.get(key)
    if value is None or isinstance(value, str):
        return value or None
    c.add(f"{field}.{key}", f"{value!r} must be a string or null", f'write it in quotes: "{key}": "…"')
    return None


def _uri(c: _Checker, value: Any, field: str) -> str | None:
    """A Spotify track URI (an open.spotify.com track link is converted); None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if _SPOTIFY_URI.match(value):
            return value
        link = _SPOTIFY_URL.match(value)
        if link:
            return f"spotify:track:{link.group(1)}"
    c.add(
        f"{field}.uri",
        f"{value!r} is not a Spotify track URI",
        'write "spotify:track:<22-character id>" or remove the field',
    )
    return None


def _artists(c: _Checker, value: Any, field: str) -> tuple[str, ...]:
    """The artists: a non-empty list of names (a single string is one artist)."""
    if isinstance(value, str) and value.strip():
        return (value,)
    if isinstance(value, list) and value and all(isinstance(a, str) and a.strip() for a in value):
        return tuple(value)
    c.add(f"{field}.artists", f"{value!r} must be a non-empty list of artist names", 'e.g. "artists": ["Kavinsky"]')
    return ()


def _moods(c: _Checker, value: Any, field: str) -> dict[str, float]:
    """The mood weights, names normalised, each weight checked to be in [0, 1]."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        c.add(f"{field}.moods", f"{value!r} must be an object of mood: weight", 'e.g. "moods": {"brooding": 0.8}')
        return {}
    out: dict[str, float] = {}
    for mood, weight in value.items():
        if not _is_number(weight) or not 0 <= weight <= 1:
            c.add(f"{field}.moods.{mood}", f"{weight!r} must be a number in [0, 1]", "use a weight between 0 and 1")
            continue
        out[normalise_name(mood)] = float(weight)
    return out


def _attribute(c: _Checker, name: str, value: Any, field: str) -> float | int | None:
    """One attribute value, checked for type and range (key −1 means unknown, as Spotify says)."""
    where = f"{field}.attributes.{name}"
    if value is None:
        return None
    if not _is_number(value):
        c.add(where, f"{value!r} must be a number", "write a number without quotes, or null")
        return None
    if name in _INTEGER_ATTRIBUTES:
        low, high = (-1, 11) if name == "key" else (0, 1)
        if not float(value).is_integer() or not low <= value <= high:
            c.add(
                where,
                f"{value!r} must be a whole number in [{low}, {high}]",
                "key is a pitch class 0–11 (C = 0, −1 = unknown); mode is 1 major, 0 minor",
            )
            return None
        return None if value == -1 else int(value)
    if name in _UNIT_ATTRIBUTES and not 0 <= value <= 1:
        c.add(where, f"{value!r} must be in [0, 1]", "use Spotify's 0–1 scale")
        return None
    if name == "tempo" and value <= 0:
        c.add(where, f"{value!r} must be above 0 BPM", "write the tempo in beats per minute, or null")
        return None
    return float(value)


def _attributes_of(c: _Checker, value: Any, field: str) -> dict[str, Any]:
    """The ``attributes`` object: known names only ("did you mean" for typos), values checked;
    Spotify's other audio-feature names (``liveness``…) are accepted and ignored."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        c.add(f"{field}.attributes", f"{value!r} must be an object", 'e.g. "attributes": {"tempo": 92}')
        return {}
    out: dict[str, Any] = {}
    for name, raw in value.items():
        if name in _IGNORED_SPOTIFY and name not in ATTRIBUTES:
            continue
        if name not in ATTRIBUTES:
            close = difflib.get_close_matches(name, ATTRIBUTES, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(ATTRIBUTES)
            c.add(f"{field}.attributes.{name}", "unknown attribute", hint)
            continue
        cleaned = _attribute(c, name, raw, field)
        if cleaned is not None:
            out[name] = cleaned
    return out


def _sound(c: _Checker, value: Any, field: str) -> tuple[float, ...] | None:
    """The sound vector: a list of numbers, or null."""
    if value is None:
        return None
    if isinstance(value, list) and value and all(_is_number(x) for x in value):
        return tuple(float(x) for x in value)
    c.add(f"{field}.sound", f"{str(value)[:60]} must be a list of numbers or null", 'e.g. "sound": [0.12, -0.4]')
    return None


def _confidence(c: _Checker, value: Any, field: str) -> float:
    """The confidence in the track's moods, in [0, 1] (absent = 1, as in version 1 files)."""
    if value is None:
        return 1.0
    if _is_number(value) and 0 <= value <= 1:
        return float(value)
    c.add(f"{field}.confidence", f"{value!r} must be a number in [0, 1]", "use a confidence between 0 and 1")
    return 1.0


def _optional_bool(c: _Checker, entry: dict[str, Any], key: str, field: str) -> bool | None:
    """``entry[key]`` as true, false or None."""
    value = entry.get(key)
    if value is None or isinstance(value, bool):
        return value
    c.add(f"{field}.{key}", f"{value!r} must be true, false or null", "write true or false without quotes")
    return None


def _parse_track(c: _Checker, entry: Any, index: int) -> Track | None:
    """One entry of ``tracks`` → a Track (None after a problem)."""
    field = f"tracks[{index}]"
    if not isinstance(entry, dict):
        c.add(field, f"{entry!r} must be an object", 'e.g. {"title": "…", "artists": ["…"], "duration_ms": 240000}')
        return None
    before = len(c.problems)
    title = entry.get("title")
    if not isinstance(title, str) or not title.strip():
        c.add(f"{field}.title", f"{title!r} must be a non-empty string", 'e.g. "title": "Nightcall"')
    artists = _artists(c, entry.get("artists"), field)
    duration = entry.get("duration_ms")
    if not _is_number(duration) or duration <= 0:
        c.add(
            f"{field}.duration_ms",
            f"{duration!r} must be a positive number of milliseconds",
            'e.g. "duration_ms": 258000 for 4:18',
        )
    uri = _uri(c, entry.get("uri"), field)
    genres = entry.get("genres") or []
    if not isinstance(genres, list) or not all(isinstance(g, str) for g in genres):
        c.add(f"{field}.genres", f"{genres!r} must be a list of strings", 'e.g. "genres": ["synthwave"]')
        genres = []
    track_id = entry.get("id")
    if track_id is not None and (not isinstance(track_id, str) or not track_id):
        c.add(f"{field}.id", f"{track_id!r} must be a non-empty string", "write the id in quotes, or leave it out")
    album = entry.get("album") or ""
    if not isinstance(album, str):
        c.add(f"{field}.album", f"{album!r} must be a string", 'e.g. "album": "OutRun"')
    moods = _moods(c, entry.get("moods"), field)
    attributes = _attributes_of(c, entry.get("attributes"), field)
    explicit = _optional_bool(c, entry, "explicit", field)
    _optional_bool(c, entry, "locked", field)
    estimated = _optional_bool(c, entry, "energy_estimated", field)
    isrc = _optional_str(c, entry, "isrc", field)
    path = _optional_str(c, entry, "path", field)
    mbid = _optional_str(c, entry, "mbid", field)
    sound = _sound(c, entry.get("sound"), field)
    confidence = _confidence(c, entry.get("confidence"), field)
    if len(c.problems) > before:
        return None
    return Track(
        id=track_id or uri or f"json:{index + 1}",
        title=title,  # type: ignore[arg-type]  # why: checked to be a str above
        artists=artists,
        duration_s=float(duration) / 1000.0,  # type: ignore[arg-type]  # why: checked above
        album=album,
        isrc=isrc,
        uri=uri,
        moods=moods,
        explicit=explicit,
        genres=tuple(genres),
        path=path,
        mbid=mbid,
        energy_estimated=bool(estimated) and attributes.get("energy") is not None,
        sound=sound,
        confidence=confidence,
        **attributes,
    )


def _cost_model(c: _Checker, value: Any) -> TransitionWeights | None:
    """The ``cost`` object (``flow.md`` v2) as transition weights with their mood similarity."""
    if value is None:
        return None
    example = '{"version": 2, "weights": {"mood": 0.3, …}, "mood_similarity": {"angsty": {"brooding": 0.5}}}'
    if not isinstance(value, dict) or value.get("version") != 2:
        c.add("cost", "must be an object with version 2", f"e.g. {example}, or remove it")
        return None
    weights = value.get("weights")
    known = TransitionWeights().as_dict()
    if not isinstance(weights, dict) or not all(k in known and _is_number(v) and v >= 0 for k, v in weights.items()):
        c.add("cost.weights", "must map " + ", ".join(known) + " to numbers ≥ 0", f"e.g. {example}")
        return None
    nested = value.get("mood_similarity") or {}
    rows_ok = isinstance(nested, dict) and all(
        isinstance(row, dict) and all(_is_number(v) and 0 <= v <= 1 for v in row.values()) for row in nested.values()
    )
    if not rows_ok:
        c.add("cost.mood_similarity", "must map mood → {mood: number in [0, 1]}", f"e.g. {example}")
        return None
    similarity = MoodSimilarity.from_nested({normalise_name(a): row for a, row in nested.items()})
    return TransitionWeights(**{**known, **weights}, similarity=similarity)


def _check_schema(c: _Checker, data: dict[str, Any]) -> bool:
    """Whether the document's schema is one this version reads (absent = a hand-written v1)."""
    schema = data.get("schema", SCHEMA)
    if schema in READABLE_SCHEMAS:
        return True
    if isinstance(schema, str) and schema.startswith(_SCHEMA_FAMILY):
        c.add(
            "schema",
            f"{schema!r} is not a version this moodseq reads (it reads {' and '.join(map(repr, READABLE_SCHEMAS))})",
            "upgrade moodseq, or export the sequence again with this version",
        )
    else:
        c.add(
            "schema",
            f"{schema!r} is not a moodseq sequence file",
            f'a sequence file has "schema": "{SCHEMA}" and a "tracks" list',
        )
    return False


def _profile(
    c: _Checker, value: Any, source: str, default_name: str, vocabulary: MoodVocabulary | None
) -> Profile | None:
    """The embedded profile, validated as a profile file would be (None when absent)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        c.add("profile", f"{value!r} must be an object", "remove it, or export the sequence again")
        return None
    vocab = vocabulary or default_vocabulary()
    moods = value.get("moods")
    # why: the file was written with the user's moods file, which may define moods the reader
    # does not know; they are names only here, so accept them rather than fail.
    if isinstance(moods, dict):
        extra = [MoodDef(normalise_name(m)) for m in moods if isinstance(m, str) and vocab.resolve(m) is None]
        vocab = vocab.with_moods(extra)
    # why: a build's --minutes may be shorter than the tolerance it kept (with_minutes), so the
    # saved profile is not held to a profile file's window check.
    return profile_from_mapping(
        value, f"{source} (profile)", default_name=default_name, vocabulary=vocab, own_window=False
    )


def parse_sequence_data(
    data: Any, source: str, *, default_name: str = "sequence", vocabulary: MoodVocabulary | None = None
) -> LoadedSequence:
    """Validate a parsed sequence document (see :func:`load_sequence_json`)."""
    c = _Checker(source)
    if isinstance(data, list):
        data = {"tracks": data}
    if not isinstance(data, dict):
        c.add(
            "(top level)",
            f"a {type(data).__name__} is not a sequence",
            f'a sequence file is an object with "schema": "{SCHEMA}" and a "tracks" list',
        )
        raise SequenceFileError(source, c.problems)
    if not _check_schema(c, data):
        raise SequenceFileError(source, c.problems)
    raw_tracks = data.get("tracks")
    if not isinstance(raw_tracks, list) or not raw_tracks:
        c.add(
            "tracks",
            "missing or empty" if not raw_tracks else f"{type(raw_tracks).__name__} is not a list",
            '"tracks" must be a non-empty list of {"title", "artists", "duration_ms"} objects',
        )
        raise SequenceFileError(source, c.problems)
    tracks = [t for t in (_parse_track(c, e, i) for i, e in enumerate(raw_tracks)) if t is not None]
    seen: dict[str, int] = {}
    for i, track in enumerate(tracks):
        if track.id in seen:
            c.add(
                f"tracks[{i}].id",
                f"{track.id!r} repeats tracks[{seen[track.id]}]",
                "give each track its own id (or leave ids out)",
            )
        seen.setdefault(track.id, i)
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        c.add("seed", f"{seed!r} must be a whole number or null", "remove it or write a number")
        seed = None
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        c.add("name", f"{name!r} must be a string", 'e.g. "name": "night drive"')
        name = None
    if c.problems:
        raise SequenceFileError(source, c.problems)
    profile = _profile(c, data.get("profile"), source, default_name, vocabulary)
    transition = _cost_model(c, data.get("cost"))
    if c.problems:
        raise SequenceFileError(source, c.problems)
    if transition is not None and profile is not None:
        # why: the file's figures were computed with this cost model, not the reader's moods file
        profile = dataclasses.replace(profile, transition=transition)
    return LoadedSequence(
        tracks=tracks,
        profile=profile,
        name=name or (profile.name if profile else default_name),
        seed=seed,
        data=data,
        locked=tuple(i for i, e in enumerate(raw_tracks) if isinstance(e, dict) and e.get("locked") is True),
        transition=transition,
    )


def load_sequence_json(path: Path, *, vocabulary: MoodVocabulary | None = None) -> LoadedSequence:
    """Read a sequence file written by :func:`render` (or a minimal hand-written one).

    Raises
    ------
    InputFileError
        When the file cannot be read, is not JSON, has an unknown schema version, or a field is
        wrong (:class:`SequenceFileError` lists every bad field with its fix).  A bad embedded
        profile raises :class:`~sequencer.errors.ProfileError`.
    """
    path = Path(path)
    source = str(path)
    try:
        with path.open("rb") as handle:  # bounded: a sequence file is kilobytes, not gigabytes
            raw = handle.read(MAX_SEQUENCE_BYTES + 1)
        if len(raw) > MAX_SEQUENCE_BYTES:
            raise InputFileError(
                f"{source} is larger than {MAX_SEQUENCE_BYTES // (1024 * 1024)} MB: not a sequence file moodseq wrote",
                hint="give a .json file written by `moodseq build --format json`",
            )
        text = raw.decode("utf-8-sig")  # -sig: a BOM from Windows editors is dropped
    except FileNotFoundError:
        raise InputFileError(f"no such file: {source}", hint="check the path") from None
    except IsADirectoryError:
        raise InputFileError(
            f"{source} is a folder, not a sequence file", hint="give the path of a .json file written by moodseq"
        ) from None
    except UnicodeDecodeError as error:
        raise InputFileError(
            f"{source} is not UTF-8 text ({error.reason} at byte {error.start})",
            hint="give a .json file written by `moodseq build --format json`",
        ) from None
    except OSError as error:
        raise InputFileError(f"cannot read {source}: {error.strerror}", hint="check the file's permissions") from None
    if not text.strip():  # it said "not valid JSON: Expecting value (column 1)"
        raise InputFileError(
            f"{source} is empty",
            hint="give a .json file written by `moodseq build --format json` (or a .jspf playlist)",
        )
    from sequencer.adapters.importers.xspf import looks_like_xml, xspf_as_jspf

    if looks_like_xml(text):  # an XSPF playlist: read as the JSPF it maps to
        from sequencer.adapters.importers.jspf import parse_jspf

        return parse_jspf(xspf_as_jspf(text, source), source, default_name=path.stem)
    try:
        data = json_text.loads(text, source, "give a .json file written by `moodseq build --format json`")
    except json.JSONDecodeError as error:
        from sequencer.adapters.exporters import format_for_path

        other = format_for_path(path)
        if other in ("csv", "m3u8"):  # another of moodseq's export formats
            article = "a" if other == "csv" else "an"
            also = "; to bring its tracks into your library: `moodseq import csv FILE`" if other == "csv" else ""
            raise InputFileError(
                f"{source} is {article} {other.upper()} playlist: this reads the JSON (or JSPF) moodseq writes, "
                "which keeps every track's moods and attributes",
                hint=f"write the playlist with `-o NAME.json` (build, reorder, export){also}",
            ) from None
        raise InputFileError(
            f"not valid JSON: {error.msg} (column {error.colno})",
            hint="give a .json file written by `moodseq build --format json`, or fix the syntax",
            source=f"{source}:{error.lineno}",
        ) from None
    if isinstance(data, dict) and isinstance(data.get("playlist"), dict) and "schema" not in data:
        from sequencer.adapters.importers.jspf import parse_jspf

        return parse_jspf(data, source, default_name=path.stem)
    return parse_sequence_data(data, source, default_name=path.stem, vocabulary=vocabulary)


def load_sequence(path: Path, *, vocabulary: MoodVocabulary | None = None) -> tuple[Sequence, LoadedSequence]:
    """Read a sequence file and rebuild its :class:`Sequence` (every number recomputed by
    :func:`~sequencer.core.sequence.make_sequence` from the tracks and the profile).

    A file without a profile gets a default :class:`Profile` named after the file (or its
    ``name``): no moods, no arc, default weights.
    """
    loaded = load_sequence_json(path, vocabulary=vocabulary)
    return sequence_of(loaded), loaded


def sequence_of(loaded: LoadedSequence) -> Sequence:
    """The :class:`Sequence` of a file read back: its tracks scored against its profile (a
    default one, named after the file, when it has none)."""
    profile = loaded.profile or Profile(name=loaded.name, transition=loaded.transition or TransitionWeights())
    mode = loaded.data.get("mode")
    warnings = loaded.data.get("warnings")
    return make_sequence(
        loaded.tracks,
        profile,
        seed=loaded.seed,
        mode=mode if isinstance(mode, str) and mode else "build",
        warnings=[w for w in warnings if isinstance(w, str)] if isinstance(warnings, list) else [],
    )
