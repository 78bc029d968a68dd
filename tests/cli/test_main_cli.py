"""The root command: first steps, version, and one-line errors with exit code 2."""

from __future__ import annotations

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
