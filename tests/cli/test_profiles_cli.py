"""`moodseq profiles`: list, show, check (with file:line problems) and new."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sequencer.cli.main import cli


def test_check_reports_every_problem_with_file_and_line(tmp_path: Path) -> None:
    """A bad file: every problem on stderr as file:line, exit 2; a good one: OK."""
    bad = tmp_path / "bad.toml"
    bad.write_text('minutes = "long"\n[moods]\nbroding = 1\n[constraints]\nartist_gapp = 2\n')
    good = tmp_path / "good.toml"
    good.write_text("minutes = 30\n[moods]\nstudy = 1\n")
    result = CliRunner().invoke(cli, ["profiles", "check", str(good), str(bad)])
    assert result.exit_code == 2
    assert f"{good}: OK (good, 30 minutes)" in result.stdout
    assert f"{bad}:1: minutes = 'long' must be a number" in result.stderr
    assert f"{bad}:3: unknown mood 'broding' (did you mean 'brooding'?)" in result.stderr
    assert f"{bad}:5: unknown key 'artist_gapp' in [constraints] (did you mean 'artist_gap'?)" in result.stderr
    assert "Error: 3 problems in 1 of 2 profiles" in result.stderr


def test_check_lists_problems_in_line_order_naming_each_file_once(tmp_path: Path) -> None:
    """Problems come in the file's line order whichever check found them (a genre list at line
    5 after the arc at line 3), the file is named once per line (was 'x.toml: x.toml:2: …'),
    and the summary counts profiles in the singular too."""
    bad = tmp_path / "bad.toml"
    bad.write_text('minutes = 60\n[genres]\nprefer = "synthwave"\n[arc]\nshape = "rize"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["profiles", "check", str(bad)])
    assert result.exit_code == 2
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith(f"{bad}:")]
    assert [line.split(":")[1] for line in lines] == ["3", "5"]
    assert "Error: 2 problems in 1 of 1 profile\n" in result.stderr
    broken = tmp_path / "syntax.toml"
    broken.write_text("minutes = 30\n[moods\n", encoding="utf-8")
    syntax = CliRunner().invoke(cli, ["profiles", "check", str(broken)])
    assert syntax.stderr.startswith(f"{broken}:2: not valid TOML")
    assert f"{broken}: {broken}" not in syntax.stderr


def test_check_reports_toml_syntax_errors(tmp_path: Path) -> None:
    """Broken syntax is reported at its line with a hint, exit 2."""
    bad = tmp_path / "syntax.toml"
    bad.write_text("minutes = 30\n[moods\n")
    result = CliRunner().invoke(cli, ["profiles", "check", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2: not valid TOML" in result.stderr


def test_new_copies_a_builtin_and_it_overrides(tmp_path: Path, isolated_dirs: Path) -> None:
    """`profiles new` makes an editable copy in the user folder, listed as a user profile."""
    runner = CliRunner()
    result = runner.invoke(cli, ["profiles", "new", "my-drive", "--from", "night-drive"])
    assert result.exit_code == 0, result.stderr
    created = isolated_dirs / "config" / "profiles" / "my-drive.toml"
    assert created.is_file()
    assert 'name = "my-drive"' in created.read_text()
    first, second = created.read_text().splitlines()[:2]  # says whose copy it is, not "a built-in profile"
    assert first.startswith("# my-drive: your profile, copied from night-drive by `moodseq profiles new`")
    assert first.endswith("the comments below are night-drive's.")
    assert second.startswith("# Every key: ") and Path(second.removeprefix("# Every key: ")).is_file()
    listing = runner.invoke(cli, ["profiles", "list"])
    assert "my-drive" in listing.stdout and str(created) in listing.stdout
    again = runner.invoke(cli, ["profiles", "new", "my-drive"])
    assert again.exit_code == 2 and "exists already" in again.stderr


def test_show_prints_the_resolved_profile() -> None:
    """`profiles show` prints where the file is and its resolved length window."""
    result = CliRunner().invoke(cli, ["profiles", "show", "night-drive"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# ")
    assert "night-drive.toml" in result.stdout.splitlines()[0]
    assert "minutes (accepts" in result.stdout


def test_check_accepts_profile_names_like_every_other_command(isolated_dirs: Path) -> None:
    """`profiles check study` checks the profile named study (build, show and demo take names
    too); a misspelt name gets "did you mean"."""
    result = CliRunner().invoke(cli, ["profiles", "check", "study", "night-drive"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("study: OK (study, ")
    assert "night-drive: OK (night-drive, 60 minutes)" in result.stdout
    result = CliRunner().invoke(cli, ["profiles", "check", "stuyd"])
    assert result.exit_code == 2
    assert "no profile named 'stuyd'" in result.stderr and "did you mean 'study'?" in result.stderr


def test_new_says_when_the_copy_overrides_a_builtin(isolated_dirs: Path) -> None:
    """`profiles new study` makes a user study.toml that hides the built-in one: it says so."""
    result = CliRunner().invoke(cli, ["profiles", "new", "study", "--from", "study"])
    assert result.exit_code == 0, result.stderr
    assert "overrides the built-in profile study" in result.stdout
    plain = CliRunner().invoke(cli, ["profiles", "new", "late"])
    assert plain.exit_code == 0 and "overrides" not in plain.stdout


def test_new_with_a_builtin_name_copies_that_builtin(isolated_dirs: Path) -> None:
    """`profiles new study` (no --from) copies the built-in study — not night-drive under the
    name study, which would silently replace the study profile with a night drive."""
    result = CliRunner().invoke(cli, ["profiles", "new", "study"])
    assert result.exit_code == 0, result.stderr
    assert "(from study; it overrides the built-in profile study)" in result.stdout
    text = (isolated_dirs / "config" / "profiles" / "study.toml").read_text(encoding="utf-8")
    assert "\nstudy = 1.0 " in text and "\nnight-driving = " not in text
    other = CliRunner().invoke(cli, ["profiles", "new", "late"])
    assert "(from night-drive)" in other.stdout


def test_new_force_over_an_override_starts_again_from_the_builtin(isolated_dirs: Path) -> None:
    """`profiles new study --force` over an edited user study copies the built-in study again."""
    runner = CliRunner()
    assert runner.invoke(cli, ["profiles", "new", "study", "--from", "night-drive"]).exit_code == 0
    result = runner.invoke(cli, ["profiles", "new", "study", "--force"])
    assert result.exit_code == 0, result.stderr
    text = (isolated_dirs / "config" / "profiles" / "study.toml").read_text(encoding="utf-8")
    assert "\nstudy = 1.0 " in text and "\nnight-driving = " not in text


def test_check_by_file_name_finds_the_new_user_profile(
    isolated_dirs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's tour: `profiles new my-drive`, then `profiles check my-drive.toml` from any
    folder checks the profile just made; a file name that names no profile stays an error."""
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["profiles", "new", "my-drive", "--from", "night-drive"]).exit_code == 0
    result = CliRunner().invoke(cli, ["profiles", "check", "my-drive.toml"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("my-drive.toml: OK (my-drive, 60 minutes)")
    missing = CliRunner().invoke(cli, ["profiles", "check", "not-mine.toml"])
    assert missing.exit_code == 2 and "no such profile file: not-mine.toml" in missing.stderr
    elsewhere = CliRunner().invoke(cli, ["profiles", "check", "./sub/my-drive.toml"])
    assert elsewhere.exit_code == 2 and "no such profile file" in elsewhere.stderr


def test_check_refuses_limits_that_leave_nothing_to_play(tmp_path: Path) -> None:
    """max_track_minutes = 0 (meant as "no limit") left out every track and all-zero weights
    made every playlist score the same; both passed the check ("OK") and the build failed or
    played anything. Each is now a problem at its line with the fix."""
    bad = tmp_path / "zero.toml"
    bad.write_text(
        "minutes = 45\n[moods]\nstudy = 1\n[weights]\nflow = 0\nfit = 0\narc = 0\n"
        "[constraints]\nmax_track_minutes = 0\n",
        encoding="utf-8",
    )
    seconds = tmp_path / "seconds.toml"
    seconds.write_text("[constraints]\nmax_track_seconds = 0\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["profiles", "check", str(bad), str(seconds)])
    assert result.exit_code == 2
    assert f"{bad}:4: weights flow, fit and arc are all zero" in result.stderr
    assert f"{bad}:9: constraints.max_track_minutes = 0 leaves out every track" in result.stderr
    assert "leave the line out for no limit" in result.stderr
    assert f"{seconds}:2: constraints.max_track_seconds = 0 leaves out every track" in result.stderr
    assert "Error: 3 problems in 2 of 2 profiles" in result.stderr


def test_check_notes_what_a_profile_asks_against_itself(tmp_path: Path, isolated_dirs: Path) -> None:
    """Without any library: a mood both wanted and excluded (its most fitting tracks can never
    play) and a profile without moods (every track fits alike) get a note at their line; notes
    do not fail the check, and a profile that avoids the mood it excludes gets none."""
    both = tmp_path / "both.toml"
    both.write_text('[moods]\nstudy = 1\nbrooding = 0.5\n[constraints]\nexclude_moods = ["study"]\n', encoding="utf-8")
    bare = tmp_path / "bare.toml"
    bare.write_text("minutes = 30\n", encoding="utf-8")
    fine = tmp_path / "fine.toml"
    fine.write_text('[moods]\nstudy = 1\nangsty = -0.4\n[constraints]\nexclude_moods = ["angsty"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["profiles", "check", str(both), str(bare), str(fine)])
    assert result.exit_code == 0, result.output
    assert f"{both}:5: note: moods.study = 1 wants study, and exclude_moods leaves out" in result.stderr
    assert f"{bare}: note: no [moods]: every track fits alike" in result.stderr
    assert str(fine) not in result.stderr
    assert result.stdout.count(": OK (") == 3


def test_a_mood_weighed_twice_under_an_alias_is_a_problem(tmp_path: Path) -> None:
    """`brooding = 0.7` and `dark = 0.2` (an alias of brooding) silently kept the last weight;
    the second is a problem at its line naming the mood and the first spelling."""
    bad = tmp_path / "alias.toml"
    bad.write_text("[moods]\nnight-driving = 1\nbrooding = 0.7\ndark = 0.2\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["profiles", "check", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:4: moods.dark is the mood 'brooding' again (already weighed as 'brooding')" in result.stderr


def test_check_without_arguments_checks_every_profile_of_yours(isolated_dirs: Path) -> None:
    """`profiles list` marks a broken profile "run `moodseq profiles check NAME`"; `profiles
    check` alone checks every user profile (it was a usage error: "Missing argument")."""
    runner = CliRunner()
    none = runner.invoke(cli, ["profiles", "check"])
    assert none.exit_code == 2 and "you have no profiles of your own" in none.stderr
    folder = isolated_dirs / "config" / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.toml").write_text("minutes = 30\n[moods]\nstudy = 1\n", encoding="utf-8")
    (folder / "broken.toml").write_text('minutes = "long"\n', encoding="utf-8")
    listing = runner.invoke(cli, ["profiles", "list"])
    assert "(has problems: run `moodseq profiles check broken`)" in listing.stdout
    result = runner.invoke(cli, ["profiles", "check"])
    assert result.exit_code == 2
    assert f"{folder / 'good.toml'}: OK (good, 30 minutes)" in result.stdout
    assert f"{folder / 'broken.toml'}:1: minutes = 'long' must be a number" in result.stderr
    assert "Error: 1 problem in 1 of 2 profiles" in result.stderr


def test_check_of_one_missing_profile_is_one_error_with_its_hint(tmp_path: Path) -> None:
    """A profile that does not exist (or a folder) named no line, yet ended in "1 problem in 1
    of 1 profile / hint: fix the lines named above": it is one error with its own hint; among
    several files the summary no longer speaks of lines."""
    nope = tmp_path / "nope.toml"
    for args, said, hint in (
        (["night-drve"], "Error: no profile named 'night-drve'", "hint: did you mean 'night-drive'?"),
        ([str(nope)], f"Error: no such profile file: {nope}", "hint: check the path"),
        ([str(tmp_path)], f"Error: {tmp_path} is a folder, not a file", "hint: give the path of a file in it"),
    ):
        result = CliRunner().invoke(cli, ["profiles", "check", *args])
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [said, hint]
    both = CliRunner().invoke(cli, ["profiles", "check", "night-drve", str(tmp_path / "nope.toml")])
    assert both.exit_code == 2
    assert both.stderr.endswith("hint: fix the problems named above, then run `moodseq profiles check` again\n")


@pytest.mark.parametrize("suffix", ["json", "m3u8"])
def test_a_playlist_given_for_a_profile_is_named_as_one(tmp_path: Path, suffix: str) -> None:
    """`build night.json` or `profiles check night.m3u8` read the playlist as TOML ("night.json:1:
    not valid TOML: Invalid statement", a hint about quotes): it is named a playlist, with the
    command that orders it for a profile."""
    saved = tmp_path / f"night.{suffix}"
    assert CliRunner().invoke(cli, ["build", "night-drive", "--seed", "1", "-o", str(saved)]).exit_code == 0
    for command in (["build", str(saved)], ["profiles", "check", str(saved)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            f"Error: {saved} is a playlist, not a profile (a .toml file)",
            f"hint: `moodseq reorder {saved} --profile NAME` orders it for a profile; "
            "`moodseq profiles list` shows the profiles to build",
        ]
