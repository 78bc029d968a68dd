"""Which genres are related: a genre graph and its embedding (pure; the data comes from adapters).

The graph is beets' genre tree (families → sub-genres, MIT; ``sequencer/data/genre_tree.json``)
plus moodseq's own additions (``sequencer/data/genre_links.toml``, each cited): other spellings
(``[alias]``), genres the tree lacks placed beside the ones they come from (``[place]``), and
cross-links between related genres in different branches (``[near]``).  A name seen twice in
the tree (industrial metal sits under both industrial and heavy metal) is one genre.

:meth:`GenreSpace.embedding` places every genre as a unit vector of :data:`GENRE_DIMS` numbers
so that related genres are near (cosine close to 1) and unrelated ones are not (cosine ≤ 0):
the leading eigenvectors (positive eigenvalues only) of the graph's normalised adjacency, each
weighted like the personalised-PageRank kernel ``(I − αS)⁻¹`` weights it (a random walk that
restarts with probability 1 − α sees nearby genres most), centred so that the direction every
genre shares counts for nothing.  It depends on the shipped data only, never on the
library, so a track's genre vector never changes when other tracks are added.

:meth:`GenreSpace.resolve` turns a tag or genre name into genres: an exact name, an alias, or
else the known genres that share the most words with it ("melodic techno" → techno); a tag that
names no genre ("seen live", "female vocalists") resolves to nothing.

Public: :class:`GenreSpace`, :func:`genre_space`, :func:`normalise_genre`, :data:`GENRE_DIMS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sequencer.core.genre_names import normalise_genre, tree_names

__all__ = ["GENRE_DIMS", "GenreSpace", "genre_space", "normalise_genre"]

#: Numbers per genre vector.
GENRE_DIMS = 20
#: Restart probability of the random walk is 1 − ALPHA.
ALPHA = 0.9
#: Weight of a cross-link ([near]) relative to a tree edge.
NEAR_WEIGHT = 1.0
#: Words that say nothing about a genre when names are compared word by word.
_STOP = frozenset({"music", "and", "the", "of", "n", "s", "style", "songs", "song", "genre"})
#: Weight of a family name (rock, pop…) beside a more specific genre of the same track.
ROOT_SHARE = 0.35
#: Least share of words a fallback match must have in common (Jaccard) with the name.
MIN_OVERLAP = 0.5


def _words(key: str) -> frozenset[str]:
    """The telling words of a normalised name."""
    return frozenset(w for w in key.split() if w not in _STOP)


@dataclass
class GenreSpace:
    """The genre graph: names, edges, aliases; resolution of names; the embedding."""

    names: tuple[str, ...]
    """Every genre's display name (as the tree or the links file spells it)."""
    edges: tuple[tuple[int, int, float], ...]
    """(genre, genre, weight) pairs, each once."""
    aliases: Mapping[str, int]
    """Normalised name (genre names and their aliases) → genre index."""
    roots: frozenset[int] = frozenset()
    """The tree's families (rock, pop, electronic…): broad labels, see :data:`ROOT_SHARE`."""
    _embedding: npt.NDArray[np.float32] | None = field(default=None, repr=False)
    _resolved: dict[str, tuple[tuple[int, float], ...]] = field(default_factory=dict, repr=False)
    _by_word: dict[str, list[int]] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.names)

    def index(self, name: str) -> int | None:
        """The genre ``name`` names exactly (or by an alias); None if none."""
        return self.aliases.get(normalise_genre(name))

    def resolve(self, name: str) -> tuple[tuple[int, float], ...]:
        """The genres a tag or genre name means, each with a weight in (0, 1] (empty: none).

        An exact name or alias gives that genre with weight 1; otherwise the genres sharing the
        largest share of words with it (Jaccard ≥ :data:`MIN_OVERLAP`), weighted by that share.
        """
        key = normalise_genre(name)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolve(key)
            self._resolved[key] = found
        return found

    def _resolve(self, key: str) -> tuple[tuple[int, float], ...]:
        """Uncached :meth:`resolve` of a normalised name."""
        exact = self.aliases.get(key)
        if exact is not None:
            return ((exact, 1.0),)
        words = _words(key)
        if not words:
            return ()
        scores: dict[int, float] = {}
        for word in words:
            for genre in self._word_index().get(word, ()):
                other = _words(normalise_genre(self.names[genre]))
                scores[genre] = len(words & other) / len(words | other)
        if not scores:
            return ()
        best = max(scores.values())
        if best < MIN_OVERLAP:
            return ()
        return tuple((g, best) for g in sorted(scores) if scores[g] == best)

    def _word_index(self) -> dict[str, list[int]]:
        """Word → genres whose name has it (built on first use)."""
        if self._by_word is None:
            index: dict[str, list[int]] = {}
            for i, name in enumerate(self.names):
                for word in _words(normalise_genre(name)):
                    index.setdefault(word, []).append(i)
            self._by_word = index
        return self._by_word

    def use_embedding(self, vectors: npt.NDArray[np.float32]) -> None:
        """Take precomputed genre vectors (the shipped ones), shape (len(self), :data:`GENRE_DIMS`)."""
        if vectors.shape != (len(self.names), GENRE_DIMS):
            raise ValueError(f"genre vectors of shape {vectors.shape}, expected {(len(self.names), GENRE_DIMS)}")
        self._embedding = vectors

    def embedding(self) -> npt.NDArray[np.float32]:
        """Genre vectors, shape (len(self), :data:`GENRE_DIMS`), unit rows (computed once)."""
        if self._embedding is None:
            self._embedding = _spectral_embedding(len(self.names), self.edges, GENRE_DIMS)
        return self._embedding

    def profile(self, tags: Mapping[str, float]) -> dict[int, float]:
        """Genre index → weight for a track's tags/genres (tag name → weight); empty if none
        names a genre.  A genre reached by several tags keeps its highest weight."""
        found: dict[int, float] = {}
        for tag, weight in tags.items():
            if weight <= 0:
                continue
            for genre, share in self.resolve(tag):
                found[genre] = max(found.get(genre, 0.0), weight * share)
        if any(g not in self.roots for g in found):  # "pop, electropop": electropop says more
            found = {g: w * ROOT_SHARE if g in self.roots else w for g, w in found.items()}
        return found

    def nearest(self, vector: npt.NDArray[np.floating[Any]], k: int) -> list[tuple[str, float]]:
        """The ``k`` genres whose vectors are nearest ``vector`` (a genre-space vector), with
        their cosine, best first."""
        emb = self.embedding()
        norm = float(np.linalg.norm(vector))
        if norm == 0.0 or k <= 0:
            return []
        cos = emb @ (np.asarray(vector, dtype=np.float32) / norm)
        order = np.argsort(-cos, kind="stable")[:k]
        return [(self.names[int(i)], float(cos[int(i)])) for i in order]


def _spectral_embedding(n: int, edges: Sequence[tuple[int, int, float]], dims: int) -> npt.NDArray[np.float32]:
    """Unit vectors whose cosines follow the graph's PageRank-kernel proximity (see module doc)."""
    weights = np.zeros((n, n), dtype=np.float64)
    for a, b, w in edges:
        weights[a, b] += w
        weights[b, a] += w
    degree = weights.sum(axis=1)
    degree[degree == 0] = 1.0
    scale = 1.0 / np.sqrt(degree)
    sym = weights * scale[:, None] * scale[None, :]
    values, vectors = np.linalg.eigh(sym)
    order = [i for i in np.argsort(-values, kind="stable")[:dims] if values[i] > 1e-9]
    kernel = 1.0 / (1.0 - ALPHA * values[order])
    emb = vectors[:, order] * np.sqrt(kernel)[None, :]
    emb -= emb.mean(axis=0, keepdims=True)  # the direction every genre shares says nothing
    emb *= np.sign(emb[np.abs(emb).argmax(axis=0), np.arange(emb.shape[1])])[None, :]  # fixed signs
    norms = np.linalg.norm(emb, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: npt.NDArray[np.float32] = (emb / norms).astype(np.float32)
    return result


def genre_space(tree: Any, links: Mapping[str, Any]) -> GenreSpace:
    """The genre graph from beets' tree (the JSON's ``tree``) and the links file (parsed TOML).

    Raises ValueError naming any link whose target is not a known genre (a typo in the data).
    """
    pairs: list[tuple[str, str]] = []
    names: dict[str, str] = {}
    tree_names(tree, None, pairs, names)
    place: Mapping[str, Iterable[str]] = links.get("place", {})
    near: Mapping[str, Iterable[str]] = links.get("near", {})
    for name in place:
        names.setdefault(normalise_genre(name), name)
    keys = list(names)
    index = {key: i for i, key in enumerate(keys)}
    aliases: dict[str, int] = dict(index)
    unknown: list[str] = []

    def lookup(name: str) -> int | None:
        found = aliases.get(normalise_genre(name))
        if found is None:
            unknown.append(name)
        return found

    for alias, target in links.get("alias", {}).items():
        found = lookup(str(target))
        if found is not None:
            aliases.setdefault(normalise_genre(alias), found)
    weighted: dict[tuple[int, int], float] = {}

    def link(a: int | None, b: int | None, weight: float) -> None:
        if a is None or b is None or a == b:
            return
        pair = (min(a, b), max(a, b))
        weighted[pair] = max(weighted.get(pair, 0.0), weight)

    for parent, child in pairs:
        link(index[normalise_genre(parent)], index[normalise_genre(child)], 1.0)
    for table, weight in ((place, 1.0), (near, NEAR_WEIGHT)):
        for name, targets in table.items():
            source = lookup(name)
            for target in targets:
                link(source, lookup(target), weight)
    if unknown:
        raise ValueError(f"genre links name unknown genres: {', '.join(sorted(set(unknown)))}")
    edges = tuple((a, b, w) for (a, b), w in sorted(weighted.items()))
    children = {normalise_genre(child) for _, child in pairs}
    roots = frozenset(index[normalise_genre(p)] for p, _ in pairs if normalise_genre(p) not in children)
    return GenreSpace(names=tuple(names[k] for k in keys), edges=edges, aliases=aliases, roots=roots)
