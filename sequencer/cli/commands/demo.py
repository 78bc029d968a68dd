"""`moodseq demo`: a first playlist from the built-in library; no account, no network."""

from __future__ import annotations

import click

from sequencer.cli.commands.build import build_options
from sequencer.cli.complete import complete_profiles
from sequencer.cli.context import AppContext, pass_app

DEMO_SEED = 7


def _demo_options(func: click.decorators.FC) -> click.decorators.FC:
    """build's options, with the demo's fixed default seed in --seed's help."""
    return build_options(func, seed_default=f"{DEMO_SEED}, so the demo is the same every time")


@click.command()
@click.argument("profile", default="night-drive", shell_complete=complete_profiles)
@_demo_options
@pass_app
def cli(app: AppContext, /, profile: str, seed: int | None, **options: object) -> None:
    """Build PROFILE (default: night-drive) from the built-in demo library."""
    from sequencer.cli.commands._pipeline import BuildOptions, run_build

    run_build(
        app,
        BuildOptions(profile=profile, seed=DEMO_SEED if seed is None else seed, demo=True, **options),  # type: ignore[arg-type]
    )
