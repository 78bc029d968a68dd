"""Spotify failures as moodseq errors, each with the fix a user can apply.

The client raises these; push and import catch the internal ones they know how to recover from
(:class:`UncertainWriteError`, :class:`NotFoundError`, :class:`ForbiddenError`) and let the
rest reach the CLI, which prints message + hint.
"""

from __future__ import annotations

from sequencer.errors import CredentialsError, RemoteServiceError

LOGIN_HINT = "run `moodseq spotify login` (or set MOODSEQ_SPOTIFY_TOKEN to a fresh token)"

FORBIDDEN_HINT = (
    "likely causes: the login lacks a scope (run `moodseq spotify login` again); your account is "
    "not on the app's user list in Development Mode (add it in the Spotify developer dashboard, "
    "at most 5 users); or the app owner's account is not Premium"
)


class QuotaExceededError(RemoteServiceError):
    """Spotify says the app's Development-Mode quota is used up; retrying does not help."""

    def __init__(self) -> None:
        super().__init__(
            "Spotify refused the request: this app's request quota is exhausted (QUOTA_EXCEEDED)",
            hint="wait until the quota resets (usually the next day) or use another app's client "
            "id; retrying now will not help",
        )


class RateLimitedError(RemoteServiceError):
    """Spotify kept answering 429, or asked for a longer wait than we accept."""


class ForbiddenError(RemoteServiceError):
    """Spotify answered 403 for an endpoint."""

    def __init__(self, what: str, detail: str | None) -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(f"Spotify refused {what} with 403 Forbidden{extra}", hint=FORBIDDEN_HINT)


class NotFoundError(RemoteServiceError):
    """Spotify answered 404 (a playlist or track that does not exist or is gone)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"Spotify has no {what} (404)", hint="check the id or URL")


class UncertainWriteError(RemoteServiceError):
    """A write was sent but no answer came back: it may or may not have been applied.

    Never retried blindly; push reads the remote state back and decides.
    """

    def __init__(self, what: str, cause: str) -> None:
        super().__init__(
            f"Spotify did not confirm {what} ({cause})",
            hint="run the same command again: moodseq checks what is there before writing",
        )


class UnavailableError(RemoteServiceError):
    """Spotify kept failing (5xx, dropped connections, timeouts) after our retries."""

    def __init__(self, what: str, cause: str, *, unreachable: bool = False) -> None:
        super().__init__(
            f"Spotify kept failing on {what} ({cause})",
            hint="moodseq could not connect to Spotify at all: check your network connection (and any proxy or "
            "MOODSEQ_SPOTIFY_API_URL), then try again"
            if unreachable
            else "Spotify may be having trouble; try again in a few minutes",
        )


class BadRequestError(RemoteServiceError):
    """Spotify rejected a request as malformed (400): a moodseq bug or an unusual input."""

    def __init__(self, what: str, detail: str | None) -> None:
        super().__init__(
            f"Spotify rejected {what} as invalid: {detail or 'no detail'}",
            hint="please report this with the command you ran (`--debug` shows more)",
        )


class BadAnswerError(RemoteServiceError):
    """Spotify (or something answering in its place) sent an answer of the wrong shape."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__(
            f"Spotify sent an answer to {what} that moodseq cannot read ({why})",
            hint="try again later; if it keeps happening, check MOODSEQ_SPOTIFY_API_URL and any proxy",
        )


def not_logged_in(detail: str = "not logged in to Spotify") -> CredentialsError:
    """The error for a missing or refused login."""
    return CredentialsError(detail, hint=LOGIN_HINT)


def missing_client_id() -> CredentialsError:
    """The error for a login without a Spotify app client id."""
    return CredentialsError(
        "no Spotify client id: moodseq talks to Spotify through your own Spotify app",
        hint="create an app at https://developer.spotify.com/dashboard with the redirect URI "
        "http://127.0.0.1:8888/callback, then `export SPOTIPY_CLIENT_ID=<its client id>` "
        "(or pass --client-id)",
    )
