"""Inferred moods agree with people: human valence/arousal labels of the Deezer mood dataset.

``../shared/data/deezer_mood_dev`` holds 1,370 songs with human valence and arousal labels
(standardised, derived from crowd tags; Delbouys et al., ISMIR 2018) joined to Spotify-style
audio features.  We infer moods from the audio features alone (no tags: the labels were made
from tags, so using tags here would be circular) with the built-in moods file and compare the
tracks inferred to have a mood with the rest.  "Inferred to have a mood" = an attribute score of
at least :data:`BAR` (0.25): the bar the regions were first tuned at, when it was also the
storage threshold ``min_weight``.  The storage threshold has since been raised to 0.35 (weak
evidence is not stored, see docs/moods.md); the test keeps the fixed bar so that it keeps
measuring the same thing, and also prints the figures for the stored weights.

The built-in regions were written from what the moods mean and adjusted on the ``train`` split
only; the assertions below run on the ``validation`` split, which was not used for tuning.
Effect sizes: Cohen's d (pooled SD) and rank-biserial correlation; both are printed with
``pytest -s`` for the README.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from sequencer.adapters.moods_file import load_moods
from sequencer.core.infer import Inference, compile_model, infer_moods

FEATURES = (
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

Floats = npt.NDArray[np.float64]

BAR = 0.25
"""Least attribute score that counts as "inferred to have the mood" here (see the docstring)."""


@dataclass(frozen=True)
class Split:
    """One split of the dataset: human labels and the moods inferred from audio features."""

    valence: Floats
    arousal: Floats
    inference: Inference

    def group(self, mood: str) -> npt.NDArray[np.bool_]:
        """Tracks whose attribute score for ``mood`` reaches :data:`BAR`."""
        scores = self.inference.attribute_scores[:, self.inference.moods.index(mood)]
        return np.nan_to_num(scores, nan=0.0) >= BAR

    def stored(self, mood: str) -> npt.NDArray[np.bool_]:
        """Tracks that got a stored weight (≥ ``min_weight``) for ``mood``."""
        return self.inference.weights[:, self.inference.moods.index(mood)] > 0.0


@functools.cache
def _read(path: Path, split: str) -> Split:
    """Labels and inferred moods of one split of the dataset."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["split"] == split]
    attrs: Mapping[str, Floats] = {name: np.array([float(r[f"sp_{name}"]) for r in rows]) for name in FEATURES}
    config = load_moods(None)
    inference = infer_moods(compile_model(config.vocabulary, config.settings), attrs, len(rows))
    return Split(
        valence=np.array([float(r["dz_valence"]) for r in rows]),
        arousal=np.array([float(r["dz_arousal"]) for r in rows]),
        inference=inference,
    )


def cohens_d(a: Floats, b: Floats) -> float:
    """Standardised mean difference of ``a`` over ``b`` with the pooled standard deviation."""
    pooled = ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2)
    return float((a.mean() - b.mean()) / np.sqrt(pooled))


def rank_biserial(a: Floats, b: Floats) -> float:
    """P(a > b) − P(a < b) over all pairs: +1 = every ``a`` above every ``b``."""
    greater = int(np.sum(a[:, None] > b[None, :]))
    less = int(np.sum(a[:, None] < b[None, :]))
    return float((greater - less) / (len(a) * len(b)))


def test_effect_sizes_are_computed_correctly() -> None:
    """The effect-size helpers give textbook values on small known samples."""
    a = np.array([2.0, 3.0, 4.0])
    b = np.array([0.0, 1.0, 2.0])
    assert cohens_d(a, b) == pytest.approx(2.0)
    assert rank_biserial(a, b) == pytest.approx((8 - 0) / 9)
    assert rank_biserial(b, a) == pytest.approx(-8 / 9)


@pytest.fixture
def validation(shared_dir: Path) -> Split:
    """The validation split, inferred with the built-in moods file (read once per session)."""
    return _read(shared_dir / "data" / "deezer_mood_dev" / "deezer_mood_dev.csv", "validation")


# mood, label, expected sign, least |Cohen's d|, least share of the group on that side of the
# library median.  The rules were fixed on the train split before the validation split was
# looked at; these thresholds are round numbers set afterwards, below the validation figures
# (study d = −0.45, angsty +0.49 / −0.38, brooding −0.58 / −0.73, atmospheric −0.49): they
# guard against regressions, they are not a pre-registered claim.  Angsty was reworked in issue
# #10 (a sound and genre first: Spotify rates grunge happy, so valence became a soft rule; the
# region was re-tuned on train): validation d = +0.37 arousal / −0.31 valence, with 59 % / 55 %
# of the group on the expected side, so its share bars are 0.55 / 0.5 (d bars unchanged).
EXPECTATIONS = [
    ("study", "arousal", -1, 0.3, 0.6),
    ("angsty", "arousal", +1, 0.25, 0.55),
    ("angsty", "valence", -1, 0.2, 0.5),
    ("brooding", "valence", -1, 0.3, 0.6),
    ("brooding", "arousal", -1, 0.3, 0.6),
    ("atmospheric", "arousal", -1, 0.3, 0.6),
]


@pytest.mark.parametrize(
    ("mood", "label", "sign", "least_d", "least_share"), EXPECTATIONS, ids=[f"{m}-{lab}" for m, lab, *_ in EXPECTATIONS]
)
def test_inferred_moods_agree_with_human_labels(
    validation: Split, mood: str, label: str, sign: int, least_d: float, least_share: float
) -> None:
    """Tracks inferred to have a mood differ from the rest in the human label, in the expected
    direction, by at least a fixed effect size; most of them lie on that side of the median."""
    values = validation.arousal if label == "arousal" else validation.valence
    inside = validation.group(mood)
    assert inside.sum() >= 30, f"too few tracks inferred {mood} to judge ({inside.sum()})"
    group, rest = values[inside], values[~inside]
    d = cohens_d(group, rest)
    rb = rank_biserial(group, rest)
    median = float(np.median(values))
    share = float(np.mean(group < median) if sign < 0 else np.mean(group > median))
    print(
        f"\n{mood} {label}: n={inside.sum()} of {len(values)}, d={d:+.2f}, "
        f"rank-biserial={rb:+.2f}, {share:.0%} {'below' if sign < 0 else 'above'} the median"
    )
    stored = validation.stored(mood)
    if 2 <= stored.sum() < len(values) - 1:
        print(f"  stored weights: n={stored.sum()}, d={cohens_d(values[stored], values[~stored]):+.2f}")
    assert sign * d >= least_d, f"{mood} {label}: Cohen's d = {d:+.2f}"
    assert sign * rb > 0.0, f"{mood} {label}: rank-biserial = {rb:+.2f}"
    assert share >= least_share, f"{mood} {label}: only {share:.0%} on the expected side of the median"
