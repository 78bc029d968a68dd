"""The root command: first steps, version, and one-line errors with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sequencer.cli.main import cli


def test_no_arguments_prints_first_steps() -> None:
    """`moodseq` alone says what to do next: demo, import, login."""
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 0
    for hint in ("moodseq demo", "moodseq import csv", "moodseq spotify login"):
        assert hint in result.stdout


def test_help_lists_the_commands() -> None:
    """--help lists the discovered commands."""
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("build", "demo", "profiles"):
        assert name in result.stdout


def test_user_error_is_one_line_with_hint_and_exit_2() -> None:
    """A user-fixable error prints Error + hint on stderr, exit 2, no traceback."""
    result = CliRunner().invoke(cli, ["build", "no-such-profile"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: no profile named 'no-such-profile'\nhint: ")
    assert "Traceback" not in result.stderr


def test_debug_shows_the_exception() -> None:
    """With --debug the MoodseqError propagates (so a traceback can be seen)."""
    from sequencer.errors import UnknownProfileError

    result = CliRunner().invoke(cli, ["--debug", "build", "no-such-profile"])
    assert isinstance(result.exception, UnknownProfileError)


def test_unknown_command_is_a_usage_error() -> None:
    """A misspelt command is click's usage error (exit 2), naming the command."""
    result = CliRunner().invoke(cli, ["biuld"])
    assert result.exit_code == 2
    assert "No such command 'biuld'" in result.stderr


@pytest.mark.parametrize(
    ("args", "message", "where"),
    [
        (["buld", "night-drive"], "Error: No such command 'buld'. Did you mean 'build'?", "moodseq"),
        (["build", "night-drive", "--minuts", "5"], "Error: No such option '--minuts'", "moodseq build"),
        (["build", "night-drive", "--seed", "abc"], "Error: Invalid value for '--seed'", "moodseq build"),
        (["build"], "Error: Missing argument 'PROFILE'", "moodseq build"),
        (["library", "show"], "Error: Missing argument", "moodseq library show"),
        (["--bogus"], "Error: No such option '--bogus'", "moodseq"),
    ],
)
def test_usage_mistakes_are_one_line_and_a_hint(args: list[str], message: str, where: str) -> None:
    """A mistyped command or option, a bad or missing value: one Error line, one hint naming
    the command's --help, exit 2 (not click's usage block)."""
    result = CliRunner().invoke(cli, args, prog_name="moodseq")
    assert result.exit_code == 2
    assert result.stdout == ""
    error, hint = result.stderr.strip().splitlines()
    assert error.startswith(message)
    assert hint == f"hint: `{where} --help` shows the usage"


def test_a_bare_group_still_shows_its_help() -> None:
    """`moodseq profiles` alone lists its subcommands, as click does."""
    result = CliRunner().invoke(cli, ["profiles"], prog_name="moodseq")
    assert "Usage: moodseq profiles" in result.output and "check" in result.output


def test_install_completion_uses_the_shell_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`moodseq --install-completion` writes the completion block for $SHELL into its rc file."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SHELL", "/bin/bash")
    result = CliRunner().invoke(cli, ["--install-completion"])
    assert result.exit_code == 0, result.output
    rc = (tmp_path / ".bashrc").read_text()
    assert "_MOODSEQ_COMPLETE" in rc and "moodseq completion" in rc
    again = CliRunner().invoke(cli, ["--install-completion"])
    assert again.exit_code == 0
    assert (tmp_path / ".bashrc").read_text() == rc  # replaced in place, not appended twice


def test_install_completion_unknown_shell_is_a_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown $SHELL gives exit 2 and a hint naming the explicit command."""
    monkeypatch.setenv("SHELL", "/bin/tcsh")
    result = CliRunner().invoke(cli, ["--install-completion"])
    assert result.exit_code == 2
    assert "hint: run `moodseq completion bash|zsh|fish --install`" in result.stderr


def test_debug_says_where_each_setting_came_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--debug prints each path setting with its origin: flag, environment or default."""
    monkeypatch.setenv("MOODSEQ_LIBRARY", str(tmp_path / "env.db"))
    result = CliRunner().invoke(cli, ["--debug", "--library", str(tmp_path / "flag.db"), "profiles", "list"])
    assert result.exit_code == 0, result.stderr
    assert f"debug: library = {tmp_path / 'flag.db'} (flag --library)" in result.stderr
    assert "debug: config dir = " in result.stderr and "(environment MOODSEQ_CONFIG_DIR)" in result.stderr
    without_flag = CliRunner().invoke(cli, ["--debug", "profiles", "list"])
    assert f"debug: library = {tmp_path / 'env.db'} (environment MOODSEQ_LIBRARY)" in without_flag.stderr


def test_quiet_silences_confirmations_of_work_done(tmp_path: Path, isolated_dirs: Path) -> None:
    """--quiet: import, moods infer, library tag and profiles new do their work and print nothing
    on stdout (their one-line confirmations are not requested output)."""
    source = tmp_path / "songs.csv"
    source.write_text("title,artist,duration_ms,energy,valence\nDrive,Kavinsky,250000,0.6,0.2\n", encoding="utf-8")
    library = tmp_path / "lib.db"
    runner = CliRunner()
    for args in (
        ["import", "csv", str(source)],
        ["moods", "infer"],
        ["library", "tag", "Kavinsky - Drive", "brooding=0.5"],
        ["profiles", "new", "late"],
    ):
        result = runner.invoke(cli, ["--quiet", "--library", str(library), *args])
        assert result.exit_code == 0, (args, result.stderr)
        assert result.stdout == "", args
    assert (isolated_dirs / "config" / "profiles" / "late.toml").is_file()
    shown = runner.invoke(cli, ["--quiet", "--library", str(library), "library", "show", "Kavinsky - Drive"])
    assert "brooding: 0.5" in shown.stdout


def test_entry_point_exit_codes(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The console script: 0 on success, 2 on a user error, 130 with one line on Ctrl-C."""
    from sequencer.cli import main as entry

    def exit_code(args: list[str]) -> int:
        with pytest.raises(SystemExit) as info:
            entry.main(args)
        return int(info.value.code or 0)

    assert exit_code(["profiles", "list"]) == 0
    assert exit_code(["build", "no-such-profile"]) == 2
    assert "Error: no profile named 'no-such-profile'" in capsys.readouterr().err

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("sequencer.cli.commands._pipeline.run_build", interrupted)
    assert exit_code(["demo"]) == 130
    assert capsys.readouterr().err.strip().startswith("Interrupted.")


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (
            ["import", "csv", "x.csv", "-q"],
            "hint: -q is an option of moodseq itself: put it first, `moodseq -q import csv …`",
        ),
        (["library", "stats", "--library", "x.db"], "`moodseq --library FILE library stats …`"),
        (["history", "--debug"], "`moodseq --debug history …`"),
    ],
)
def test_a_root_option_after_a_command_says_where_it_goes(args: list[str], hint: str) -> None:
    """`moodseq import csv x.csv -q` (the import has no -q of its own): the hint says to put it
    before the command (it sent you to `moodseq import csv --help`, which does not list it)."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert hint in result.stderr
