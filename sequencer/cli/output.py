"""Confirmations of work done, the one kind of stdout line that ``--quiet`` drops.

A command's requested output (a table, a listing, an export) is printed with ``click.echo``;
a line that only confirms what a command did ("created …", "Imported …: 12 tracks") is
printed through :func:`confirm`, so ``--quiet`` leaves nothing but errors and requested output.

Public: :func:`confirm`.
"""

from __future__ import annotations

import click

from sequencer.cli.context import AppContext


def confirm(app: AppContext, message: str) -> None:
    """Print ``message`` on stdout unless ``--quiet`` was given."""
    if not app.quiet:
        click.echo(message)
