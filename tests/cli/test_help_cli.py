"""Every command and subcommand answers --help: exit 0 and a usage line, no traceback."""

from __future__ import annotations

import click
from click.testing import CliRunner

from sequencer.cli.main import cli


def _command_paths(group: click.Command, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path under ``group``, lazily loaded groups included (via get_command)."""
    paths = [prefix]
    if isinstance(group, click.Group):
        ctx = click.Context(group, info_name="moodseq")
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, f"{' '.join((*prefix, name))} is listed but cannot be loaded"
            paths.extend(_command_paths(command, (*prefix, name)))
    return paths


def test_the_walk_finds_nested_subcommands() -> None:
    """The tree walk reaches the subcommands of groups (so the help test covers them)."""
    paths = _command_paths(cli)
    assert ("profiles", "check") in paths
    assert ("import", "csv") in paths
    assert len(paths) > 20


def test_every_command_answers_help() -> None:
    """`moodseq … --help` exits 0 with a non-empty usage for the root and every (sub)command."""
    runner = CliRunner()
    for path in _command_paths(cli):
        result = runner.invoke(cli, [*path, "--help"])
        where = " ".join(("moodseq", *path))
        assert result.exit_code == 0, f"{where} --help: {result.output}{result.stderr}"
        assert result.stdout.startswith("Usage: "), where
        assert len(result.stdout.strip().splitlines()) > 1, where


def test_build_help_says_what_its_options_do() -> None:
    """`build --help` named only PNG, SVG and PDF for --plot (it writes every format of
    PLOT_FORMATS), gave --minutes no unit and called --from a "journey start" though it
    replaces the profile's start."""
    from sequencer.adapters.plot import PLOT_FORMATS

    result = CliRunner().invoke(cli, ["build", "--help"], terminal_width=400)
    assert result.exit_code == 0
    plot = next(row for row in result.output.splitlines() if row.strip().startswith("--plot"))
    named = {word.strip(",().").lower() for word in plot.split()}
    for suffix in PLOT_FORMATS:
        assert suffix in named or {"jpg": "jpeg", "tif": "tiff", "svgz": "svg"}[suffix] in named, suffix
    assert "Target length in minutes" in result.output
    assert "instead of the profile's start" in result.output and "instead of the profile's end" in result.output
