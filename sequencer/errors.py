"""The one family of errors a user can fix.

Every exception here carries a ``message`` (what is wrong, naming the bad value), a ``hint``
(what to do about it) and, for problems in a file, a ``source`` (``path:line``).  The CLI
catches :class:`MoodseqError` in exactly one place, prints ``Error: …`` and ``hint: …`` on
stderr and exits with code 2.  Anything else escaping is a bug and may show a traceback.

This module imports nothing, so the pure core can raise these errors too.
"""

from __future__ import annotations

from dataclasses import dataclass


class MoodseqError(Exception):
    """Base of every error a user can fix: message + hint + optional file:line."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message

    def lines(self) -> list[str]:
        """The lines the CLI prints for this error (without the ``Error:`` prefix)."""
        return [str(self)]


@dataclass(frozen=True)
class Problem:
    """One problem found in a user's file: where, what, and how to fix it."""

    source: str
    """``path`` or ``path:line``."""
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.source}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


def _place(problem: Problem) -> tuple[str, int]:
    """(file, line) of a problem, for sorting: ``path:12`` → (path, 12); no line sorts first."""
    path, _, line = problem.source.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else (problem.source, 0)


class FileProblemsError(MoodseqError):
    """A user-edited file (profile, moods file) has one or more problems, all reported at once."""

    def __init__(self, problems: list[Problem], kind: str = "file") -> None:
        self.problems = sorted(problems, key=_place)  # in the file's order, whatever found them
        first = self.problems[0]
        count = len(self.problems)
        summary = f"{count} problem{'s' if count != 1 else ''} in {kind} {first.source.split(':')[0]}"
        super().__init__(summary, hint=f"fix the {kind} and check it again", source=None)

    def lines(self) -> list[str]:
        """The summary, then one line per problem."""
        return [self.message, *(f"  {p}" for p in self.problems)]


class ProfileError(FileProblemsError):
    """A profile file is invalid; ``problems`` lists every problem with file:line and a fix."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, kind="profile")


class MoodsFileError(FileProblemsError):
    """A moods file is invalid."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, kind="moods file")


class UnknownProfileError(MoodseqError):
    """No built-in or user profile has that name."""


class UnknownMoodError(MoodseqError):
    """A mood name is not in the vocabulary (the hint lists the closest names)."""


class TrackNotFoundError(MoodseqError):
    """A track reference ("Artist - Title" or an id) matches no track in the library."""


class ImpossibleConstraintsError(MoodseqError):
    """The profile's constraints cannot be met; the message names the binding constraint."""


class LibraryError(MoodseqError):
    """The library database cannot be opened, read or written."""


class InputFileError(MoodseqError):
    """An input file (CSV, JSON, audio, sequence) cannot be used as it is."""


class CredentialsError(MoodseqError):
    """Credentials for an online service are missing or were refused."""


class RemoteServiceError(MoodseqError):
    """An online service (Spotify, Last.fm) refused or failed in a way the user must act on."""


class OutputFileError(MoodseqError):
    """An output file cannot be written (missing folder, no permission, disk full…)."""
