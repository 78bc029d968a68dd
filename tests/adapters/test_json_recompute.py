"""Anyone can recompute every figure of a JSON export from the file alone (flow.md v2).

The reference below is written from ``shared/design/flow.md`` with nothing but the standard
library and the JSON document: it imports no moodseq code, so a drift between what moodseq
computes and what it writes (a term, a weight, the mood similarity, confidence) fails here.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sequencer.adapters import exporters
from sequencer.adapters.exporters.json import parse_sequence_data
from sequencer.adapters.moods_file import builtin_moods
from sequencer.core.profile import ObjectiveWeights, Profile, TransitionWeights
from sequencer.core.sequence import make_sequence
from sequencer.core.track import Track
from tests.strategies import libraries

_MAJOR = {0: 8, 7: 9, 2: 10, 9: 11, 4: 12, 11: 1, 6: 2, 1: 3, 8: 4, 3: 5, 10: 6, 5: 7}
_MINOR = {9: 8, 4: 9, 11: 10, 6: 11, 1: 12, 8: 1, 3: 2, 10: 3, 5: 4, 0: 5, 7: 6, 2: 7}


def _soft_cosine(a: dict[str, float], b: dict[str, float], s: dict[str, dict[str, float]]) -> float | None:
    def form(x: dict[str, float], y: dict[str, float]) -> float:
        return sum(
            wx * wy * (1.0 if mx == my else s.get(mx, {}).get(my, 0.0)) for mx, wx in x.items() for my, wy in y.items()
        )

    aa, bb = form(a, a), form(b, b)
    if aa <= 0 or bb <= 0:
        return None
    return max(-1.0, min(1.0, form(a, b) / math.sqrt(aa * bb)))


def _key(t: dict[str, Any]) -> tuple[int, str] | None:
    key, mode = t["attributes"].get("key"), t["attributes"].get("mode")
    if key is None or mode is None:
        return None
    return (_MAJOR[key], "B") if mode == 1 else (_MINOR[key], "A")


def _cost(a: dict[str, Any], b: dict[str, Any], cost: dict[str, Any]) -> float:
    """flow.md v2's c(a → b) from two exported tracks and the exported cost model."""
    terms: dict[str, float | None] = {}
    sim = _soft_cosine(a["moods"], b["moods"], cost["mood_similarity"])
    terms["mood"] = None if sim is None else min(1.0, max(0.0, 1.0 - sim))
    sa, sb = a["sound"], b["sound"]
    norm = math.sqrt(sum(x * x for x in sa) * sum(y * y for y in sb)) if sa and sb else 0.0
    terms["sound"] = (
        None if norm == 0 else min(1.0, 1 - max(0.0, sum(x * y for x, y in zip(sa, sb, strict=True)) / norm))
    )
    ea, eb = a["attributes"].get("energy"), b["attributes"].get("energy")
    terms["energy"] = None if ea is None or eb is None else min(1.0, abs(eb - ea))
    ta, tb = a["attributes"].get("tempo"), b["attributes"].get("tempo")
    if ta and tb:
        terms["tempo"] = min(1.0, min(abs(math.log2(r * tb / ta)) for r in (1, 2, 0.5)) / math.log2(1.25))
    else:
        terms["tempo"] = None
    ka, kb = _key(a), _key(b)
    if ka is None or kb is None:
        terms["key"] = None
    else:
        step = min((ka[0] - kb[0]) % 12, (kb[0] - ka[0]) % 12)
        same = ka[1] == kb[1]
        terms["key"] = {0: 0.0, 1: 0.25, 2: 0.6}.get(step, 1.0) if same else (0.25 if step == 0 else 1.0)
    w = cost["weights"]
    known = [(w[n], v) for n, v in terms.items() if v is not None and w[n] > 0]
    den = sum(weight for weight, _ in known)
    return sum(weight * v for weight, v in known) / den if den > 0 else 0.5


def _target(points: list[list[float]], tau: float) -> float:
    if tau <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if tau <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (tau - x0) / (x1 - x0)
    return points[-1][1]


def recompute(doc: dict[str, Any]) -> tuple[dict[str, float], list[float]]:
    """Flow cost, arc error, mood fit and total, and each transition's cost, from the document alone."""
    tracks, cost, profile = doc["tracks"], doc["cost"], doc["profile"]
    hops = [_cost(a, b, cost) for a, b in itertools.pairwise(tracks)]
    flow = sum(hops) / len(hops) if hops else 0.0
    durations = [t["duration_ms"] / 1000 for t in tracks]
    total_s = sum(durations)
    points = (profile.get("arc") or {}).get("points")
    num = den = 0.0
    elapsed = 0.0
    for t, d in zip(tracks, durations, strict=True):
        tau = (elapsed + d / 2) / total_s
        elapsed += d
        energy = t["attributes"].get("energy")
        if points and energy is not None:
            num += d * (energy - _target(points, tau)) ** 2
            den += d
    arc = math.sqrt(num / den) if den > 0 else 0.0
    wanted = profile["moods"]
    fits = []
    for t in tracks:
        dot = sum(w * t["moods"].get(m, 0.0) for m, w in wanted.items())
        norms = math.sqrt(sum(w * w for w in wanted.values()) * sum(w * w for w in t["moods"].values()))
        fits.append(0.0 if norms == 0 else max(-1.0, min(1.0, dot / norms)) * t["confidence"])
    fit = sum(f * d for f, d in zip(fits, durations, strict=True)) / total_s
    weights = profile["weights"]
    total = weights["flow"] * flow + weights["arc"] * arc + weights["fit"] * (1 - fit) / 2
    return {"flow_cost": flow, "arc_error": arc, "mood_fit": fit, "total": total}, hops


def _profile() -> Profile:
    similarity = builtin_moods().vocabulary.similarity
    return Profile(
        name="recompute",
        minutes=30.0,
        moods=MappingProxyType({"night-driving": 1.0, "brooding": 0.6, "study": -0.3}),
        arc=((0.0, 0.45), (0.6, 0.7), (1.0, 0.4)),
        weights=ObjectiveWeights(flow=1.0, fit=0.7, arc=0.8),
        transition=TransitionWeights(similarity=similarity),
    )


def _check(tracks: list[Track], profile: Profile) -> None:
    doc = json.loads(exporters.render(make_sequence(tracks, profile, seed=3), "json"))
    mine, hops = recompute(doc)
    summary = doc["summary"]
    for name in ("flow_cost", "arc_error", "mood_fit", "total"):
        assert summary[name] == pytest.approx(mine[name], abs=1e-6), name
    for hop, entry in zip(hops, doc["tracks"][1:], strict=True):
        assert entry["transition"]["total"] == pytest.approx(hop, abs=1e-6)
    # and moodseq reading the file back gets the same figures from the same cost model
    loaded = parse_sequence_data(doc, "doc.json")
    assert loaded.profile is not None
    assert loaded.profile.transition == profile.transition
    again = make_sequence(loaded.tracks, loaded.profile)
    assert again.score.total == pytest.approx(mine["total"], abs=1e-6)


def test_every_figure_of_a_realistic_export_is_recomputed_from_the_file() -> None:
    """Sound vectors, soft mood similarity, confidence below 1 and an arc all reach the file."""
    base = [
        Track("a", "Nightcall", ("Kavinsky",), 258, moods={"night-driving": 0.9, "brooding": 0.5},
              sound=(0.9, 0.1, 0.3), confidence=0.9, energy=0.6, tempo=92, key=10, mode=0),
        Track("b", "A Real Hero", ("College",), 267, moods={"night-driving": 0.8, "atmospheric": 0.6},
              sound=(0.8, 0.3, 0.2), confidence=0.6, energy=0.55, tempo=95, key=5, mode=1),
        Track("c", "Outshined", ("Soundgarden",), 311, moods={"angsty": 0.9},
              sound=(-0.2, 0.9, 0.1), confidence=0.4, energy=0.85, tempo=88),
        Track("d", "Unknown", ("Nobody",), 200),
        Track("e", "Blush Response", ("Vangelis",), 341, moods={"atmospheric": 1.0, "brooding": 0.7},
              sound=(0.7, -0.1, 0.6), energy=0.3, energy_estimated=True),
    ]  # fmt: skip
    _check(base, _profile())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(library=libraries(min_size=2, max_size=14), fit=st.sampled_from([0.0, 0.5, 2.0]))
def test_any_sequence_recomputes_from_its_file(library: list[Track], fit: float) -> None:
    """Whatever the tracks (unknown attributes, no moods, sound or not), the file's figures are
    flow.md v2's to 1e-6."""
    profile = _profile()
    _check(library, dataclasses.replace(profile, weights=ObjectiveWeights(flow=1.0, fit=fit, arc=1.0)))
