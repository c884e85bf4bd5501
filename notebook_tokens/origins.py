"""Origins (scheme, host, port): the unit the bearer token is bound to."""

from __future__ import annotations

from urllib.parse import urlsplit

from notebook_tokens.redact import redact

__all__ = [
    "DEFAULT_PORTS",
    "Origin",
    "OriginCheck",
    "has_userinfo",
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
