"""Shared state for commands: paths, settings and lazily opened resources.

One :class:`AppContext` is made by the root group and passed to commands with
:data:`pass_app`.  Settings resolve as: defaults < environment (``MOODSEQ_…``) < flags.
Nothing heavy is imported until a command asks for it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sequencer.adapters import paths

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Store
    from sequencer.core.moods import MoodVocabulary

NO_LIBRARY_HINT = "import music first: moodseq import csv FILE"
"""What to do when a command needs a library that does not exist yet."""


@dataclass(frozen=True)
class Reading:
    """The library a reading command looks into, and how to name it to the user."""

    store: Store
    description: str
    """``your library PATH (N tracks)`` or ``the built-in demo library (N tracks)``."""
    is_demo: bool


@dataclass
class AppContext:
    """What every command may need; built once per invocation."""

    library_option: Path | None = None
    """``--library`` as given (None = environment or default)."""
    debug: bool = False
    quiet: bool = False
    plain: bool = False
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    _vocabulary: MoodVocabulary | None = None

    @property
    def config_dir(self) -> Path:
        """The user's configuration folder."""
        return paths.config_dir(self.env)

    @property
    def data_dir(self) -> Path:
        """The user's data folder."""
        return paths.data_dir(self.env)

    @property
    def library_path(self) -> Path:
        """The library database in use: --library, else MOODSEQ_LIBRARY, else the default."""
        return self.library_option or paths.default_library_path(self.env)

    def settings_sources(self) -> list[tuple[str, str, str]]:
        """(setting, value, where it came from) for --debug: flag, environment or default."""

        def origin(variable: str) -> str:
            return f"environment {variable}" if self.env.get(variable) else "default"

        library = "flag --library" if self.library_option is not None else origin("MOODSEQ_LIBRARY")
        return [
            ("library", str(self.library_path), library),
            ("config dir", str(self.config_dir), origin("MOODSEQ_CONFIG_DIR")),
            ("data dir", str(self.data_dir), origin("MOODSEQ_DATA_DIR")),
            ("moods file", str(self.moods_file), "found" if self.moods_file.is_file() else "absent: built-in moods"),
        ]

    @property
    def library_explicit(self) -> bool:
        """Whether the user named a library (flag or environment) rather than the default."""
        return self.library_option is not None or bool(self.env.get("MOODSEQ_LIBRARY"))

    @property
    def user_profiles_dir(self) -> Path:
        """Where user profiles live."""
        return paths.user_profiles_dir(self.env)

    @property
    def moods_file(self) -> Path:
        """The user's moods file."""
        return paths.moods_file_path(self.env)

    def vocabulary(self) -> MoodVocabulary:
        """The mood vocabulary: built-in moods plus the user's moods file, loaded once."""
        if self._vocabulary is None:
            from sequencer.adapters.moods_file import load_vocabulary

            self._vocabulary = load_vocabulary(self.moods_file)
        return self._vocabulary

    def open_library(self, *, create: bool = False, read_only: bool = False) -> Store:
        """Open the library at :attr:`library_path` (close it, or use ``with``).

        Reading commands pass ``create=False`` (the default): a missing library is a
        :class:`~sequencer.errors.LibraryError` saying how to make one, never a new empty
        file.  Importing commands pass ``create=True``.  Commands that only read pass
        ``read_only=True``: they then work on a library in a read-only folder.
        """
        from sequencer.adapters.library.store import Store
        from sequencer.errors import LibraryError

        path = self.library_path
        if not create and not path.is_file():
            raise LibraryError(f"no library at {path}", hint=NO_LIBRARY_HINT)
        return Store.open(path, read_only=read_only and not create)

    @contextlib.contextmanager
    def reading_library(self, *, announce: bool = True) -> Iterator[Reading]:
        """The library a command that only reads looks into, as ``build`` chooses it: the
        user's, or the built-in demo library while none exists (or it has no tracks) and none
        was named with --library / MOODSEQ_LIBRARY.  It is named on stderr (the user's library
        only when ``announce``: a command whose output names it already passes False)."""
        from sequencer.adapters.demo import DEMO_NAME, demo_store

        path = self.library_path
        if self.library_explicit or path.is_file():
            with self.open_library(read_only=True) as store:
                count = store.count()
                if count or self.library_explicit:
                    reading = Reading(store, f"your library {path} ({count:,} track{'' if count == 1 else 's'})", False)
                    if announce:
                        self.say(reading.description)
                    yield reading
                    return
        with demo_store() as store:
            reading = Reading(store, f"{DEMO_NAME} ({store.count():,} tracks)", True)
            state = f"your library {path} has no tracks" if path.is_file() else f"you have no library at {path} yet"
            self.say(f"reading {reading.description}: {state} (import music with `moodseq import csv FILE`)")
            yield reading

    def say(self, message: str) -> None:
        """A note for the user on stderr (silent with --quiet)."""
        if not self.quiet:
            click.echo(message, err=True)


pass_app = click.make_pass_decorator(AppContext)
