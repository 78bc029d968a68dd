"""Mood inference: attribute regions, tag synonyms, their combination, and explanations."""

from __future__ import annotations

import csv
import gzip
import math
import time
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequencer.core.infer import (
    BASIS_ATTRIBUTES,
    BASIS_BOTH,
    BASIS_NONE,
    BASIS_TAGS,
    basis_name,
    compile_model,
    explain_track,
    infer_moods,
    rule_factors,
    tag_table,
)
from sequencer.core.moods import AttributeRule, InferenceSettings, MoodDef, MoodVocabulary


def _vocab(*defs: MoodDef) -> MoodVocabulary:
    return MoodVocabulary(MappingProxyType({d.name: d for d in defs}))


BROODING = MoodDef(
    "brooding",
    tags=MappingProxyType({"dark-ambient": 0.6, "noir": 0.8}),
    rules=(AttributeRule("valence", high=0.3, soft=0.2), AttributeRule("energy", 0.2, 0.6, 0.2)),
)
ATMOSPHERIC = MoodDef("atmospheric", tags=MappingProxyType({"dark-ambient": 0.9, "ambient": 1.0}))
SETTINGS = InferenceSettings(tag_share=0.6, min_weight=0.1, min_coverage=0.5)
MODEL = compile_model(_vocab(BROODING, ATMOSPHERIC), SETTINGS)

rules = st.builds(
    AttributeRule,
    attribute=st.just("energy"),
    low=st.none() | st.floats(0, 1),
    high=st.none() | st.floats(0, 1),
    soft=st.floats(0, 0.5),
    weight=st.floats(0.1, 3),
    floor=st.floats(0, 1),
)


@given(rule=rules, value=st.floats(-0.5, 1.5))
def test_vectorised_rule_factor_equals_the_scalar_one(rule: AttributeRule, value: float) -> None:
    """rule_factors over an array gives exactly AttributeRule.factor for each value."""
    got = float(rule_factors(rule, np.array([value]))[0])
    assert got == pytest.approx(rule.factor(value), abs=1e-12)
    assert 0.0 <= got <= 1.0


def test_rule_factor_is_full_inside_fades_over_soft_and_respects_floor() -> None:
    """Inside the range the factor is 1; it fades linearly over `soft`; never below `floor`."""
    rule = AttributeRule("valence", high=0.3, soft=0.2)
    assert list(rule_factors(rule, np.array([0.1, 0.3, 0.4, 0.5, 0.9]))) == pytest.approx([1.0, 1.0, 0.5, 0.0, 0.0])
    floored = AttributeRule("mode", high=0, soft=0, floor=0.75)
    assert list(rule_factors(floored, np.array([0.0, 1.0]))) == pytest.approx([1.0, 0.75])
    assert math.isnan(float(rule_factors(rule, np.array([np.nan]))[0]))


def test_attribute_score_is_the_product_of_rule_factors() -> None:
    """A mood's attribute score multiplies its rules' factors (a soft AND of the region)."""
    result = infer_moods(MODEL, {"valence": [0.4], "energy": [0.7]}, 1)
    assert result.attribute_scores[0, 0] == pytest.approx(0.5 * 0.5)
    assert math.isnan(result.attribute_scores[0, 1])  # atmospheric has no rules
    assert result.weights[0, 0] == pytest.approx(0.25)
    assert result.basis[0, 0] == BASIS_ATTRIBUTES and result.basis[0, 1] == BASIS_NONE


def test_unknown_attribute_is_extrapolated_never_better_than_known() -> None:
    """With one of two equal rules unknown, the known factor counts for the full weight:
    a missing value gives the same score as a value with the known rule's factor."""
    half_known = infer_moods(MODEL, {"valence": [0.4], "energy": [np.nan]}, 1)
    assert half_known.attribute_scores[0, 0] == pytest.approx(0.5**2)
    both_known = infer_moods(MODEL, {"valence": [0.4], "energy": [0.4]}, 1)
    assert half_known.attribute_scores[0, 0] <= both_known.attribute_scores[0, 0]


def test_too_little_known_gives_no_attribute_score() -> None:
    """Below min_coverage of the rule weight known, the attribute score is unknown (NaN)."""
    strict = compile_model(_vocab(BROODING), InferenceSettings(min_coverage=0.75))
    result = infer_moods(strict, {"valence": [0.1]}, 1)
    assert math.isnan(result.attribute_scores[0, 0])
    assert result.weights[0, 0] == 0.0 and result.basis[0, 0] == BASIS_NONE


def test_tag_score_is_a_noisy_or_of_matching_tags_with_normalised_names() -> None:
    """Tags match case/space-insensitively; scores combine as 1 − Π(1 − strength × weight);
    "dark ambient" feeds both atmospheric (0.9) and brooding (0.6)."""
    tags = tag_table([{"Dark Ambient": 1.0}, {"dark ambient": 0.5, "noir": 1.0}])
    result = infer_moods(MODEL, {}, 2, tags)
    assert result.tag_scores[0] == pytest.approx([0.6, 0.9])
    assert result.tag_scores[1, 0] == pytest.approx(1 - (1 - 0.5 * 0.6) * (1 - 0.8))
    assert result.basis[1, 0] == BASIS_TAGS


def test_a_moods_own_name_is_a_tag_and_unknown_tags_give_no_evidence() -> None:
    """A track tagged with the mood's name gets weight 1; a track tagged only with tags the
    vocabulary does not know has no tag evidence at all (NaN), not a score of 0."""
    result = infer_moods(MODEL, {}, 3, tag_table([{"Brooding": 1.0}, {"pop": 1.0}, None]))
    assert result.weights[0, 0] == pytest.approx(1.0)
    assert np.isnan(result.tag_scores[1]).all() and np.isnan(result.tag_scores[2]).all()
    assert (result.weights[1:] == 0).all()


def test_both_kinds_of_evidence_mix_by_tag_share() -> None:
    """With tags and attributes known, weight = tag_share · T + (1 − tag_share) · A."""
    result = infer_moods(MODEL, {"valence": [0.1], "energy": [0.4]}, 1, tag_table([{"noir": 0.5}]))
    assert result.weights[0, 0] == pytest.approx(0.6 * 0.4 + 0.4 * 1.0)
    assert result.basis[0, 0] == BASIS_BOTH
    assert result.weights[0, 1] == 0.0  # atmospheric: no tag of it, no rules: no evidence
    assert result.row(0) == {"brooding": pytest.approx(0.64)}


NIGHT = MoodDef(
    "night-driving",
    tags=MappingProxyType({"synthwave": 1.0, "electropop": 0.5, "reggaeton": -0.9, "trap": -0.5}),
    rules=(AttributeRule("valence", high=0.5, soft=0.2),),
)
NIGHT_MODEL = compile_model(_vocab(NIGHT, BROODING), SETTINGS)


def test_a_negative_tag_vetoes_the_mood_whatever_the_attributes_say() -> None:
    """A tag with a negative weight multiplies the weight by 1 − strength × |weight|; vetoes
    combine by noisy-or; a half-strength tag vetoes half as hard."""
    dark = {"valence": [0.2] * 4}
    tags = tag_table([None, {"reggaeton": 1.0}, {"reggaeton": 1.0, "trap": 1.0}, {"Reggaeton": 0.5}])
    result = infer_moods(NIGHT_MODEL, dark, 4, tags)
    night = result.weights[:, 0]
    assert night[0] == pytest.approx(1.0)
    assert night[1] == 0.0  # 1.0 × (1 − 0.9) = 0.1: under min_weight
    assert result.tag_vetoes[2, 0] == pytest.approx(1 - 0.1 * 0.5)
    assert night[3] == pytest.approx(1 - 0.45)
    assert (result.tag_vetoes[:, 1] == 0).all()  # brooding does not name these tags


def test_a_tag_is_evidence_only_about_the_moods_that_name_it() -> None:
    """A positive tag gives a tag score to its own moods only; the other moods rest on their
    attributes; a track whose only tags count against moods has no tag score at all."""
    attrs = {"valence": [0.2, 0.2], "energy": [0.4, 0.4]}
    result = infer_moods(NIGHT_MODEL, attrs, 2, tag_table([{"electropop": 1.0}, {"trap": 1.0}]))
    assert result.tag_scores[0, 0] == pytest.approx(0.5)
    assert result.weights[0, 0] == pytest.approx(0.6 * 0.5 + 0.4 * 1.0)
    assert math.isnan(result.tag_scores[0, 1]) and result.weights[0, 1] == pytest.approx(1.0)
    assert result.basis[0, 0] == BASIS_BOTH and result.basis[0, 1] == BASIS_ATTRIBUTES
    assert np.isnan(result.tag_scores[1]).all()
    assert result.weights[1, 0] == pytest.approx(0.5)  # attributes 1.0 × (1 − 0.5)


@given(strength=st.floats(0, 1), valence=st.floats(0, 1))
def test_a_veto_never_raises_a_weight(strength: float, valence: float) -> None:
    """Adding a tag that counts against a mood never raises that mood's weight."""
    attrs = {"valence": [valence, valence]}
    tags = tag_table([{"electropop": 1.0}, {"electropop": 1.0, "trap": strength}])
    result = infer_moods(NIGHT_MODEL, attrs, 2, tags)
    assert result.weights[1, 0] <= result.weights[0, 0] + 1e-12


def test_explanation_shows_the_veto() -> None:
    """explain_track lists a tag against the mood and the veto in the formula, with the same
    weight as infer_moods."""
    evidence = {e.mood: e for e in explain_track(NIGHT_MODEL, {"valence": 0.2}, {"trap": 1.0})}
    night = evidence["night-driving"]
    assert night.weight == pytest.approx(0.5) and night.veto == pytest.approx(0.5)
    assert night.tags[0].describe() == "'trap' 1.00 × -0.5 = -0.50 (against)"
    assert night.formula() == "attributes 1.00 × (1 − veto 0.50) = 0.50"


def test_weights_below_the_minimum_are_dropped() -> None:
    """A weight under min_weight becomes 0 (no trace moods)."""
    model = compile_model(_vocab(BROODING), InferenceSettings(min_weight=0.3))
    result = infer_moods(model, {"valence": [0.4], "energy": [0.7]}, 1)  # score 0.25
    assert result.weights[0, 0] == 0.0


attribute_columns = st.lists(st.floats(0, 1) | st.just(float("nan")), min_size=5, max_size=5)
tag_maps = st.dictionaries(
    st.sampled_from(["noir", "ambient", "dark ambient", "pop", "x"]), st.floats(0, 1), max_size=3
)


@given(valence=attribute_columns, energy=attribute_columns, tags=st.lists(tag_maps | st.none(), min_size=5, max_size=5))
def test_batch_equals_one_by_one_and_weights_stay_in_unit_range(
    valence: list[float], energy: list[float], tags: list[dict[str, float] | None]
) -> None:
    """Inferring a batch gives, row by row, what inferring each track alone gives; every
    weight is in [0, 1]."""
    batch = infer_moods(MODEL, {"valence": valence, "energy": energy}, 5, tag_table(tags))
    assert ((batch.weights >= 0) & (batch.weights <= 1)).all()
    for i in range(5):
        alone = infer_moods(MODEL, {"valence": [valence[i]], "energy": [energy[i]]}, 1, tag_table([tags[i]]))
        assert alone.weights[0] == pytest.approx(batch.weights[i])
        assert (alone.basis[0] == batch.basis[i]).all()


def test_explanation_matches_inference_and_shows_the_numbers() -> None:
    """explain_track gives the same weights as infer_moods, names the rules and tags that
    fired, and prints the formula with numbers."""
    attrs = {"valence": 0.4, "energy": None}
    tags = {"Dark Ambient": 1.0, "pop": 1.0}
    evidence = {e.mood: e for e in explain_track(MODEL, attrs, tags)}
    result = infer_moods(MODEL, {"valence": [0.4], "energy": [np.nan]}, 1, tag_table([tags]))
    brooding = evidence["brooding"]
    assert brooding.weight == pytest.approx(result.weights[0, 0])
    assert brooding.basis == "tags+attributes"
    assert [t.tag for t in brooding.tags] == ["Dark Ambient"]
    assert brooding.tags[0].describe() == "'Dark Ambient' 1.00 × 0.6 = 0.60"
    assert brooding.rules[0].describe() == "valence 0.4 vs ≤ 0.3 (soft 0.2) → 0.50"
    assert brooding.rules[1].describe().startswith("energy unknown")
    assert brooding.formula() == "0.6 × tags 0.60 + 0.4 × attributes 0.25 = 0.46"
    assert evidence["atmospheric"].formula() == "tags 0.90"


def test_basis_names() -> None:
    """Basis codes read as words."""
    assert [basis_name(c) for c in (0, 1, 2, 3)] == ["none", "attributes", "tags", "tags+attributes"]


def test_28k_tracks_infer_well_under_two_seconds() -> None:
    """The shared catalog's size (28,356 tracks, 7 attributes, 5 tags each) infers in < 2 s."""
    rng = np.random.default_rng(1)
    n = 28_356
    attrs = {name: rng.random(n) for name in ("valence", "energy", "acousticness")}
    tags = tag_table([{"noir": 0.5, "pop": 1.0, "ambient": 0.2, f"t{i % 50}": 1.0, "x": 0.1} for i in range(n)])
    start = time.perf_counter()
    result = infer_moods(MODEL, attrs, n, tags)
    assert time.perf_counter() - start < 2.0
    assert result.weights.shape == (n, 2)


def test_shared_catalog_infers_under_two_seconds(shared_dir: Path) -> None:
    """The 28,356 tracks of the shared catalog (10 attributes, genres as tags) infer with the
    built-in moods in under 2 s, and every mood is found somewhere."""
    from sequencer.adapters.moods_file import builtin_moods

    rows: dict[str, dict[str, str]] = {}
    path = shared_dir / "data" / "spotify_songs_tidytuesday" / "spotify_songs.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows.setdefault(row["track_id"], row)
    names = (
        "energy",
        "valence",
        "acousticness",
        "instrumentalness",
        "speechiness",
        "danceability",
        "tempo",
        "mode",
        "loudness",
        "key",
    )
    attrs = {n: np.array([float(r[n]) for r in rows.values()]) for n in names}
    genres = [{r["playlist_genre"]: 1.0, r["playlist_subgenre"]: 1.0} for r in rows.values()]
    config = builtin_moods()
    model = compile_model(config.vocabulary, config.settings)
    start = time.perf_counter()
    result = infer_moods(model, attrs, len(rows), tag_table(genres))
    seconds = time.perf_counter() - start
    print(f"\n{len(rows):,} tracks inferred in {seconds:.3f} s")
    assert len(rows) == 28_356
    assert seconds < 2.0
    assert ((result.weights > 0).sum(axis=0) > 100).all()
