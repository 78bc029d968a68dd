"""HTTP for the sinks: bounded timeouts, and every transport failure as one line a user can act on.

A wrong URL, a refused connection, a server that does not answer in time or answers something
that is not JSON all become :class:`~sequencer.errors.RemoteServiceError`; nothing is retried
blindly here (a sink's push starts from what the server holds, so running it again is safe).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

from sequencer.errors import RemoteServiceError

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    service: str,
    timeout: tuple[float, float] | None = None,
    **kwargs: Any,
) -> requests.Response:
    """``session.request(method, url, …)`` with timeouts (default: this module's, read when
    called); transport failures → RemoteServiceError."""
    timeout = timeout or (CONNECT_TIMEOUT, READ_TIMEOUT)
    path = urlsplit(url).path
    try:
        return session.request(method, url, timeout=timeout, allow_redirects=False, **kwargs)
    except requests.Timeout as error:
        raise RemoteServiceError(
            f"{service} did not answer {method} {path} within {timeout[1]:g} s",
            hint="check that the server is up, then run the same command again (it is safe to repeat)",
        ) from error
    except (requests.ConnectionError, requests.exceptions.InvalidURL, requests.exceptions.MissingSchema) as error:
        raise RemoteServiceError(
            f"cannot reach {service}",
            hint="check the server URL (scheme, host, port) and that the server is running",
        ) from error
    except requests.RequestException as error:
        failure = f"{service}: {method} {path} failed: {type(error).__name__}"
        raise RemoteServiceError(failure, hint="try again") from error


def json_body(response: requests.Response, *, service: str) -> Any:
    """The response's JSON, or RemoteServiceError when the server answered something else."""
    if response.is_redirect:
        raise RemoteServiceError(
            f"{service} answered with a redirect to {response.headers.get('Location', '?')}",
            hint="use the final server URL (https://, the right path) in the settings",
        )
    try:
        return response.json()
    except ValueError as error:
        raise RemoteServiceError(
            f"{service} answered HTTP {response.status_code} with something that is not JSON",
            hint="check the server URL: it should point at the server itself, not a web page in front of it",
        ) from error
