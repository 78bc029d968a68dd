"""The shipped genre knowledge: beets' tree as converted, moodseq's links, the embedding."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequencer.adapters.genre_data import EMBEDDING_FILE, data_digest, load_genre_space
from sequencer.core.genres import GenreSpace, genre_space, normalise_genre

DATA = Path(str(resources.files("sequencer.data")))
#: The tidytuesday catalog's playlist_genre and playlist_subgenre values (all of them).
CATALOG_GENRES = (
    *("edm", "rap", "pop", "r&b", "latin", "rock"),
    *("album rock", "big room", "classic rock", "dance pop", "electro house", "electropop", "gangster rap"),
    *("hard rock", "hip hop", "hip pop", "indie poptimism", "latin hip hop", "latin pop", "neo soul"),
    *("new jack swing", "permanent wave", "pop edm", "post-teen pop", "progressive electro house"),
    *("reggaeton", "southern hip hop", "trap", "tropical", "urban contemporary"),
)


@pytest.fixture(scope="module")
def space() -> GenreSpace:
    return load_genre_space()


def cos(space: GenreSpace, a: str, b: str) -> float:
    emb = space.embedding()
    ia, ib = space.index(a), space.index(b)
    assert ia is not None and ib is not None, (a, b)
    return float(emb[ia] @ emb[ib])


def test_shipped_tree_is_beets_yaml_exactly(shared_dir: Path) -> None:
    """genre_tree.json holds the YAML's tree unchanged, with the notice; the license ships."""
    yaml = pytest.importorskip("yaml")
    source = shared_dir / "data" / "genre_tree" / "genres-tree.yaml"
    shipped = json.loads((DATA / "genre_tree.json").read_text(encoding="utf-8"))
    assert shipped["tree"] == yaml.safe_load(source.read_text(encoding="utf-8"))
    assert "MIT" in shipped["notice"] and "beets" in shipped["notice"]
    license_text = (DATA / "LICENSE.beets").read_text(encoding="utf-8")
    assert license_text == (shared_dir / "data" / "genre_tree" / "LICENSE.beets").read_text(encoding="utf-8")


def test_shipped_embedding_was_computed_from_the_shipped_data() -> None:
    """genre_space.npz is stamped with the digest of the tree and links it came from (else run
    tools/genre_embedding.py), and the loader uses it."""
    with np.load(DATA / EMBEDDING_FILE, allow_pickle=False) as data:
        assert str(data["digest"]) == data_digest()
        shipped = np.asarray(data["vectors"])
    assert np.array_equal(load_genre_space().embedding(), shipped)


def test_embedding_rows_are_unit_vectors(space: GenreSpace) -> None:
    emb = space.embedding()
    assert emb.shape[0] == len(space) and np.all(np.isfinite(emb))
    assert np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("name", CATALOG_GENRES)
def test_every_catalog_genre_is_known_by_name(space: GenreSpace, name: str) -> None:
    """The shared catalog's genres resolve exactly (not by the word-overlap fallback)."""
    assert space.resolve(name) and space.resolve(name)[0][1] == 1.0, name


def test_synthwave_sits_with_its_relatives_and_far_from_latin(space: GenreSpace) -> None:
    """Synthwave (and its other names) is near electropop, new wave, synth-pop and darkwave,
    far from reggaeton and latin pop: facts cited in genre_links.toml."""
    for name in ("synthwave", "outrun", "retrowave"):
        for near in ("electropop", "new wave", "synth-pop", "darkwave"):
            assert cos(space, name, near) > 0.85, (name, near)
        for far in ("reggaeton", "latin pop", "salsa", "latin"):
            assert cos(space, name, far) < 0.3, (name, far)


def test_crow_genres_sit_together(space: GenreSpace) -> None:
    """Grunge, industrial rock and alternative metal are near each other, far from dance pop."""
    group = ("grunge", "industrial rock", "alternative metal", "industrial metal")
    for a in group:
        for b in group:
            assert cos(space, a, b) > 0.75, (a, b)
        assert cos(space, a, "dance pop") < 0.4
        assert cos(space, a, "reggaeton") < 0.2


def test_nearest_genres_rank_relatives_first(space: GenreSpace) -> None:
    """A genre's nearest neighbours in the embedding are its family, not another family's."""
    emb = space.embedding()
    index = space.index("reggaeton")
    assert index is not None
    names = [n for n, _ in space.nearest(emb[index], 12)]
    assert names[0] == "reggaeton"
    assert {"latin pop", "tropical", "bachata", "salsa"} & set(names)
    assert not {"synthwave", "grunge", "hard rock"} & set(names)


def test_unknown_names_fall_back_to_shared_words(space: GenreSpace) -> None:
    """A subgenre the data lacks finds the genre it shares words with; a tag that names no
    genre finds nothing (never guessed)."""
    assert [space.names[i] for i, _ in space.resolve("Melodic Techno")] == ["techno"]
    assert [space.names[i] for i, _ in space.resolve("hip-hop")] == ["hip hop"]
    assert space.resolve("seen live") == ()
    assert space.resolve("female vocalists") == ()
    assert space.resolve("") == ()


@given(st.text(max_size=40))
def test_resolve_never_fails_and_weights_are_shares(name: str) -> None:
    found = load_genre_space().resolve(name)
    assert all(0.0 < w <= 1.0 for _, w in found)
    assert len({g for g, _ in found}) == len(found)


def test_links_naming_an_unknown_genre_are_refused() -> None:
    """A typo in the links file is caught when the graph is built."""
    with pytest.raises(ValueError, match="synthwav"):
        genre_space([{"rock": ["new wave"]}], {"near": {"new wave": ["synthwav"]}})


def test_a_tiny_graph_places_linked_genres_near() -> None:
    """The embedding follows the graph it is given: linked leaves near, other branches far."""
    tree = [{"a": ["a1", "a2", "a3"]}, {"b": ["b1", "b2", "b3"]}, {"c": ["c1", "c2", "c3"]}]
    space = genre_space(tree, {"alias": {"aye": "a1"}, "place": {"a4": ["a1"]}})
    assert space.index("AYE") == space.index("a1")
    emb = space.embedding()

    def c(x: str, y: str) -> float:
        ix, iy = space.index(x), space.index(y)
        assert ix is not None and iy is not None
        return float(emb[ix] @ emb[iy])

    assert c("a1", "a2") > c("a1", "b1")
    assert c("a4", "a1") > c("a4", "c2")


def test_normalise_genre_folds_spelling() -> None:
    assert normalise_genre("Hip-Hop") == normalise_genre("hip hop") == "hip hop"
    assert normalise_genre("R&B") == "r and b"
    assert normalise_genre("Électro_Pop") == "electro pop"


def test_a_family_name_counts_less_beside_a_specific_genre(space: GenreSpace) -> None:
    """ "pop, electropop" is mostly electropop; "pop" alone is pop."""
    pop, electro = space.index("pop"), space.index("electropop")
    both = space.profile({"pop": 1.0, "electropop": 1.0})
    assert pop is not None and electro is not None
    assert both[electro] == 1.0 and 0 < both[pop] < 0.5
    assert space.profile({"pop": 1.0}) == {pop: 1.0}
