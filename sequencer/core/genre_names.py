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

Public: :func:`normalise_genre`, :func:`tree_names`, :func:`genre_phrases`,
:func:`genres_named_in`, :data:`LANGUAGE_GENRES`.
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
