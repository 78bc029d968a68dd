"""Genre names as text: normalising them, the names the shipped genre data knows, and the genres
a playlist's name names (pure, no numpy: imports use it).

A catalog's playlists are named by the people who made them, and most names say what they hold:
"Maxi Pop GOLD (New Wave, Electropop, Synth Pop...)", "Gothic / Industrial / EBM / Futurepop",
"ELECTROPOP EN ESPAÑOL", "Lofi Hip-Hop".  :func:`genres_named_in` finds the known genre names
(the tree's, the links file's places and aliases) in such a name: the name is cut at its
separators (``/ | , ; ( ) & + :`` and dashes between words), and each part is read left to
right taking the longest known name of up to four words at each word.  Words that name a
language or region stand for the genre family their playlists mean (:data:`LANGUAGE_GENRES`:
"en español" → latin, as Spotify's own "… en español" and "Pop latino" playlists use them).

An album's name is no such list ("Rubber Soul" is not soul), but one kind of album says what it
is: a soundtrack ("Interstellar: Original Motion Picture Soundtrack", "Euphoria (Original Score
from the HBO Series)", "Enredados OST").  :func:`declared_genres` reads that declaration, in the
album's name or the track's title, as the genre ``soundtrack`` (film score) — for a *score*
only: the album says "score", or the track is instrumental (instrumentalness ≥
:data:`SCORE_INSTRUMENTAL`).  Most tracks of soundtrack albums are songs ("Can't Stop the
Feeling!", The Cure's "Burn" from The Crow): filed under soundtrack they would sound like
Howard Shore.  The film scores of a genre-less catalog then have the genre their albums give
them.

Some recordings are not music for listening but sound for a purpose, and their names say so:
"Nature Sounds - 10 Hours of Nature", "Natural White Noise for Babies - Ocean Waves for Baby
Sleep", "Kundalini: Yoga, Meditation, Relaxation - Ultimate Spa Relaxtion".
:func:`functional_genres` files them under ``environmental`` (nature sounds, noise, sound
effects: Spotify's name for the genre) or ``meditation`` (spa, yoga, relaxation, sleep music),
read from the artist's or album's name (a title alone is a song's: CSS's "Jager Yoga",
Frankie Goes to Hollywood's "Relax"), or from the title only for the unambiguous "white noise",
"nature sounds", "sound effects".  Songs made for a season say so too: Christmas songs and
albums ("Silent Night", "Merry Christmas Baby", *A Motown Christmas*; 106 tracks on the shared
catalogs) are filed under ``holiday``, read from the title or the album.  The built-in profiles
exclude all three: a playlist for a night drive or a study block is music, whatever the month.

Public: :func:`normalise_genre`, :func:`tree_names`, :func:`genre_phrases`,
:func:`genres_named_in`, :data:`LANGUAGE_GENRES`, :func:`declared_genres`,
:data:`SCORE_INSTRUMENTAL`, :func:`functional_genres`, :data:`FUNCTIONAL_GENRES`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

_NON_WORD = re.compile(r"[\W_]+")
_SEPARATORS = re.compile(r"[/|,;()\[\]&+:!?•]|\s[-–—]+\s")
#: Longest genre name looked for, in words.
MAX_WORDS = 4
#: Words of a playlist name that stand for a genre family (normalised → the genre).
LANGUAGE_GENRES = {"espanol": "latin", "en espanol": "latin", "latino": "latin", "latina": "latin"}
#: Instrumentalness from which a track of a soundtrack album is a score, not a song: on the 10k
#: catalog's 423 soundtrack tracks, every one at 0.85 or more is by a composer (John Williams,
#: Hans Zimmer, Angelo Badalamenti, John Carpenter…), while songs reach 0.66 (The Cure's "Burn",
#: a long intro) and 0.80 (Nine Inch Nails' "Dead Souls").
SCORE_INSTRUMENTAL = 0.85
_SCORE = re.compile(r"\bscore\b", re.IGNORECASE)
#: What a soundtrack album calls itself (whole words, any case; "The Score" alone is not one).
_SOUNDTRACK = re.compile(
    r"\bsound\s?tracks?\b|\bo\.?s\.?t\b\.?|\b(?:original|film|movie|motion picture)\s+score\b"
    r"|\bmusic\s+from\s+(?:and\s+inspired\s+by\s+)?the\s+(?:original\s+)?(?:motion\s+picture|film|movie)\b"
    r"|\bfrom\s+the\s+(?:original\s+)?motion\s+picture\b",
    re.IGNORECASE,
)

#: Names of recordings made for a purpose (module docstring): whole words, any case.
_ENVIRONMENTAL = re.compile(
    r"\b(?:nature|rain|ocean|sea|forest|jungle|thunderstorm|sleep|baby|relaxing|relaxation)\s+sounds?\b"
    r"|\b(?:white|pink|brown)\s+noise\b|\bocean\s+waves\b|\bsound\s+(?:effects|fx)\b"
    r"|\b\d+\s+hours?\s+of\s+(?:nature|noise|rain|ocean|sleep|relax\w*|white|halloween|thunder\w*|sounds?)\b",
    re.IGNORECASE,
)
_ENVIRONMENTAL_TITLE = re.compile(
    r"\b(?:white|pink|brown)\s+noise\b|\bnature\s+sounds?\b|\bsound\s+(?:effects|fx)\b", re.IGNORECASE
)
#: Words of an artist's name (a meditation act is named so) and of an album's name (a single
#: may be called "Yoga": Janelle Monáe's is a song) that declare meditation music.
_MEDITATION_ARTIST = re.compile(
    r"\b(?:meditat\w*|relaxation|yoga|spa|binaural|asmr|reiki|mindfulness)\b", re.IGNORECASE
)
_MEDITATION_ALBUM = re.compile(
    r"\b(?:meditation|relaxation|binaural|asmr|reiki|mindfulness)\b|\b(?:sleep|healing|massage|spa)\s+music\b",
    re.IGNORECASE,
)
#: Names of Christmas songs and albums (title or album; an artist called "Noel" is not one, nor
#: "Santa Monica" or Three Dog Night's "Joy to the World").
_HOLIDAY = re.compile(
    r"\b(?:christmas|x-?mas|navidad|weihnacht\w*|jingle\s+bells?|santa\s+claus|sleigh\s+ride"
    r"|winter\s+wonderland|rudolph\s+the|let\s+it\s+snow|mistletoe|deck\s+the\s+halls"
    r"|little\s+drummer\s+boy|silent\s+night|stille\s+nacht|o\s+holy\s+night|o\s+helga\s+natt"
    r"|happy\s+holidays?|holiday\s+album)\b",
    re.IGNORECASE,
)
#: The genres :func:`functional_genres` files such recordings under.
FUNCTIONAL_GENRES = ("environmental", "meditation", "holiday")


def functional_genres(artists: str, album: str = "", title: str = "") -> tuple[str, ...]:
    """The genres of :data:`FUNCTIONAL_GENRES` the names of a recording made for a purpose
    declare (module docstring): ``("environmental",)`` for "Nature Sounds" or "Ocean Waves for
    Baby Sleep", ``("meditation",)`` for "Kundalini: Yoga, Meditation, Relaxation",
    ``("holiday",)`` for "Silent Night" or a track of "A Motown Christmas", else ``()``."""
    found: list[str] = []
    if _ENVIRONMENTAL.search(artists) or _ENVIRONMENTAL.search(album) or _ENVIRONMENTAL_TITLE.search(title):
        found.append("environmental")
    if _MEDITATION_ARTIST.search(artists) or _MEDITATION_ALBUM.search(album):
        found.append("meditation")
    if _HOLIDAY.search(album) or _HOLIDAY.search(title):
        found.append("holiday")
    return tuple(found)


def normalise_genre(name: str) -> str:
    """A genre name in comparable form: lower case, accent-free, "&" → "and", "-"/"_" → space.

    >>> normalise_genre("Hip-Hop"), normalise_genre("R&B"), normalise_genre("  Synth_Pop ")
    ('hip hop', 'r and b', 'synth pop')
    """
    decomposed = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().replace("&", " and ")
    return " ".join(_NON_WORD.sub(" ", text).split())


def tree_names(tree: Any, parent: str | None, out: list[tuple[str, str]], names: dict[str, str]) -> None:
    """Collect (parent, child) name pairs and every name (normalised → as spelled) from beets'
    nested genre tree."""
    if isinstance(tree, str):
        names.setdefault(normalise_genre(tree), tree)
        if parent is not None:
            out.append((parent, tree))
    elif isinstance(tree, Mapping):
        for name, children in tree.items():
            tree_names(str(name), parent, out, names)
            for child in children or ():
                tree_names(child, str(name), out, names)
    elif isinstance(tree, list):
        for item in tree:
            tree_names(item, parent, out, names)


def genre_phrases(tree: Any, links: Mapping[str, Any]) -> frozenset[str]:
    """Every normalised genre name the data knows: the tree's, and the links file's places and
    aliases (what :func:`~sequencer.core.genres.genre_space` resolves exactly)."""
    names: dict[str, str] = {}
    tree_names(tree, None, [], names)
    extra = [*links.get("place", {}), *links.get("alias", {})]
    return frozenset([*names, *(normalise_genre(str(name)) for name in extra)])


def genres_named_in(text: str, phrases: frozenset[str]) -> tuple[str, ...]:
    """The genre names (normalised, each once, in order) that ``text`` — a playlist's name —
    holds (see the module docstring)."""
    found: dict[str, None] = {}
    for part in _SEPARATORS.split(text):
        words = normalise_genre(part).split()
        i = 0
        while i < len(words):
            for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
                phrase = " ".join(words[i : i + n])
                genre = LANGUAGE_GENRES.get(phrase) or (phrase if phrase in phrases else None)
                if genre is not None:
                    found[genre] = None
                    i += n
                    break
            else:
                i += 1
    return tuple(found)


def declared_genres(album: str, title: str = "", instrumentalness: float | None = None) -> tuple[str, ...]:
    """``("soundtrack",)`` when the album's name or the track's title declares a soundtrack and
    the track is a score (the declaration says "score", or ``instrumentalness`` is at least
    :data:`SCORE_INSTRUMENTAL`; unknown = a song), else ``()`` (module docstring)."""
    found = _SOUNDTRACK.search(album) or _SOUNDTRACK.search(title)
    if found is None:
        return ()
    score = _SCORE.search(found.group(0)) is not None
    instrumental = instrumentalness is not None and instrumentalness >= SCORE_INSTRUMENTAL
    return ("soundtrack",) if score or instrumental else ()
