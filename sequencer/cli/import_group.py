"""The ``moodseq import`` click group: its eager subcommands plus ``spotify`` loaded on demand.

``import spotify`` needs spotipy, so its module is imported only when that subcommand is
asked for; when it cannot be imported (spotipy missing) a stand-in command says the feature is
unavailable instead of failing the whole group.

Public: :class:`ImportGroup`.
"""

from __future__ import annotations

import importlib
from typing import ClassVar

import click

from sequencer.errors import MoodseqError


class ImportGroup(click.Group):
    """The `import` group: csv and files here, `spotify` loaded on demand."""

    lazy: ClassVar[dict[str, tuple[str, str]]] = {
        "spotify": ("sequencer.cli.commands._import_spotify", "Import liked songs and playlists from Spotify."),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Eager commands plus the lazy ones, sorted."""
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import a lazy subcommand's module only when it is asked for."""
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in self.lazy:
            return command
        module_name, short_help = self.lazy[cmd_name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name not in (module_name, "spotipy"):
                raise
            return _unavailable(cmd_name, short_help, str(error))
        found: click.Command = module.cli
        return found


def _unavailable(name: str, short_help: str, reason: str) -> click.Command:
    """A stand-in command saying the feature is not installed."""

    @click.command(name, short_help=short_help + " (unavailable)", context_settings={"ignore_unknown_options": True})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def stub(args: tuple[str, ...]) -> None:
        """Say that the feature is unavailable."""
        raise MoodseqError(
            "Spotify import is unavailable in this installation",
            hint=f"reinstall moodseq with its Spotify support ({reason})",
        )

    return stub
