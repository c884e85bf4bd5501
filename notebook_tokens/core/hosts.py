"""Workspace hosts and origins (scheme, host, port): the unit a credential is bound to.

Pure: no requests, IPython or os.environ."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import SplitResult, urlsplit

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
    host, non-default port; path, query and fragment dropped). InputError for anything that is not one
    plain host name or IP address (control characters, spaces, bad ports, zone ids, over-long names)."""
    text = (host or "").strip()
    if not text:
        raise InputError(
            "The workspace host is empty: pass host='https://<workspace>.cloud.databricks.com' "
            "or set DATABRICKS_HOST."
        )
    _refuse_hidden_characters(text)
    if "://" not in text:
        if text.count(":") > 1 and not text.startswith("["):  # ::1, fe80::2:8080
            raise InputError(_IPV6_HINT)
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:  # "Invalid IPv6 URL": an unclosed [
        raise InputError(_IPV6_HINT) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InputError(f"The workspace host must start with https:// (got {scheme}://).")
    if "@" in parts.netloc:
        raise InputError(
            "The workspace host must not contain a user name or password (user:pass@): remove it "
            "and keep the token in a store (keyring, netrc, secret scope)."
        )
    hostname = parts.hostname
    port = _port(parts)
    if not hostname:
        raise InputError(f"{redact(host.strip())} is not a workspace URL: expected https://<host>.")
    netloc = _checked_name(hostname, bracketed=parts.netloc.startswith("["))
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}"


# RFC 1035 / 1123: a name is at most 253 characters of dot-separated labels of 1-63 letters, digits
# and hyphens (no hyphen at either end). Workspace names follow it; urlsplit checks none of it.
_MAX_NAME = 253
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_IPV6_HINT = (
    "The workspace host looks like an IPv6 address: write it in brackets with a scheme, "
    "e.g. https://[2001:db8::1]:8443 (and no %zone)."
)


def _refuse_hidden_characters(text: str) -> None:
    # urlsplit silently drops tabs and newlines and keeps NUL, so "exa\tmple.com" would become another name
    for index, char in enumerate(text):
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            raise InputError(
                f"The workspace host has {_char_name(char)} at position {index + 1}: remove it "
                "(copy the URL from the browser's address bar)."
            )


def _char_name(char: str) -> str:
    return "a space" if char == " " else f"a control character (U+{ord(char):04X})"


def _port(parts: SplitResult) -> int | None:
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise InputError(
            f"The workspace host {redact(parts.netloc)} has an invalid port. Give a number from 1 to 65535, "
            "or none for 443."
        )
    return port


def _checked_name(hostname: str, *, bracketed: bool) -> str:
    if bracketed:
        try:
            address = ipaddress.IPv6Address(hostname)
        except ValueError:
            raise InputError(_IPV6_HINT) from None
        if address.scope_id:  # fe80::1%eth0 names an interface of this machine, never a workspace
            raise InputError(_IPV6_HINT)
        return f"[{hostname}]"
    if not hostname.isascii():
        raise InputError(
            f"The workspace host {hostname!r} is not ASCII: write its punycode form "
            f"(e.g. {_punycode(hostname)})."
        )
    if len(hostname) > _MAX_NAME:
        raise InputError(
            f"The workspace host name is {len(hostname)} characters long; a host name has at most "
            f"{_MAX_NAME}: check the URL."
        )
    if not all(_LABEL.fullmatch(label) for label in hostname.split(".")):
        raise InputError(
            f"The workspace host {redact(hostname)!r} is not a valid host name: use letters, digits, hyphens "
            "and single dots (each part 1-63 characters, no hyphen at either end)."
        )
    return hostname


def _punycode(hostname: str) -> str:
    try:
        return hostname.encode("idna").decode("ascii")
    except UnicodeError:
        return "xn--..."


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
