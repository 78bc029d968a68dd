"""The root of the ``moodseq`` command line.

Commands are discovered, not listed: every module in :mod:`sequencer.cli.commands` is one
command named after the module (a trailing underscore dropped: ``import_`` → ``import``), and
exposes it as ``cli``.  Modules are imported only when their command runs (or ``--help`` needs
their one-line help), and they import heavy packages inside their callbacks, so ``moodseq
--help`` stays fast and never imports numpy, networkx or spotipy.

This is the one place that turns a :class:`~sequencer.errors.MoodseqError` into a user-facing
message: ``Error: …`` and ``hint: …`` on stderr, exit code 2, no traceback unless ``--debug``.
"""

from __future__ import annotations

import difflib
import gc
import importlib
import pkgutil
from pathlib import Path
from typing import IO, Any

import click

from sequencer import __version__
from sequencer.cli.context import AppContext
from sequencer.errors import MoodseqError

COMMANDS_PACKAGE = "sequencer.cli.commands"

#: click's "no arguments: show the help" error (click ≥ 8.2), which must keep printing the help.
_HELP_ERRORS: tuple[type[click.UsageError], ...] = tuple(
    e for e in (getattr(click.exceptions, "NoArgsIsHelpError", None),) if isinstance(e, type)
)

FIRST_STEPS = """\
moodseq turns a music library into playlists that flow.

Start here:
  moodseq demo                      a night-drive playlist from the built-in demo library
  moodseq demo train-ride           … or another context (`moodseq profiles list`)
  moodseq import csv Liked.csv      bring in your own music (Exportify CSV, any CSV/JSON)
  moodseq spotify login             connect Spotify to import and push playlists
  moodseq build night-drive -o night.m3u8

`moodseq --help` lists every command; `moodseq COMMAND --help` explains one."""


class UserError(click.ClickException):
    """A MoodseqError as click shows it: ``Error: …`` + ``hint: …``, exit code 2."""

    exit_code = 2

    def __init__(self, error: MoodseqError) -> None:
        super().__init__(error.message)
        self.error = error

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the error's lines and its hint on stderr."""
        lines = self.error.lines()
        click.echo(f"Error: {lines[0]}", err=True, file=file)
        for line in lines[1:]:
            click.echo(line, err=True, file=file)
        if self.error.hint:
            click.echo(f"hint: {self.error.hint}", err=True, file=file)


class OneLineUsageError(click.UsageError):
    """A usage mistake (unknown command or option, bad value) as one ``Error:`` line and a
    ``hint:`` naming the command's --help (or ``hint``), exit code 2 (click's own shows the
    usage block)."""

    def __init__(self, message: str, ctx: click.Context | None = None, hint: str | None = None) -> None:
        super().__init__(message, ctx)
        self.hint = hint

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the error and where to read the usage, on stderr."""
        click.echo(f"Error: {self.format_message()}", err=True, file=file)
        path = self.ctx.command_path if self.ctx is not None else "moodseq"
        click.echo(f"hint: {self.hint or f'`{path} --help` shows the usage'}", err=True, file=file)


#: The root's own options: given after a command that lacks them, they belong before it.
ROOT_OPTIONS = ("-q", "--quiet", "--plain", "--debug", "--library")


def _one_line(error: click.UsageError) -> click.UsageError:
    """``error`` as a :class:`OneLineUsageError` (a help request for a bare group stays as is);
    a root option written after a command that lacks it says where it goes."""
    if isinstance(error, (OneLineUsageError, *_HELP_ERRORS)):
        return error
    hint = None
    if isinstance(error, click.NoSuchOption) and error.option_name in ROOT_OPTIONS and error.ctx is not None:
        path = error.ctx.command_path
        rest = path.removeprefix(error.ctx.find_root().info_name or "moodseq").strip()
        option = error.option_name + (" FILE" if error.option_name == "--library" else "")
        hint = f"{error.option_name} is an option of moodseq itself: put it first, `moodseq {option} {rest} …`"
    return OneLineUsageError(error.format_message(), error.ctx, hint)


def _command_modules() -> dict[str, str]:
    """Command name → module name, for every module in the commands package."""
    package = importlib.import_module(COMMANDS_PACKAGE)
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        found[info.name.rstrip("_").replace("_", "-")] = info.name
    return found


class LazyGroup(click.Group):
    """A group whose subcommands are modules imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Names of the eager commands and the discovered modules, sorted."""
        return sorted(set(super().list_commands(ctx)) | set(_command_modules()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import the command's module on demand."""
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        module_name = _command_modules().get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"{COMMANDS_PACKAGE}.{module_name}")
        found: click.Command = module.cli
        return found

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse the root's own options; a mistake in them is one line too."""
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            raise _one_line(error) from None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """The command ``args`` names; a misspelt one says which it resembles."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            if close:
                raise click.UsageError(f"No such command {name!r}. Did you mean {close[0]!r}?", ctx)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; user-fixable errors become one clear message (exit 2), and so do
        usage mistakes (a help request for a bare group stays click's)."""
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            raise _one_line(error) from None
        except MoodseqError as error:
            app = ctx.find_object(AppContext)
            if app is not None and app.debug:
                raise
            raise UserError(error) from None


def _install_completion(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--install-completion``: install tab completion for the shell named in $SHELL, then exit."""
    if not value or ctx.resilient_parsing:
        return
    import os

    from sequencer.cli.commands.completion import SHELLS, completion_script, install_script

    shell = Path(os.environ.get("SHELL", "")).name
    if shell not in SHELLS:
        raise UserError(
            MoodseqError(
                f"cannot tell your shell from SHELL={os.environ.get('SHELL', '')!r}",
                hint="run `moodseq completion bash|zsh|fish --install` naming it",
            )
        )
    target = install_script(shell, completion_script(ctx.command, shell), Path.home(), os.environ)
    click.echo(f"installed {shell} completion in {target}; open a new shell to use it")
    ctx.exit(0)


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--library",
    "library",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Library database to use (default: MOODSEQ_LIBRARY, else the user data folder; "
    "the demo library until one exists).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks and where settings came from.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and requested output.")
@click.option("--plain", is_flag=True, help="Plain text output: no colour, no boxes (for scripts).")
@click.option(
    "--install-completion",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_install_completion,
    help="Install tab completion for your shell ($SHELL) and exit.",
)
@click.version_option(__version__, prog_name="moodseq")
@click.pass_context
def cli(ctx: click.Context, library: Path | None, debug: bool, quiet: bool, plain: bool) -> None:
    """moodseq: playlists that flow, for a listening context.

    Run `moodseq demo` for a first playlist from the built-in library, no account needed.
    """
    ctx.obj = AppContext(library_option=library, debug=debug, quiet=quiet, plain=plain)
    if debug:
        for name, value, origin in ctx.obj.settings_sources():
            click.echo(f"debug: {name} = {value} ({origin})", err=True)
    if ctx.invoked_subcommand is None:
        click.echo(FIRST_STEPS)


#: Exit code for an interrupt (Ctrl-C), as shells report a process ended by SIGINT.
INTERRUPTED = 130


def main(args: list[str] | None = None) -> None:
    """Console-script entry point: click's standalone handling, except that Ctrl-C exits 130
    with one line (click's own handling says "Aborted!" and exits 1)."""
    try:
        code = cli.main(args=args, prog_name="moodseq", standalone_mode=False)
    except click.Abort:
        click.echo(
            "Interrupted. Files are written whole or not at all; imports and pushes resume when run again.", err=True
        )
        raise SystemExit(INTERRUPTED) from None
    except click.ClickException as error:
        error.show()
        raise SystemExit(error.exit_code) from None
    finally:
        # the process ends next and frees everything with it: spare the interpreter's last
        # cyclic-garbage pass over what the command made (an import's records: ~1 % of its CPU)
        gc.freeze()
    raise SystemExit(code if isinstance(code, int) else 0)
