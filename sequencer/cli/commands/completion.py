"""`moodseq completion bash|zsh|fish [--install]`: shell completion for commands and options.

Without ``--install`` the script is printed, to be evaluated or saved wherever the user keeps
such things.  With ``--install`` it goes where the shell finds it:

- bash → a marked block in ``~/.bashrc``; zsh → a marked block in ``$ZDOTDIR/.zshrc`` (or
  ``~/.zshrc``).  Re-installing replaces the block, so the file never holds two copies;
- fish → ``$XDG_CONFIG_HOME/fish/completions/moodseq.fish`` (fish loads it by itself).

The script is click's own; at completion time it runs ``moodseq`` with
``_MOODSEQ_COMPLETE=<shell>_complete``, so new commands complete without reinstalling.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import click

from sequencer.cli.context import AppContext, pass_app

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_MOODSEQ_COMPLETE"
BEGIN = "# >>> moodseq completion >>>"
END = "# <<< moodseq completion <<<"


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
@click.option("--install", is_flag=True, help="Add it to the shell's startup files instead of printing it.")
@pass_app
def cli(app: AppContext, /, shell: str, install: bool) -> None:
    """Print (or --install) tab completion for SHELL: bash, zsh or fish.

    Examples: eval "$(moodseq completion bash)" for this shell only;
    moodseq completion zsh --install to have it in every new zsh.
    """
    script = completion_script(click.get_current_context().find_root().command, shell)
    if not install:
        click.echo(script, nl=not script.endswith("\n"))
        return
    target = install_script(shell, script, _home(app), app.env)
    app.say(f"installed {shell} completion in {target}; open a new shell to use it")
    if shell == "zsh":
        app.say("(zsh needs `autoload -Uz compinit && compinit` earlier in the file; most setups have it)")


def completion_script(root: click.Command, shell: str) -> str:
    """click's completion script for ``moodseq`` in ``shell``."""
    from click.shell_completion import get_completion_class

    completion_class = get_completion_class(shell)
    if completion_class is None:  # click knows all of SHELLS; this guards a future click
        raise click.BadParameter(f"click has no completion for {shell}", param_hint="SHELL")
    return completion_class(root, {}, "moodseq", COMPLETE_VAR).source()


def _home(app: AppContext) -> Path:
    """The user's home folder (HOME from the context's environment)."""
    home = app.env.get("HOME")
    return Path(home) if home else Path.home()


def rc_file(shell: str, home: Path, env: Mapping[str, str]) -> Path:
    """Where ``--install`` puts the completion for ``shell``."""
    if shell == "bash":
        return home / ".bashrc"
    if shell == "zsh":
        zdotdir = env.get("ZDOTDIR")
        return Path(zdotdir) / ".zshrc" if zdotdir else home / ".zshrc"
    config = env.get("XDG_CONFIG_HOME")
    return (Path(config) if config else home / ".config") / "fish" / "completions" / "moodseq.fish"


def with_block(existing: str, script: str) -> str:
    """``existing`` with the moodseq block replaced by (or, when absent, followed by) ``script``."""
    block = f"{BEGIN}\n{script.rstrip()}\n{END}\n"
    start, end = existing.find(BEGIN), existing.find(END)
    if start != -1 and end > start:
        return existing[:start] + block + existing[end + len(END) :].lstrip("\n")
    separator = "" if not existing or existing.endswith("\n") else "\n"
    return f"{existing}{separator}\n{block}" if existing else block


def install_script(shell: str, script: str, home: Path, env: Mapping[str, str]) -> Path:
    """Write the completion where ``shell`` reads it; returns the file changed."""
    from sequencer.adapters.exporters.write import atomic_write_text

    target = rc_file(shell, home, env)
    target.parent.mkdir(parents=True, exist_ok=True)
    if shell == "fish":
        atomic_write_text(target, script if script.endswith("\n") else script + "\n")
        return target
    existing = target.read_text(encoding="utf-8") if target.exists() else ""
    atomic_write_text(target, with_block(existing, script))
    return target
