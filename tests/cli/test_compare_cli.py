"""`moodseq compare A.json B.json`: scores side by side against one profile, and the overlap."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from sequencer.adapters.exporters import json as json_export
from sequencer.cli.compare_view import compare, kendall_tau
from sequencer.cli.main import cli
from sequencer.core.profile import Profile
from sequencer.core.sequence import make_sequence
from sequencer.core.track import Track

TRACKS = [
    Track(
        f"t{i}",
        f"Song {i}",
        (f"Artist {i}",),
        200.0 + 5 * i,
        moods={"night-driving": (i % 4) / 4, "brooding": 1 - (i % 3) / 3},
        energy=0.2 + 0.07 * i,
        tempo=85.0 + 3 * i,
        key=i % 12,
        mode=i % 2,
    )
    for i in range(8)
]
NIGHT = Profile(
    name="night-drive", minutes=20, moods={"night-driving": 1.0, "brooding": 0.5}, arc=((0.0, 0.3), (1.0, 0.8))
)
STUDY = Profile(name="study", minutes=20, moods={"study": 1.0})


def _save(path: Path, tracks: list[Track], profile: Profile | None, seed: int = 1) -> Path:
    text = json_export.render(make_sequence(tracks, profile or Profile(name="x"), seed=seed))
    if profile is None:
        import json

        data = json.loads(text)
        data.pop("profile", None)
        text = json.dumps(data)
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _row(stdout: str, label: str) -> list[str]:
    line = next(line for line in stdout.splitlines() if line.startswith(label))
    return line[len(label) :].split()


def test_side_by_side_scores_and_overlap(tmp_path: Path) -> None:
    """Each metric for A and B with the better one named; shared songs, Jaccard and tau."""
    a_tracks = TRACKS[:6]
    b_tracks = [TRACKS[1], TRACKS[0], *TRACKS[2:5], TRACKS[7]]  # 5 shared, one swap, one new
    a = _save(tmp_path / "a.json", a_tracks, NIGHT)
    b = _save(tmp_path / "b.json", b_tracks, NIGHT)
    code, out, err = _run("compare", str(a), str(b))
    assert code == 0, err
    assert err == ""
    seq_a, seq_b = make_sequence(a_tracks, NIGHT), make_sequence(b_tracks, NIGHT)
    assert out.splitlines()[0].split() == ["A:", "a.json", "B:", "b.json", "better"]
    flow = _row(out, "flow cost")
    assert flow[:2] == [f"{seq_a.score.flow_cost:.3f}", f"{seq_b.score.flow_cost:.3f}"]
    assert flow[2] == ("A" if seq_a.score.flow_cost < seq_b.score.flow_cost else "B")
    fit = _row(out, "mood fit")
    assert fit[2] == ("A" if seq_a.score.mood_fit > seq_b.score.mood_fit else "B")
    assert _row(out, "tracks") == ["6", "6"]
    assert "shared songs: 5 of 6 and 6 (Jaccard 0.71)" in out
    # 5 shared songs, one discordant pair of 10: tau = (9 - 1) / 10
    assert "Kendall tau +0.80" in out
    assert "only in A (1): Artist 5 - Song 5" in out
    assert "only in B (1): Artist 7 - Song 7" in out


def test_both_are_scored_against_one_profile(tmp_path: Path) -> None:
    """Different profiles: A's is used for both, and a note on stderr says so."""
    a = _save(tmp_path / "a.json", TRACKS[:4], NIGHT)
    b = _save(tmp_path / "b.json", TRACKS[:4], STUDY)
    code, out, err = _run("compare", str(a), str(b))
    assert code == 0
    assert "different profiles (night-drive, study)" in err
    assert _row(out, "mood fit")[2] == "=", "same tracks, same profile: the same fit"
    assert "both scored against the profile night-drive" in out


def test_profile_option_overrides(tmp_path: Path) -> None:
    """--profile NAME scores both files against a built-in profile instead."""
    a = _save(tmp_path / "a.json", TRACKS[:4], NIGHT)
    b = _save(tmp_path / "b.json", TRACKS[2:6], NIGHT)
    code, out, err = _run("compare", "--profile", "study", str(a), str(b))
    assert code == 0, err
    assert "both scored against the profile study" in out


def test_files_without_profiles_get_a_note(tmp_path: Path) -> None:
    """Neither file has a profile: fit and arc are 0 and stderr says how to choose one."""
    a = _save(tmp_path / "a.json", TRACKS[:3], None)
    b = _save(tmp_path / "b.json", TRACKS[:3], None)
    code, out, err = _run("compare", str(a), str(b))
    assert code == 0
    assert "neither file has a profile" in err
    assert _row(out, "arc error")[:2] == ["0.000", "0.000"]
    assert "Kendall tau +1.00" in out
    assert "scored without a profile" in out and "the profile none" not in out  # the table said "none"


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    """A missing file: exit 2, `Error:` and a hint on stderr, nothing on stdout."""
    a = _save(tmp_path / "a.json", TRACKS[:3], NIGHT)
    code, out, err = _run("compare", str(a), str(tmp_path / "nope.json"))
    assert code == 2 and out == ""
    assert re.match(r"Error: no such file: .*nope\.json\nhint: ", err)


def test_few_shared_songs_have_no_tau(tmp_path: Path) -> None:
    """One shared song: no order agreement, said in words."""
    a = _save(tmp_path / "a.json", TRACKS[:3], NIGHT)
    b = _save(tmp_path / "b.json", TRACKS[2:5], NIGHT)
    code, out, _ = _run("compare", str(a), str(b))
    assert code == 0
    assert "order agreement: needs at least two shared songs" in out


def test_overlap_is_by_song_not_recording() -> None:
    """A remaster with another id counts as the same song."""
    remaster = TRACKS[0].evolve(id="other", title="Song 0 - 2011 Remaster")
    result = compare(make_sequence(TRACKS[:2], NIGHT), make_sequence([remaster, TRACKS[1]], NIGHT))
    assert len(result.shared) == 2 and result.jaccard == 1.0 and result.tau == 1.0


@given(st.permutations(list(range(7))))
def test_kendall_tau_matches_its_definition(order: list[int]) -> None:
    """tau is in [-1, 1], 1 only for the identity, -1 only for the reverse, and antisymmetric."""
    tau = kendall_tau(order)
    assert tau is not None and -1 <= tau <= 1
    pairs = list(itertools.combinations(range(7), 2))
    concordant = sum(1 for i, j in pairs if order[i] < order[j])
    assert tau == pytest.approx((2 * concordant - len(pairs)) / len(pairs))
    assert (tau == 1) == (order == sorted(order))
    assert kendall_tau(order[::-1]) == pytest.approx(-tau)


def test_equal_looking_values_are_a_tie(tmp_path: Path) -> None:
    """When both values print the same, the verdict is "=", never a winner the reader cannot see."""
    a = _save(tmp_path / "a.json", TRACKS[:4], NIGHT)
    b = _save(tmp_path / "b.json", [*TRACKS[:3], TRACKS[4]], NIGHT)
    code, out, _ = _run("compare", str(a), str(b))
    assert code == 0
    for label in ("flow cost", "arc error", "mood fit", "objective"):
        left, right, verdict = _row(out, label)
        assert (verdict == "=") == (left == right), label
