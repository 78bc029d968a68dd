"""The shipped genre knowledge, read from the package: beets' tree, moodseq's links, the embedding.

- ``sequencer/data/genre_tree.json``: beets' genre tree (MIT; ``LICENSE.beets`` beside it),
  converted from its YAML by ``tools/genre_tree_to_json.py`` (tests check it matches);
- ``sequencer/data/genre_links.toml``: aliases, placements and cross-links, each cited;
- ``sequencer/data/genre_space.npz``: the genre embedding computed from those two by
  :meth:`~sequencer.core.genres.GenreSpace.embedding`, stamped with a digest of both files.
  Shipping it makes the vectors identical on every machine (an eigen-decomposition may pick
  other signs or bases elsewhere) and saves the second it takes; when the stamp does not match
  the data (the links were edited without ``python tools/genre_embedding.py``), it is
  recomputed.

Public: :func:`load_genre_space`, :func:`data_digest`, :func:`save_embedding`, :data:`EMBEDDING_FILE`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sequencer.core.genres import GenreSpace

TREE_FILE = "genre_tree.json"
LINKS_FILE = "genre_links.toml"
EMBEDDING_FILE = "genre_space.npz"


def _data_path(name: str) -> Path:
    """A file of the ``sequencer.data`` package."""
    return Path(str(resources.files("sequencer.data").joinpath(name)))


def data_digest() -> str:
    """A digest of the tree and links files (what the shipped embedding was computed from)."""
    digest = hashlib.blake2b(digest_size=12)
    for name in (TREE_FILE, LINKS_FILE):
        digest.update(_data_path(name).read_bytes())
    # the embedding's parameters are part of what it was computed from
    from sequencer.core import genres

    digest.update(f"{genres.GENRE_DIMS}:{genres.ALPHA}:{genres.NEAR_WEIGHT}".encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def load_genre_phrases() -> frozenset[str]:
    """Every normalised genre name the shipped data knows (no numpy: imports read playlist
    names with it, :func:`~sequencer.core.genre_names.genres_named_in`)."""
    from sequencer.core.genre_names import genre_phrases

    tree = json.loads(_data_path(TREE_FILE).read_text(encoding="utf-8"))["tree"]
    links = tomllib.loads(_data_path(LINKS_FILE).read_text(encoding="utf-8"))
    return genre_phrases(tree, links)


@functools.lru_cache(maxsize=1)
def load_genre_space() -> GenreSpace:
    """The genre graph with its embedding (the shipped one when it matches the data)."""
    import numpy as np

    from sequencer.core.genres import genre_space

    tree = json.loads(_data_path(TREE_FILE).read_text(encoding="utf-8"))["tree"]
    links = tomllib.loads(_data_path(LINKS_FILE).read_text(encoding="utf-8"))
    space = genre_space(tree, links)
    try:
        with np.load(_data_path(EMBEDDING_FILE), allow_pickle=False) as data:
            if str(data["digest"]) == data_digest() and tuple(str(n) for n in data["names"]) == space.names:
                space.use_embedding(np.asarray(data["vectors"], dtype=np.float32))
    except (OSError, KeyError, ValueError):
        pass
    return space


def save_embedding(target: Path | None = None) -> Path:
    """Compute the embedding from the data files and write it (``tools/genre_embedding.py``)."""
    import numpy as np

    load_genre_space.cache_clear()
    space = load_genre_space()
    path = target or _data_path(EMBEDDING_FILE)
    fresh = type(space)(names=space.names, edges=space.edges, aliases=space.aliases, roots=space.roots)
    np.savez_compressed(
        path,
        digest=np.array(data_digest()),
        names=np.array(space.names, dtype=np.str_),
        vectors=fresh.embedding(),
    )
    load_genre_space.cache_clear()
    return path
