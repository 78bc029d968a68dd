"""Turning one input row's text values into a validated import record (or a reason to skip it).

Validation happens here, once, at the boundary (architecture habit 3):

- a row without title or artist is skipped, unless it carries a Spotify id (then it is kept
  as "Unknown title"/"Unknown artist", since the id identifies it);
- a duration that is negative, not a number, or longer than a day skips the row, and so does a
  title, artist or album longer than :data:`MAX_NAME_CHARS`;
- an out-of-range attribute (tempo 0, energy 7, key 14) is dropped with a warning and the
  row is kept: ``None`` means unknown, never zero;
- mood words in the tags column that the vocabulary knows become moods (source "tag"); other
  words and genres become crowd tags;
- the genres a row's playlist names ("Maxi Pop GOLD (New Wave, Synth Pop…)", an Exportify
  file's playlist) are added to its genres (:func:`~sequencer.core.genre_names.genres_named_in`):
  what genre rules and the sound vector read; mood inference reads the playlists' names itself
  (:func:`~sequencer.core.infer.playlist_tags`), so they are not crowd tags; ``soundtrack``
  is added the same way when the album's name or the title declares one
  (:func:`~sequencer.core.genre_names.declared_genres`), and ``environmental`` or
  ``meditation`` when the names declare nature sounds, noise or spa music
  (:func:`~sequencer.core.genre_names.functional_genres`).

Public: :class:`RowContext`, :class:`RowResult`, :func:`row_to_record`, :func:`parse_key`,
:func:`parse_duration`, :func:`parse_year`, :func:`split_artists`, :func:`split_list`.
"""

from __future__ import annotations

import ast
import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sequencer.adapters.genre_data import load_genre_phrases
from sequencer.adapters.importers.records import ImportRecord, RowProblem
from sequencer.core.genre_names import declared_genres, functional_genres, genres_named_in
from sequencer.core.identity import clean_isrc, spotify_uri
from sequencer.core.moods import MoodVocabulary
from sequencer.core.track import Track

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "?"})
#: MISSING in a title, artist or album cell: "?" is a name there (MF DOOM's song "?" in the
#: shared catalog), while in a number column it is still no value.
MISSING_NAMES = MISSING - {"?"}
UNKNOWN_TITLE = "Unknown title"
UNKNOWN_ARTIST = "Unknown artist"
MAX_DURATION_S = 24 * 3600.0
#: Longest title, artist or album cell kept (the longest real ones are a few hundred); a longer
#: cell is a broken file (a quote left open, a column of data) and skips its row.
MAX_NAME_CHARS = 2_000

#: Allowed ranges of numeric attributes (inclusive); tempo must also be > 0.
RANGES: dict[str, tuple[float, float]] = {
    "tempo": (1.0, 300.0),
    "key": (0.0, 11.0),
    "mode": (0.0, 1.0),
    "energy": (0.0, 1.0),
    "valence": (0.0, 1.0),
    "acousticness": (0.0, 1.0),
    "instrumentalness": (0.0, 1.0),
    "speechiness": (0.0, 1.0),
    "danceability": (0.0, 1.0),
    "loudness": (-70.0, 6.0),
}

_NOTES = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}
_KEY_NAME = re.compile(r"^([a-g])\s*([#♯b♭]?)\s*(m|min|minor|maj|major)?$", re.IGNORECASE)
_CAMELOT = re.compile(r"^(\d{1,2})\s*([ab])$", re.IGNORECASE)
#: Camelot number → pitch class, for the B (major) ring; the A (minor) ring is its relative minor.
_CAMELOT_MAJOR = {1: 11, 2: 6, 3: 1, 4: 8, 5: 3, 6: 10, 7: 5, 8: 0, 9: 7, 10: 2, 11: 9, 12: 4}
_LIST_SPLIT = re.compile(r"\s*[;,|]\s*")
_WEIGHTED = re.compile(r"^(.*?)\s*[=:]\s*([0-9.]+)$")
_DECIMAL_COMMA = re.compile(r"^\s*([+-]?\d*),(\d+)\s*$")
_MBID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
#: Fields holding numbers, the ones a decimal comma may be used in.
NUMERIC_FIELDS = frozenset({*RANGES, "duration", "duration_ms", "energy_level"})


@dataclass(frozen=True)
class RowContext:
    """Per-input settings for reading rows."""

    vocabulary: MoodVocabulary
    duration_unit: str = "s"
    """"ms", "s" or "min" for plain numbers (``m:ss`` text is always understood)."""
    artist_commas: bool = False
    """Whether commas separate artists in the artist column (plural headers)."""
    tag_source: str = "file"
    decimal_comma: bool = False
    """Whether numbers may be written "0,62" (European spreadsheets: semicolon or tab files)."""
    playlists: tuple[str, ...] = ()
    """Playlists every row of the input is in (an Exportify file's own playlist)."""
    resolved: dict[str, str | None] = field(default_factory=dict)
    """Memo of tag word → canonical mood (or None), filled while reading."""

    genre_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Memo of genre cell → its genres (a catalog repeats a few hundred genre cells)."""

    def genres(self, cell: str) -> tuple[str, ...]:
        """The genres in a genre cell: split, case-folded, "no value" spellings left out,
        each once (memoised)."""
        found = self.genre_lists.get(cell)
        if found is None:
            names = (item.casefold() for item in split_list(cell))
            found = self.genre_lists[cell] = tuple(dict.fromkeys(g for g in names if g not in MISSING))
        return found

    playlist_genre_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Memo of playlist name → the genres it names."""

    def playlist_genres(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """The genres the playlists ``names`` name (:func:`genres_named_in`, memoised)."""
        out: dict[str, None] = {}
        for name in names:
            found = self.playlist_genre_lists.get(name)
            if found is None:
                found = self.playlist_genre_lists[name] = genres_named_in(name, load_genre_phrases())
            out.update(dict.fromkeys(found))
        return tuple(out)

    all_genre_lists: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, ...]] = field(default_factory=dict)
    """Memo of (a row's genres, its playlists) → those genres and then the playlists' own."""

    def with_playlist_genres(self, genres: tuple[str, ...], playlists: tuple[str, ...]) -> tuple[str, ...]:
        """``genres`` followed by the genres the playlists name that it lacks (memoised: a
        catalog repeats a few hundred genre cells and playlist names, per row)."""
        key = (genres, playlists)
        found = self.all_genre_lists.get(key)
        if found is None:
            named = [g for g in self.playlist_genres(playlists) if g not in genres]
            found = self.all_genre_lists[key] = (*genres, *named) if named else genres
        return found

    def mood(self, word: str) -> str | None:
        """The canonical mood a tag word names, or None (memoised: imports repeat words)."""
        if word not in self.resolved:
            self.resolved[word] = self.vocabulary.resolve(word)
        return self.resolved[word]


@dataclass
class RowResult:
    """A record, or a skip reason; plus warnings about dropped values."""

    record: ImportRecord | None = None
    skip: RowProblem | None = None
    warnings: list[RowProblem] = field(default_factory=list)


def is_missing(text: str | None) -> bool:
    """Whether a cell is empty or one of the usual "no value" spellings (NA, null, …)."""
    if text is None:
        return True
    stripped = text.strip()
    return len(stripped) <= 4 and stripped.casefold() in MISSING  # every spelling is short


def parse_key(text: str) -> tuple[int, int | None] | None:
    """(pitch class, mode) from ``"8"``, ``"Am"``, ``"C#"``, ``"F minor"`` or Camelot ``"8A"``.

    Examples
    --------
    >>> parse_key("Am"), parse_key("8A"), parse_key("C#"), parse_key("5")
    ((9, 0), (9, 0), (1, 1), (5, None))
    """
    value = text.strip()
    if re.fullmatch(r"-?\d+(\.0+)?", value):
        number = int(float(value))
        return (number, None) if 0 <= number <= 11 else None
    camelot = _CAMELOT.match(value)
    if camelot:
        number = int(camelot.group(1))
        if number not in _CAMELOT_MAJOR:
            return None
        major = _CAMELOT_MAJOR[number]
        return (major, 1) if camelot.group(2).lower() == "b" else ((major + 9) % 12, 0)
    named = _KEY_NAME.match(value)
    if not named:
        return None
    pitch = _NOTES[named.group(1).lower()]
    accidental = named.group(2)
    if accidental in ("#", "♯"):
        pitch += 1
    elif accidental in ("b", "♭"):
        pitch -= 1
    quality = (named.group(3) or "").lower()
    minor = quality in ("m", "min", "minor") and named.group(3) != "M"
    return pitch % 12, 0 if minor else 1


_NUMBER = r"(\d+(?:\.\d+)?)"
#: ISO 8601 durations as exports of web services write them: ``PT3M45S``, ``PT1H2M3S``.
_ISO_DURATION = re.compile(rf"^P(?:T)?(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?$", re.IGNORECASE)
#: Durations with their units written out: ``3m45s``, ``3 min 45 s``, ``225 s``, ``257320 ms``.
_UNIT_DURATION = re.compile(
    rf"^(?:{_NUMBER}\s*h(?:ours?)?)?\s*(?:{_NUMBER}\s*m(?:in(?:utes?)?)?)?\s*(?:{_NUMBER}\s*s(?:ec(?:onds?)?)?)?$"
    rf"|^{_NUMBER}\s*ms$",
    re.IGNORECASE,
)


def _spelled_duration(value: str) -> float | None:
    """Seconds of a duration written with units (ISO 8601 or ``3m45s``), None when it is not one."""
    found = _ISO_DURATION.match(value) if value[:1] in "Pp" else _UNIT_DURATION.match(value)
    if found is None or not any(found.groups()):
        return None
    groups = found.groups()
    if len(groups) == 4 and groups[3] is not None:  # "257320 ms"
        return float(groups[3]) / 1000.0
    hours, minutes, seconds = (float(g) if g else 0.0 for g in groups[:3])
    return hours * 3600 + minutes * 60 + seconds


def parse_duration(text: str, unit: str) -> float:
    """Seconds from ``"257320"`` (ms), ``"257.3"`` (s), ``"4.3"`` (min), ``"4:17"`` / ``"1:02:03"``,
    or with units: ``"PT4M17S"`` (ISO 8601), ``"4m17s"``, ``"257 s"``, ``"257320 ms"``.

    Raises ValueError with a message for the user when the value is not a duration.
    """
    value = text.strip()
    if ":" in value:
        parts = value.split(":")
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            raise ValueError(f"duration {value!r} is not a time like 4:17") from None
        seconds = 0.0
        for number in numbers:
            seconds = seconds * 60 + number
        result = seconds
    elif (spelled := _spelled_duration(value)) is not None:
        result = spelled
    else:
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"duration {value!r} is not a number") from None
        result = number / 1000.0 if unit == "ms" else number * 60.0 if unit == "min" else number
    if math.isnan(result) or math.isinf(result):
        raise ValueError(f"duration {value!r} is not a number")
    if result < 0:
        raise ValueError(f"duration {value} is negative")
    if result > MAX_DURATION_S:
        raise ValueError(f"duration {value} is longer than a day")
    return result


def split_artists(text: str, *, commas: bool = False, expected: int | None = None) -> tuple[str, ...]:
    """Artist names in a cell: ``"A; B"``, ``"['A', 'B']"``, or ``"A, B"`` when commas separate.

    ``expected`` (e.g. the number of artist URIs beside the names) decides whether splitting on
    commas is right, so "Tyler, The Creator" stays one artist when there is one URI.
    """
    value = text.strip()
    if value.startswith("[") and value.endswith("]"):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            parsed = None
        if isinstance(parsed, list) and all(isinstance(p, str) for p in parsed):
            return tuple(p.strip() for p in parsed if p.strip())
    if ";" in value:
        return tuple(p.strip() for p in value.split(";") if p.strip())
    if "," in value:
        parts = tuple(p.strip() for p in value.split(",") if p.strip())
        if expected is not None:
            return parts if len(parts) == expected else (value,)
        if commas:
            return parts
    return (value,)


def split_list(text: str) -> list[str]:
    """Items of a list cell separated by ``,``, ``;`` or ``|``."""
    if "," not in text and "|" not in text and ";" not in text:
        item = text.strip()
        return [item] if item else []
    return [p for p in _LIST_SPLIT.split(text.strip()) if p]


def _number(text: str) -> float | None:
    """A finite float, or None when the text is not one."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


#: (name, low, high, whole) per attribute, in :data:`RANGES` order (``whole``: key and mode).
_RANGE_ITEMS = tuple((name, low, high, name in ("key", "mode")) for name, (low, high) in RANGES.items())


def _attributes(values: Mapping[str, str], line: int) -> tuple[dict[str, float], list[RowProblem]]:
    """Validated audio attributes (and key/mode from key names) plus warnings for dropped ones
    (key and mode as ``int``; this runs for every row of an import, so it is kept tight)."""
    found: dict[str, float] = {}
    warnings: list[RowProblem] = []
    for name, low, high, whole in _RANGE_ITEMS:
        cell = values.get(name)
        if cell is None:
            continue
        try:
            number = float(cell)
        except ValueError:
            if is_missing(cell):
                continue
            if name == "key":
                _key_from_text(cell.strip(), found, warnings, line)
            else:
                warnings.append(RowProblem(line, f"{name} {cell.strip()!r} is not a number; left unknown"))
            continue
        if number != number:  # NaN: the usual spelling of "unknown" in data frames
            continue
        if whole:
            if name == "key" and number == -1:
                continue  # Spotify's "no key detected"
            if not low <= number <= high or not number.is_integer():
                warnings.append(RowProblem(line, f"{name} {number:g} is outside [{low:g}, {high:g}]; left unknown"))
                continue
            found[name] = int(number)
        elif low <= number <= high:
            found[name] = number
        else:
            warnings.append(RowProblem(line, f"{name} {number:g} is outside [{low:g}, {high:g}]; left unknown"))
    return found, warnings


def _key_from_text(text: str, found: dict[str, float], warnings: list[RowProblem], line: int) -> None:
    """Key (and mode) from a key name such as 'Am' or '8A', or a warning."""
    key = parse_key(text)
    if key is None:
        warnings.append(RowProblem(line, f"key {text!r} is not a key (0–11, 'Am', '8A'); left unknown"))
        return
    found["key"] = key[0]
    if key[1] is not None:
        found["mode"] = key[1]


def _energy_level(values: Mapping[str, str], line: int) -> tuple[float | None, RowProblem | None]:
    """Mixed In Key's energy level 1–10 as an energy in [0, 1]."""
    cell = _first(values, "energy_level")
    if cell is None:
        return None, None
    number = _number(cell)
    if number is None or not 1 <= number <= 10:
        return None, RowProblem(line, f"energy level {cell!r} is not 1–10; left unknown")
    return (number - 1) / 9, None


def _tags(
    values: Mapping[str, str], ctx: RowContext, line: int, warnings: list[RowProblem]
) -> tuple[dict[str, float], dict[str, float], tuple[str, ...]]:
    """(moods, crowd tags, genres) from the tags and genre columns; a tag whose weight is not a
    number (``brooding=1.2.3``) is left out with a warning, the rest of the row is kept."""
    moods: dict[str, float] = {}
    genre_cell = values.get("genre")
    genres = ctx.genres(genre_cell) if genre_cell else ()
    tags: dict[str, float] = dict.fromkeys(genres, 1.0)
    tag_cell = _first(values, "tags")
    if tag_cell is not None:
        for item in split_list(tag_cell):
            weighted = _WEIGHTED.match(item)
            name, weight = (weighted.group(1), _number(weighted.group(2))) if weighted else (item, 1.0)
            if weight is None:
                shown = item if len(item) <= 60 else item[:57] + "…"
                warnings.append(RowProblem(line, f"tag {shown!r}: the weight is not a number; tag left out"))
                continue
            weight = min(1.0, max(0.0, weight))
            mood = ctx.mood(name)
            if mood is not None:
                moods[mood] = max(weight, moods.get(mood, 0.0))
            elif name.strip():
                tag = name.strip().casefold()
                tags[tag] = max(weight, tags.get(tag, 0.0))
    return moods, tags, genres


def _explicit(values: Mapping[str, str]) -> bool | None:
    """The explicit flag, or None when absent or unreadable."""
    cell = _first(values, "explicit")
    if cell is None:
        return None
    text = cell.casefold()
    if text in ("true", "yes", "1", "y", "explicit"):
        return True
    if text in ("false", "no", "0", "n", "clean"):
        return False
    return None


#: First characters the CSV exporter guards with a ``'`` (a spreadsheet formula's start).
_FORMULA_STARTS = frozenset("=+-@\t\r")
_CONTROL = re.compile(r"\s*[\x00-\x1f\x7f]+\s*")


def _first(values: Mapping[str, str], name: str, missing: frozenset[str] = MISSING) -> str | None:
    """The field's cell, stripped, or None when absent or one of the ``missing`` spellings
    (:func:`is_missing`, inlined: imports call this a dozen times per row)."""
    cell = values.get(name)
    if not cell:
        return None
    stripped = cell.strip()
    if len(stripped) <= 4 and stripped.casefold() in missing:
        return None
    return stripped


def _name(values: Mapping[str, str], name: str) -> str | None:
    """A name field (title, artist, album) on one line: line breaks and other control
    characters become one space (a quoted spreadsheet cell may hold them; a playlist file's
    line may not)."""
    cell = _first(values, name, MISSING_NAMES)
    if cell is None:
        return None
    if cell[:1] == "'" and cell[1:2] in _FORMULA_STARTS:  # moodseq's CSV export guarded a formula
        cell = cell[1:]
    if cell.isprintable():  # no control character (nor any whitespace but spaces): nothing to do
        return cell
    return _CONTROL.sub(" ", cell).strip() or None


def with_decimal_points(values: Mapping[str, str]) -> dict[str, str]:
    """The cells with "0,62"-style numbers (one comma, digits only) written "0.62"; other
    text, such as "1,234.5" or a title, is left alone."""
    fixed = dict(values)
    for name in NUMERIC_FIELDS & fixed.keys():
        match = _DECIMAL_COMMA.match(fixed[name])
        if match:
            fixed[name] = f"{match.group(1) or '0'}.{match.group(2)}"
    return fixed


_YEAR = re.compile(r"^\s*(\d{4})(?:\D|$)")
MIN_YEAR, MAX_YEAR = 1000, 2100


@functools.lru_cache(maxsize=4096)  # a catalog repeats its release dates
def parse_year(text: str | None) -> int | None:
    """The year of ``"2019-06-14"``, ``"2012"`` or ``"1999-01"``; None when there is none.

    >>> parse_year("2019-06-14"), parse_year("1984"), parse_year("June 1984"), parse_year("0000")
    (2019, 1984, None, None)
    """
    if text is None:
        return None
    found = _YEAR.match(text)
    if not found:
        return None
    year = int(found.group(1))
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def _too_long(values: Mapping[str, str]) -> str | None:
    """The first of title, artist and album longer than :data:`MAX_NAME_CHARS`, if any."""
    for name in ("title", "artist", "album"):
        cell = values.get(name)
        if cell is not None and len(cell) > MAX_NAME_CHARS:
            return name
    return None


#: A track with every default, copied by :meth:`Track.with_values` for each row: the same track
#: as ``Track(...)`` with those values, made without calling the frozen ``__init__`` field by field.
_BLANK = Track(id="", title="", artists=(), duration_s=0.0)


def row_to_record(values: Mapping[str, str], line: int, ctx: RowContext) -> RowResult:
    """Validate one row's cells (field → text; a multi-column field's cells joined by ';')."""
    result = RowResult()
    if ctx.decimal_comma:
        values = with_decimal_points(values)
    too_long = _too_long(values)
    if too_long is not None:
        length = len(values[too_long])
        result.skip = RowProblem(line, f"the {too_long} is {length:,} characters long (at most {MAX_NAME_CHARS:,})")
        return result
    uri = spotify_uri(_first(values, "id"))
    title = _name(values, "title")
    artist_text = _name(values, "artist")
    if title is None or artist_text is None:
        missing = " and ".join(n for n, v in (("title", title), ("artist", artist_text)) if v is None)
        if uri is None:
            result.skip = RowProblem(line, f"no {missing}")
            return result
        result.warnings.append(RowProblem(line, f"no {missing}: kept as {uri} with a placeholder name"))
        title = title or UNKNOWN_TITLE
        artist_text = artist_text or UNKNOWN_ARTIST
    # optional fields are looked at only when the input has their column (every row of an
    # input has the same fields; most inputs lack several of them)
    uris = _first(values, "artist_uris") if "artist_uris" in values else None
    expected = len([u for u in uris.split(",") if u.strip()]) if uris else None
    artists = split_artists(artist_text, commas=ctx.artist_commas, expected=expected)
    duration_text, unit = _first(values, "duration_ms"), "ms"
    if duration_text is None:
        duration_text, unit = _first(values, "duration"), ctx.duration_unit
    duration = 0.0
    if duration_text is not None:
        try:
            duration = parse_duration(duration_text, unit)
        except ValueError as error:
            result.skip = RowProblem(line, str(error))
            return result
    attrs, warnings = _attributes(values, line)
    result.warnings.extend(warnings)
    if "energy_level" in values:
        energy, problem = _energy_level(values, line)
        if problem is not None:
            result.warnings.append(problem)
        if energy is not None and "energy" not in attrs:
            attrs["energy"] = energy
    isrc: str | None = None
    mbid: str | None = None
    if "isrc" in values:
        isrc_text = _first(values, "isrc")
        isrc = clean_isrc(isrc_text)
        if isrc_text and isrc is None:
            result.warnings.append(RowProblem(line, f"ISRC {isrc_text!r} is not valid; left out"))
    if "mbid" in values:
        mbid_text = _first(values, "mbid")
        mbid = mbid_text.strip().lower() if mbid_text and _MBID.match(mbid_text.strip()) else None
        if mbid_text and mbid is None:
            result.warnings.append(RowProblem(line, f"MusicBrainz id {mbid_text!r} is not valid; left out"))
    moods, tags, genres = _tags(values, ctx, line, result.warnings)
    playlist = _name(values, "playlist")
    playlists = (playlist,) if playlist else ctx.playlists
    album = _name(values, "album") or ""
    # with what the playlists' names and a soundtrack's album say (genre rules, sound; moods
    # read the playlists' names at infer): the playlists' part memoised per (genres, playlists)
    genres = ctx.with_playlist_genres(genres, playlists)
    declared = (
        *declared_genres(album, title, attrs.get("instrumentalness")),
        *functional_genres(" | ".join(artists), album, title),
    )
    if declared:
        genres = tuple(dict.fromkeys((*genres, *declared)))
    year_text = _first(values, "year")
    year = parse_year(year_text)
    if year is None and year_text is not None and year_text.strip("0"):  # 0000: Spotify's "unknown"
        no_year = f"year {year_text!r} is no year from {MIN_YEAR} to {MAX_YEAR}; left out"
        result.warnings.append(RowProblem(line, no_year))
    track = _BLANK.with_values(  # Track(...) without its frozen __init__ or a keyword call
        {
            "id": uri[len("spotify:track:") :] if uri else "",
            "title": title,
            "artists": artists,
            "duration_s": duration,
            "album": album,
            "isrc": isrc,
            "uri": uri,
            "moods": moods,
            "explicit": _explicit(values) if "explicit" in values else None,
            "genres": genres,
            "mbid": mbid,
            "playlists": playlists,
            "year": year,
            **attrs,
        }
    )
    result.record = ImportRecord(track=track, tags=tags, tag_source=ctx.tag_source, line=line)
    return result
