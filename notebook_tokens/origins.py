"""Origins (scheme, host, port): the unit the bearer token is bound to."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["Origin", "OriginCheck", "has_userinfo", "origin_of"]

Origin = tuple[str, str, int]
_DEFAULT_PORTS = {"https": 443, "http": 80}


def origin_of(url: str) -> Origin | None:
    """(scheme, hostname, port) of an absolute URL, None when it has no usable host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname, port or _DEFAULT_PORTS[scheme]


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
