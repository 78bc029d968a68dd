"""Candidate selection: exclusions, vectorised fit/energy agree with the reference, stratification."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import numpy as np
import pytest
from hypothesis import given, settings

from sequencer.core.candidates import (
    candidate_rows,
    exclusion_reason,
    select_candidates,
    table_energy,
    table_fit,
)
from sequencer.core.energy import estimate_energy
from sequencer.core.features import feature_table
from sequencer.core.profile import Constraints, Profile
from sequencer.core.scoring import mood_fit
from sequencer.core.track import Track
from tests.strategies import libraries, synthetic_library

NIGHT = MappingProxyType({"night-driving": 1.0, "study": -0.5})


@settings(max_examples=25, deadline=None)
@given(library=libraries(min_size=1, max_size=30))
def test_table_fit_and_energy_match_the_per_track_reference(library: list[Track]) -> None:
    """The numpy fit is scoring.mood_fit and the numpy energy estimate is energy.estimate_energy."""
    table = feature_table(library, mood_names=("atmospheric", "brooding", "angsty", "night-driving", "study"))
    fits = table_fit(table, NIGHT)
    energies = table_energy(table)
    for i, track in enumerate(library):
        assert fits[i] == pytest.approx(mood_fit(NIGHT, track), abs=1e-5)
        expected = track.energy if track.energy is not None else estimate_energy(track.moods)
        if expected is None:
            assert np.isnan(energies[i])
        else:
            assert energies[i] == pytest.approx(expected, abs=1e-5)


def test_each_exclusion_rule_names_its_reason() -> None:
    """Excluded artists, tracks, moods, explicit and length limits each rule a track out, by name."""
    track = Track("x1", "Nightcall", ("Kavinsky",), 258.0, moods={"angsty": 0.8}, explicit=True)
    cases = {
        "excluded artists": Constraints(exclude_artists=("kavinsky",)),
        "excluded tracks": Constraints(exclude_tracks=("Kavinsky - Nightcall",)),
        "mood angsty": Constraints(exclude_moods=("angsty",), exclude_mood_threshold=0.5),
        "explicit": Constraints(exclude_explicit=True),
        "too short": Constraints(min_track_seconds=300.0),
        "too long": Constraints(max_track_seconds=200.0),
    }
    for reason, constraints in cases.items():
        assert exclusion_reason(track, constraints, 3600.0) == reason
    assert exclusion_reason(track, Constraints(), 3600.0) is None
    assert exclusion_reason(track, Constraints(), 200.0) == "longer than the playlist"
    assert exclusion_reason(track, Constraints(exclude_moods=("angsty",), exclude_mood_threshold=0.9), 3600.0) is None
    live = dataclasses.replace(track, title="Nightcall - Live at Coachella", moods={}, explicit=False)
    assert exclusion_reason(live, Constraints(exclude_live=True), 3600.0) == "live recording"
    assert exclusion_reason(live, Constraints(), 3600.0) is None
    assert exclusion_reason(track, Constraints(exclude_live=True), 3600.0) is None


def test_select_candidates_counts_exclusions_and_keeps_pinned_first() -> None:
    """Pinned tracks come first even when their fit is poor; exclusions are counted by reason."""
    library = synthetic_library(100, seed=1)
    library[5] = dataclasses.replace(library[5], explicit=True)
    pinned = library[7]
    profile = Profile(name="p", moods=NIGHT, constraints=Constraints(exclude_explicit=True))
    cands = select_candidates(library, profile, pinned=[pinned])
    assert cands.tracks[0] is pinned
    assert cands.excluded == {"explicit": 1}
    assert library[5] not in cands.tracks and len(cands.tracks) == 99
    assert cands.summary() == "99 candidates after excluding 1 (explicit 1)"


def test_candidate_rows_keeps_the_budget_and_covers_the_arc_energies() -> None:
    """From 20,000 rows the selection keeps about the budget, includes the best fits, and has
    tracks in every energy band the arc asks for even when the best fits are all calm."""
    rng = np.random.default_rng(0)
    n = 20_000
    moods = rng.random((n, 5)).astype(np.float32)
    energy = rng.random(n).astype(np.float32)
    moods[:, 4] = 1.0 - energy  # "study" strongest where energy is low
    attrs = np.full((n, 11), np.nan, dtype=np.float32)
    attrs[:, 3] = energy
    attrs[:, -1] = 240.0
    from sequencer.core.features import FeatureTable

    table = FeatureTable(
        ids=np.array([f"r{i}" for i in range(n)]),
        mood_names=("atmospheric", "brooding", "angsty", "night-driving", "study"),
        moods=moods,
        attrs=attrs,
        explicit=np.zeros(n, dtype=bool),
    )
    profile = Profile(name="p", moods={"study": 1.0}, arc=((0.0, 0.2), (1.0, 0.8)))
    rows = candidate_rows(table, profile, keep=300, anchors=[5, 17])
    assert 250 <= rows.size <= 400
    assert {5, 17} <= set(rows.tolist())
    best = int(np.argmax(table_fit(table, profile.moods)))
    assert best in rows
    kept_energy = energy[rows]
    for low in np.arange(0.1, 0.9, 0.1):
        assert ((kept_energy >= low) & (kept_energy < low + 0.1)).any(), f"no energy near {low:.1f}"


def test_candidate_rows_applies_column_exclusions() -> None:
    """Explicit rows, rows over a mood threshold and rows outside the length limits never survive."""
    library = synthetic_library(50, seed=3)
    library[0] = dataclasses.replace(library[0], explicit=True)
    library[1] = dataclasses.replace(library[1], duration_s=30.0)
    library[2] = dataclasses.replace(library[2], moods={"angsty": 0.9})
    table = feature_table(library, mood_names=("angsty", "night-driving"))
    profile = Profile(
        name="p",
        constraints=Constraints(
            exclude_explicit=True, min_track_seconds=60.0, exclude_moods=("angsty",), exclude_mood_threshold=0.8
        ),
    )
    rows = set(candidate_rows(table, profile, keep=300).tolist())
    assert not rows & {0, 1, 2}
    assert len(rows) == sum(1 for t in library[3:] if t.moods.get("angsty", 0.0) < 0.8)


def test_strong_evidence_outranks_weak_evidence_of_the_same_direction() -> None:
    """Two tracks with the same mood direction fit equally (cosine), but the one with the
    stronger weights is kept first: weak inferred moods do not crowd out clear ones."""
    from sequencer.core.candidates import candidate_rows, table_fit, table_rank

    weak = Track("weak", "W", ("A",), 240, moods={"night-driving": 0.4}, energy=0.5)
    strong = Track("strong", "S", ("B",), 240, moods={"night-driving": 0.95}, energy=0.5)
    profile = Profile(name="p", moods=MappingProxyType({"night-driving": 1.0}))
    table = feature_table([weak, strong])
    fit = table_fit(table, profile.moods)
    assert fit[0] == pytest.approx(fit[1]) == pytest.approx(1.0)
    rank = table_rank(table, profile.moods, fit)
    assert rank[1] > rank[0]
    assert candidate_rows(table, profile, keep=2).tolist() == [1]
