"""Parse a `%%dbrest` cell into a `RestRequest`: method, path, query, headers and a JSON body.

Pure: imports neither IPython, ipywidgets, requests nor os.environ. Everything here runs before anything
is sent, so any `InputError` (or `ForeignOriginError`) means nothing left the machine.

    [METHOD] PATH [name==value ...] [Header:value ...]      the magic's line, options removed
    {"cluster_id": "$cid"}                                  optional body: JSON, or @path/to/file.json
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from notebook_tokens.core.errors import ForeignOriginError, InputError
from notebook_tokens.core.hosts import origin_of
from notebook_tokens.core.redact import looks_like_token
from notebook_tokens.notebook.rest.body import body_to_params, parse_body, substitute
from notebook_tokens.notebook.rest.line import METHODS

__all__ = ["METHODS", "RestRequest", "check_origin", "parse_request", "substitute"]

# For these a JSON object body becomes query parameters, as the Databricks CLI does.
_QUERY_BODY_METHODS = frozenset({"GET", "DELETE", "HEAD"})
_PARAM_ITEM = re.compile(r"([^=:\s]+)==(.*)", re.DOTALL)
_HEADER_ITEM = re.compile(r"([A-Za-z0-9!#$%&'*+.^_`|~-]+):(.*)", re.DOTALL)
_METHOD_WORD = re.compile(r"[A-Za-z]+")
# NUL, CR/LF, tabs and the other C0/C1 controls: requests would percent-encode them into the path or put
# them into a header (a NUL or CR can split or cut a header on the way), so they are refused instead
_REFUSED_HEADERS = frozenset({"host", "content-length", "transfer-encoding"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class RestRequest:
    """One REST call, validated. `body` is the parsed JSON body, or None when there is none."""

    method: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None

    @property
    def has_body(self) -> bool:
        return self.body is not None


def parse_request(
    words: Sequence[str],
    body: str | None = None,
    namespace: Mapping[str, Any] | None = None,
    *,
    host: str | None = None,
    read_file: Callable[[str], str] | None = None,
) -> RestRequest:
    """Build a `RestRequest` from the line's words (options already removed) and the cell body.

    `$name` / `${name}` in the body come from `namespace`; `@file` bodies are read with `read_file`
    (default: the file system) and taken verbatim. With `host`, an absolute URL must be that origin.
    """
    if not words:
        raise InputError("%dbrest needs a path, e.g. %dbrest GET /api/2.0/clusters/list")
    for word in words:
        _refuse_controls(word)
    method, rest = _split_method(words)
    path, params = _split_path(rest[0], host)
    headers: dict[str, str] = {}
    for item in rest[1:]:
        _add_item(item, params, headers)
    parsed = parse_body(body, namespace or {}, read_file)
    if parsed is not None and method in _QUERY_BODY_METHODS:
        params.extend(body_to_params(method, parsed))
        parsed = None
    return RestRequest(method, path, params, headers, parsed)


def _split_method(words: Sequence[str]) -> tuple[str, Sequence[str]]:
    first = words[0]
    if first.upper() in METHODS:
        if len(words) < 2:
            raise InputError(f"{first.upper()} needs a path after it, e.g. {first.upper()} /api/2.0/...")
        return first.upper(), words[1:]
    if _METHOD_WORD.fullmatch(first) and len(words) > 1 and _looks_like_path(words[1]):
        raise InputError(f"unknown method {first!r}: use one of {', '.join(METHODS)}")
    return "GET", words


def _refuse_controls(word: str) -> None:
    found = _CONTROL.search(word)
    if found is not None:
        what = "the path" if word.startswith(("/", "http:", "https:")) else "an item"
        raise InputError(
            f"{what} holds a control character (U+{ord(found[0]):04X}) at position {found.start() + 1}: "
            "remove it (percent-encode it, e.g. %00, if the API really wants it); nothing was sent"
        )


def _looks_like_path(word: str) -> bool:
    return word.startswith("/") or word.lower().startswith(("http://", "https://"))


def _split_path(word: str, host: str | None) -> tuple[str, list[tuple[str, str]]]:
    if word.lower().startswith(("http://", "https://")):
        word = check_origin(word, host) if host is not None else word
    elif word.startswith("//"):
        raise InputError(f"{word!r} names another host: start the path with a single /, e.g. /api/2.0/...")
    elif not word.startswith("/"):
        hint = f"/{word}" if not _METHOD_WORD.fullmatch(word) else "/api/2.0/clusters/list"
        raise InputError(f"the path must start with /: write {hint!r} (relative to the workspace)")
    if looks_like_token(word):
        raise InputError("the path holds a token value: tokens come from a store, never from cell text")
    parts = urlsplit(word)
    params = parse_qsl(parts.query, keep_blank_values=True)
    if parts.scheme:
        return f"{parts.scheme}://{parts.netloc}{parts.path}", params
    return parts.path, params


def check_origin(url: str, host: str) -> str:
    """The path part of `url` when it is on `host`'s origin; `ForeignOriginError` otherwise."""
    target, workspace = urlsplit(url), urlsplit(host)
    expected = origin_of(host)
    if expected is None or origin_of(url) != expected:
        raise ForeignOriginError(
            f"{target.scheme}://{target.netloc} is not this workspace "
            f"({workspace.scheme}://{workspace.netloc}): "
            "%dbrest sends the token only to the workspace. Use a path such as /api/2.0/clusters/list, "
            "or --host to call another workspace."
        )
    return (target.path or "/") + (f"?{target.query}" if target.query else "")


def _add_item(item: str, params: list[tuple[str, str]], headers: dict[str, str]) -> None:
    if looks_like_token(item):
        raise InputError("an item holds a token value: tokens come from a store, never from cell text")
    if match := _PARAM_ITEM.fullmatch(item):
        params.append((match[1], match[2]))
        return
    match = _HEADER_ITEM.fullmatch(item)
    if match is None:
        raise InputError(
            f"cannot read {item!r}: write name==value for a query parameter or Header:value for a header"
        )
    name, value = match[1], match[2].strip()
    if name.lower() == "authorization":
        raise InputError(
            "an Authorization item is refused: the token comes from a store, never from cell text "
            "(use --store or --profile to pick another credential)"
        )
    if not value:
        raise InputError(f"header {name} has no value: write {name}:value as one word (quote it for spaces)")
    if name.lower() in _REFUSED_HEADERS:
        raise InputError(
            f"a {name} item is refused: %dbrest sets it itself (a Host item would name another host to a "
            "proxy while the token goes along)"
        )
    if not value.isascii():
        raise InputError(
            f"header {name} holds a non-ASCII character: HTTP headers carry ASCII only; percent-encode it "
            "or send it as name==value (a query parameter)"
        )
    headers[name] = value
