"""Moods that agree with listeners (issue #10): angsty is a sound and a genre, night-driving the
sound of night music, study instrumental; confidence from evidence; hard rules, tag silence and
artist tags in inference."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest

from sequencer.adapters.moods_file import load_moods
from sequencer.core.infer import (
    ARTIST_TAG_SHARE,
    CONFIDENCE,
    PLAYLIST_TAG_STRENGTH,
    compile_model,
    infer_moods,
    playlist_tags,
    pool_artist_tags,
    tag_table,
)
from sequencer.core.moods import AttributeRule, InferenceSettings, MoodDef, MoodVocabulary

# Spotify's figures for real tracks of the shared catalog (energy, valence, acousticness,
# speechiness, instrumentalness, danceability, tempo, mode) and the genres it files them under.
TEEN_SPIRIT = {"energy": 0.91, "valence": 0.72, "acousticness": 0.0, "speechiness": 0.06, "instrumentalness": 0.0}
TEEN_SPIRIT |= {"danceability": 0.5, "tempo": 117.0, "mode": 1.0}
KILLING = {"energy": 0.83, "valence": 0.66, "acousticness": 0.03, "speechiness": 0.30, "instrumentalness": 0.0}
KILLING |= {"danceability": 0.47, "tempo": 89.0, "mode": 1.0}
SELENA = {"energy": 0.93, "valence": 0.74, "acousticness": 0.08, "speechiness": 0.05, "danceability": 0.68}
SELENA |= {"tempo": 101.0, "mode": 1.0}
GUETTA = {"energy": 0.91, "valence": 0.73, "acousticness": 0.02, "speechiness": 0.04, "instrumentalness": 0.0}
GUETTA |= {"danceability": 0.54, "tempo": 126.0, "mode": 0.0}
MINOR_POP = {"energy": 0.65, "valence": 0.3, "acousticness": 0.05, "speechiness": 0.05, "instrumentalness": 0.0}
MINOR_POP |= {"danceability": 0.65, "tempo": 120.0, "mode": 0.0}
SAD_BALLAD = {"energy": 0.3, "valence": 0.2, "acousticness": 0.6, "speechiness": 0.04, "instrumentalness": 0.01}
SAD_BALLAD |= {"danceability": 0.4, "tempo": 80.0, "mode": 0.0}


def _infer(rows: list[tuple[Mapping[str, float], Mapping[str, float] | None, str]]) -> dict[str, np.ndarray]:
    config = load_moods(None)
    model = compile_model(config.vocabulary, config.settings)
    names = sorted({k for attrs, _, _ in rows for k in attrs})
    attrs = {k: np.array([a.get(k, np.nan) for a, _, _ in rows]) for k in names}
    result = infer_moods(model, attrs, len(rows), tag_table([t for _, t, _ in rows]), artists=[a for *_, a in rows])
    out = {m: result.weights[:, i] for i, m in enumerate(result.moods)}
    assert result.confidence is not None
    out["confidence"] = result.confidence
    return out


def test_grunge_and_rage_are_angsty_though_spotify_rates_them_happy() -> None:
    """ "Smells Like Teen Spirit" and "Killing in the Name" (valence 0.72 / 0.66, filed under
    permanent wave / hard rock) are angsty; Selena Gomez and David Guetta at the same loudness,
    filed under pop and EDM, are not."""
    w = _infer(
        [
            (TEEN_SPIRIT, {"permanent wave": 1.0, "rock": 1.0}, "nirvana"),
            (KILLING, {"hard rock": 1.0, "rock": 1.0}, "rage against the machine"),
            (SELENA, {"pop": 1.0, "post-teen pop": 1.0}, "selena gomez"),
            (GUETTA, {"dance pop": 1.0, "edm": 1.0, "pop edm": 1.0, "big room": 1.0}, "david guetta"),
            (GUETTA, {"hip hop": 1.0, "rap": 1.0}, "some rapper"),
        ]
    )
    assert w["angsty"][0] >= 0.5 and w["angsty"][1] >= 0.5
    assert w["angsty"][2] == 0.0 and w["angsty"][3] == 0.0 and w["angsty"][4] == 0.0


def test_an_untagged_track_hears_its_artists_genres() -> None:
    """Nine Inch Nails' "Dead Souls" has no tags in the 10k file; the artist's other track is
    filed under rock: it is angsty, with the confidence of artist tags."""
    dead_souls = {"energy": 0.81, "valence": 0.73, "acousticness": 0.0, "speechiness": 0.05}
    dead_souls |= {"instrumentalness": 0.8, "danceability": 0.51, "tempo": 99.0, "mode": 0.0}
    w = _infer(
        [(TEEN_SPIRIT, {"permanent wave": 1.0, "rock": 1.0}, "nine inch nails"), (dead_souls, None, "nine inch nails")]
    )
    assert w["angsty"][1] >= 0.4
    assert w["confidence"][1] == CONFIDENCE["artist tags"]


def test_night_driving_is_night_music_not_minor_pop_at_120_bpm() -> None:
    """A synthwave track is night-driving; minor-key dance pop at 120 BPM with the same
    attributes is not, and neither is a track filed under house or reggaeton."""
    w = _infer(
        [
            (MINOR_POP, {"synthwave": 1.0}, "the midnight"),
            (MINOR_POP, {"dance pop": 1.0, "pop": 1.0}, "someone"),
            (MINOR_POP, {"edm": 1.0, "electro house": 1.0}, "a dj"),
            (MINOR_POP, {"reggaeton": 1.0, "latin": 1.0}, "a latin star"),
        ]
    )
    assert w["night-driving"][0] >= 0.7
    assert list(w["night-driving"][1:]) == [0.0, 0.0, 0.0]


def test_a_sung_ballad_is_never_study_whatever_its_tags() -> None:
    """Study is instrumental: the hard instrumentalness rule vetoes a sung track tagged lo-fi."""
    beat = SAD_BALLAD | {"instrumentalness": 0.9, "valence": 0.4}
    w = _infer([(SAD_BALLAD, {"lo-fi": 1.0, "chillout": 1.0}, "a singer"), (beat, {"lo-fi": 1.0}, "a producer")])
    assert w["study"][0] == 0.0
    assert w["study"][1] >= 0.6


def test_confidence_follows_the_evidence() -> None:
    """Own tags and attributes > own tags > artist's tags > attributes alone > nothing."""
    w = _infer(
        [
            (SAD_BALLAD, {"sad": 1.0}, "a"),
            ({}, {"sad": 1.0}, "b"),
            (SAD_BALLAD, None, "a"),
            (SAD_BALLAD, None, "c"),
            ({}, None, "d"),
        ]
    )
    expected = [CONFIDENCE[k] for k in ("tags+attributes", "tags", "artist tags", "attributes", "none")]
    assert list(w["confidence"]) == pytest.approx(expected)
    assert expected == sorted(expected, reverse=True)


def test_hard_rules_and_tag_silence_in_the_pure_inference() -> None:
    """A hard rule scales the weight by its membership even against tags; a tagged track whose
    tags name none of a mood's keeps ``tag_silence`` of its attribute score."""
    rule = AttributeRule("energy", low=0.5, soft=0.2, hard=True)
    vocab = MoodVocabulary({"loud": MoodDef("loud", tags={"noise": 1.0}, rules=(rule,))})
    model = compile_model(vocab, InferenceSettings(tag_share=0.6, min_weight=0.0, tag_silence=0.5))
    energy = np.array([0.2, 0.4, 0.9, 0.9])
    tags = tag_table([{"noise": 1.0}, {"noise": 1.0}, {"jazz": 1.0}, None])
    weights = infer_moods(model, {"energy": energy}, 4, tags).weights[:, 0]
    assert list(weights) == pytest.approx([0.0, 0.5 * (0.6 + 0.4 * 0.5), 0.5, 1.0])


def test_artist_tags_are_lent_to_every_track_of_the_artist() -> None:
    """Untagged tracks borrow all of their artist's tags; tagged ones only those they lack,
    each at ARTIST_TAG_SHARE × the share of the artist's other tracks carrying it."""
    table = tag_table([{"edm": 1.0}, {"edm": 1.0, "house": 1.0}, {"electropop": 1.0}, None, None])
    pooled, borrowed = pool_artist_tags(table, ["dj", "dj", "dj", "dj", ""])
    lent = {(int(r), t): float(s) for r, t, s in zip(pooled.rows, pooled.tags, pooled.strengths, strict=True)}
    assert lent[(2, "edm")] == pytest.approx(ARTIST_TAG_SHARE)  # both other tracks carry edm
    assert lent[(2, "house")] == pytest.approx(ARTIST_TAG_SHARE / 2)
    assert (0, "edm") in lent and lent[(0, "edm")] == 1.0  # its own tag, untouched
    assert lent[(3, "edm")] == pytest.approx(ARTIST_TAG_SHARE * 2 / 3)
    assert not any(r == 4 for r, _ in lent)  # no artist, nothing lent
    assert list(borrowed) == [False, False, False, True, False]


def test_playlist_names_are_read_for_the_moods_tags() -> None:
    """The tags a playlist's name names, as whole words, at PLAYLIST_TAG_STRENGTH: a curated
    playlist says what its tracks sound like."""
    config = load_moods(None)
    model = compile_model(config.vocabulary, config.settings)
    names = ["Maxi Pop GOLD (New Wave, Electropop, Synth Pop...)", "Gothic / Industrial / EBM", "Lo-Fi Beats"]
    found = playlist_tags(model, names)
    for tag in ("new-wave", "electropop", "synth-pop", "gothic", "industrial", "lo-fi"):
        assert found[tag] == PLAYLIST_TAG_STRENGTH, tag
    assert "metal" not in found and "pop" not in found
    assert playlist_tags(model, ["Poptimism", "Housewarming"]) == {}  # words, not substrings
    assert playlist_tags(model, []) == {}
