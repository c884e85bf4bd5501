"""Workspace hosts and origins (scheme, host, port): the unit a credential is bound to.

Pure: no requests, IPython or os.environ."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from notebook_tokens.core.errors import InputError
from notebook_tokens.core.redact import redact

__all__ = [
    "DEFAULT_PORTS",
    "Origin",
    "OriginCheck",
    "has_userinfo",
    "is_loopback",
    "normalize_host",
    "origin_of",
    "outside_message",
    "redirect_message",
]

Origin = tuple[str, str, int]
# the schemes a workspace URL may have, and the port each implies when none is written
DEFAULT_PORTS = {"https": 443, "http": 80}


def origin_of(url: str) -> Origin | None:
    """(scheme, hostname, port) of an absolute URL, None when it has no usable host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname, port or DEFAULT_PORTS[scheme]


def has_userinfo(url: str) -> bool:
    return "@" in urlsplit(url).netloc


def normalize_host(host: str) -> str:
    """`adb-1.2.azuredatabricks.net/?o=1#x` -> `https://adb-1.2.azuredatabricks.net` (scheme, lowercase
    host, non-default port; path, query and fragment dropped)."""
    text = (host or "").strip()
    if not text:
        raise InputError(
            "The workspace host is empty: pass host='https://<workspace>.cloud.databricks.com' "
            "or set DATABRICKS_HOST."
        )
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InputError(f"The workspace host must start with https:// (got {scheme}://).")
    if "@" in parts.netloc:
        raise InputError(
            "The workspace host must not contain a user name or password (user:pass@): remove it "
            "and keep the token in a store (keyring, netrc, secret scope)."
        )
    hostname = parts.hostname
    try:
        port = parts.port
    except ValueError:
        raise InputError(f"The workspace host {redact(parts.netloc)} has an invalid port.") from None
    if not hostname:
        raise InputError(f"{redact(host.strip())} is not a workspace URL: expected https://<host>.")
    netloc = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}"


def is_loopback(hostname: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1: the only hosts plain http may go to."""
    name = hostname.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class OriginCheck:
    """Is a URL on this origin (and free of user:pass@)? A prefix test first: the common case costs ~50 ns."""

    def __init__(self, host: str) -> None:
        origin = origin_of(host)
        if origin is None:
            raise ValueError("not an absolute http(s) URL")
        self.origin: Origin = origin
        self.prefix = (
            host.rstrip("/") + "/"
        )  # host is normalised: scheme://netloc, lowercase, no default port

    def __call__(self, url: str) -> bool:
        if url.startswith(self.prefix):
            return True
        return origin_of(url) == self.origin and not has_userinfo(url)


def outside_message(url: str, host: str) -> str:
    """Why a URL is refused, and what to use instead."""
    shown = redact(url)
    if has_userinfo(url):
        return (
            f"Refusing {shown}: URLs with a user name or password (user:pass@host) are not sent by this "
            f"session. Use a path such as /api/2.0/... on {host}."
        )
    return (
        f"Refusing {shown}: it is outside the workspace {host}, and this session sends requests "
        "(and its token) only there. Use a path such as /api/2.0/..., or a plain requests.Session "
        "for other hosts."
    )


def redirect_message(url: str, host: str, status: int, source: str) -> str:
    """Why a redirect to `url` was not followed."""
    return (
        f"The workspace answered {source} with a {status} redirect to {redact(url)}, outside {host}: "
        "not followed, and no credential was sent there. Check the workspace URL (DATABRICKS_HOST) "
        "and any proxy in between."
    )
