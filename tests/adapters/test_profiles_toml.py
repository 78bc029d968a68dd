"""Profile files: every kind of error is reported with file:line, the bad value and a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from sequencer.adapters.profiles_toml import discover, load_profile_file, resolve
from sequencer.errors import InputFileError, ProfileError, UnknownProfileError

GOOD = """\
name = "late"                 # line 1
description = "late drive"
minutes = 45

[moods]
night-driving = 1.0
brooding = 0.6
study = -0.4

[arc]
points = [[0.0, 0.4], [0.6, 0.7], [1.0, 0.4]]

[constraints]
artist_gap = 2
exclude_moods = ["angsty"]
"""


def write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as info:
        load_profile_file(path)
    return [str(p) for p in info.value.problems]


def test_good_profile_loads_with_canonical_moods(tmp_path: Path) -> None:
    """A valid file becomes a Profile; mood aliases resolve and values keep their sign."""
    profile = load_profile_file(write(tmp_path, GOOD))
    assert profile.name == "late"
    assert profile.minutes == 45.0
    assert dict(profile.moods) == {"night-driving": 1.0, "brooding": 0.6, "study": -0.4}
    assert profile.arc == ((0.0, 0.4), (0.6, 0.7), (1.0, 0.4))
    assert profile.constraints.artist_gap == 2
    assert profile.constraints.exclude_moods == ("angsty",)
    assert profile.window_s == (45 * 60 - 120, 45 * 60 + 120)


def test_out_of_range_value_names_line_value_and_range(tmp_path: Path) -> None:
    """A value outside its range is reported at its line with the allowed range."""
    text = GOOD.replace("points = [[0.0, 0.4], [0.6, 0.7], [1.0, 0.4]]", 'shape = "peak"\nhigh = 1.4')
    found = problems(tmp_path, text)
    assert found == [f"{tmp_path / 'p.toml'}:12: arc.high = 1.4 must be in [0, 1] (use a value between 0 and 1)"]


def test_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    """A misspelt key gets 'did you mean' with the right key, at its line."""
    found = problems(tmp_path, GOOD.replace("artist_gap = 2", "artist_gapp = 2"))
    assert found == [
        f"{tmp_path / 'p.toml'}:14: unknown key 'artist_gapp' in [constraints] (did you mean 'artist_gap'?)"
    ]


def test_unknown_mood_suggests_the_closest(tmp_path: Path) -> None:
    """An unknown mood is reported at its line with the closest known mood."""
    found = problems(tmp_path, GOOD.replace("brooding = 0.6", "broding = 0.6"))
    assert found == [f"{tmp_path / 'p.toml'}:7: unknown mood 'broding' (did you mean 'brooding'?)"]


def test_wrong_type_says_what_to_write(tmp_path: Path) -> None:
    """A string where a number belongs is reported with the fix."""
    found = problems(tmp_path, GOOD.replace("minutes = 45", 'minutes = "45"'))
    assert found == [f"{tmp_path / 'p.toml'}:3: minutes = '45' must be a number (write a number without quotes)"]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Three independent mistakes give three problems, in file order, each with its line."""
    text = (
        GOOD.replace("minutes = 45", "minutes = -5")
        .replace("brooding = 0.6", "brooding = 3")
        .replace("artist_gap = 2", "artist_gap = 2.5")
    )
    found = problems(tmp_path, text)
    lines = [p.split(":")[1] for p in found]
    assert lines == ["3", "7", "14"]
    assert "minutes = -5 must be in [1, 1440]" in found[0]  # as written (was -5.0)
    assert "moods.brooding = 3 must be in [-1, 1]" in found[1]
    assert "constraints.artist_gap = 2.5 must be a whole number" in found[2]


def test_arc_points_must_increase(tmp_path: Path) -> None:
    """Arc points out of time order are reported with the offending point."""
    text = GOOD.replace("[[0.0, 0.4], [0.6, 0.7], [1.0, 0.4]]", "[[0.0, 0.4], [0.6, 0.7], [0.5, 0.4]]")
    found = problems(tmp_path, text)
    assert len(found) == 1
    assert ":11: arc.points[2] = [0.5, 0.4]: tau must increase" in found[0]


def test_syntax_error_points_at_the_line(tmp_path: Path) -> None:
    """Broken TOML syntax is an InputFileError at file:line, not a traceback."""
    path = write(tmp_path, GOOD.replace('description = "late drive"', "description = late drive"))
    with pytest.raises(InputFileError) as info:
        load_profile_file(path)
    assert info.value.source == f"{path}:2"
    assert "not valid TOML" in info.value.message
    assert info.value.hint


def test_min_above_max_track_length(tmp_path: Path) -> None:
    """min_track_seconds above max_track_seconds is caught as a pair."""
    text = GOOD + "min_track_seconds = 300\nmax_track_seconds = 200\n"
    found = problems(tmp_path, text)
    assert found and "min_track_seconds = 300 is above max_track_seconds = 200" in found[0]


def test_user_profile_overrides_builtin(tmp_path: Path) -> None:
    """A user file with a built-in's name wins and is marked as overriding."""
    user = tmp_path / "profiles"
    user.mkdir()
    write(user, GOOD, "night-drive.toml")
    found = discover(user)
    assert found["night-drive"].path == user / "night-drive.toml"
    assert found["night-drive"].overrides_builtin
    assert resolve("night-drive", user) == user / "night-drive.toml"


def test_unknown_profile_name_suggests(tmp_path: Path) -> None:
    """A misspelt profile name gets a suggestion."""
    with pytest.raises(UnknownProfileError, match="no profile named 'night-driv'") as info:
        resolve("night-driv", tmp_path)
    assert info.value.hint == "did you mean 'night-drive'?"


def test_a_folder_named_like_a_profile_is_reported_as_a_folder(tmp_path: Path) -> None:
    """`moodseq build dir.toml` where dir.toml is a folder says so, not "no such file"."""
    folder = tmp_path / "night.toml"
    folder.mkdir()
    with pytest.raises(UnknownProfileError, match="is a folder, not a profile file") as info:
        resolve(str(folder), tmp_path / "user")
    assert info.value.hint is not None and ".toml file" in info.value.hint


def test_a_folder_named_like_a_profile_name_does_not_hide_the_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder `study` in the working directory does not stop `study` naming the built-in profile."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "study").mkdir()
    assert resolve("study", tmp_path / "user").name == "study.toml"


def test_a_byte_order_mark_and_crlf_are_ignored(tmp_path: Path) -> None:
    """A profile saved "UTF-8 with BOM" and Windows line ends loads, with the right lines."""
    path = tmp_path / "win.toml"
    path.write_bytes(b"\xef\xbb\xbfminutes = 30\r\n[moods]\r\nstudy = 1\r\n")
    assert load_profile_file(path).minutes == 30
    path.write_bytes(b"\xef\xbb\xbfminutes = 30\r\n[moods]\r\nstdy = 1\r\n")
    with pytest.raises(ProfileError) as info:
        load_profile_file(path)
    assert str(info.value.problems[0]).startswith(f"{path}:3: unknown mood 'stdy'")
