"""The one translation of a requests exception into our `TransportError`, with what to do about it."""

from __future__ import annotations

import requests

from notebook_tokens.core.errors import TransportError
from notebook_tokens.core.redact import redact

__all__ = ["transport_error"]


def transport_error(
    exc: requests.exceptions.RequestException,
    host: str,
    method: str,
    path: str,
    *,
    longer_timeout: str = "pass a longer timeout=",
) -> TransportError:
    """`{host} did not answer ... in time` for a timeout, `Could not reach {host}` for anything else."""
    what = f"{method.upper()} {redact(path)}"
    if isinstance(exc, requests.exceptions.Timeout):
        return TransportError(
            f"{host} did not answer {what} in time ({type(exc).__name__}): try again, or {longer_timeout}."
        )
    return TransportError(
        f"Could not reach {host} ({type(exc).__name__}) for {what}: "
        "check the host name, your network and proxy settings, then try again."
    )
