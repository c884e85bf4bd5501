"""Parse a `%%dbrest` cell into a `RestRequest`: method, path, query, headers and a JSON body.

Pure: imports neither IPython, ipywidgets, requests nor os.environ. Everything here runs before anything
is sent, so any `InputError` (or `ForeignOriginError`) means nothing left the machine.

    [METHOD] PATH [name==value ...] [Header:value ...]      the magic's line, options removed
    {"cluster_id": "$cid"}                                  optional body: JSON, or @path/to/file.json
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from notebook_tokens.errors import ForeignOriginError, InputError
from notebook_tokens.redact import PAT_PATTERN, Token

__all__ = ["METHODS", "RestRequest", "check_origin", "parse_request", "substitute"]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
# For these a JSON object body becomes query parameters, as the Databricks CLI does.
_QUERY_BODY_METHODS = frozenset({"GET", "DELETE", "HEAD"})
_PARAM_ITEM = re.compile(r"([^=:\s]+)==(.*)", re.DOTALL)
_HEADER_ITEM = re.compile(r"([A-Za-z0-9!#$%&'*+.^_`|~-]+):(.*)", re.DOTALL)
_VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)")
_METHOD_WORD = re.compile(r"[A-Za-z]+")


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
    method, rest = _split_method(words)
    path, params = _split_path(rest[0], host)
    headers: dict[str, str] = {}
    for item in rest[1:]:
        _add_item(item, params, headers)
    parsed = _parse_body(body, namespace or {}, read_file)
    if parsed is not None and method in _QUERY_BODY_METHODS:
        params.extend(_body_to_params(method, parsed))
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
    if PAT_PATTERN.search(word):
        raise InputError("the path holds a token value: tokens come from a store, never from cell text")
    parts = urlsplit(word)
    params = parse_qsl(parts.query, keep_blank_values=True)
    if parts.scheme:
        return f"{parts.scheme}://{parts.netloc}{parts.path}", params
    return parts.path, params


def check_origin(url: str, host: str) -> str:
    """The path part of `url` when it is on `host`'s origin; `ForeignOriginError` otherwise."""
    target, workspace = urlsplit(url), urlsplit(host)
    if _origin(target.scheme, target.netloc) != _origin(workspace.scheme, workspace.netloc):
        raise ForeignOriginError(
            f"{target.scheme}://{target.netloc} is not this workspace "
            f"({workspace.scheme}://{workspace.netloc}): "
            "%dbrest sends the token only to the workspace. Use a path such as /api/2.0/clusters/list, "
            "or --host to call another workspace."
        )
    return (target.path or "/") + (f"?{target.query}" if target.query else "")


def _origin(scheme: str, netloc: str) -> tuple[str, str]:
    scheme, netloc = scheme.lower(), netloc.lower().rsplit("@", 1)[-1]
    default = {"http": ":80", "https": ":443"}.get(scheme)
    if default and netloc.endswith(default):
        netloc = netloc[: -len(default)]
    return scheme, netloc


def _add_item(item: str, params: list[tuple[str, str]], headers: dict[str, str]) -> None:
    if PAT_PATTERN.search(item):
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
    headers[name] = value


def _parse_body(
    body: str | None, namespace: Mapping[str, Any], read_file: Callable[[str], str] | None
) -> Any:
    if body is None or not body.strip():
        return None
    stripped = body.strip()
    if stripped.startswith("@") and "\n" not in stripped:
        location = stripped[1:].strip()
        try:
            text = (read_file or _read_text)(location)
        except OSError as exc:
            raise InputError(f"cannot read the body file {location!r}: {exc.strerror or exc}") from None
        return _load_json(text, f"the body file {location}")
    return _load_json(substitute(body, namespace), "the body")


def _read_text(location: str) -> str:
    return Path(location).expanduser().read_text(encoding="utf-8")


def _load_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        line = text.splitlines()[exc.lineno - 1] if text.splitlines() else ""
        pointer = f"\n    {line}\n    {' ' * (exc.colno - 1)}^" if len(line) <= 200 else ""
        raise InputError(
            f"{what} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}{pointer}"
        ) from None


def substitute(text: str, namespace: Mapping[str, Any]) -> str:
    """Replace `$name` / `${name}` with values from `namespace`; `$$` is a literal `$`.

    Inside a JSON string the value's text is inserted JSON-escaped; elsewhere the value is written as
    JSON (so numbers, lists, dicts, true/false/null and quoted strings all work).
    """
    if "$" not in text:
        return text
    out: list[str] = []
    position = 0
    in_string = False
    for match in _VARIABLE.finditer(text):
        in_string = _string_state(text, position, match.start(), in_string)
        out.append(text[position : match.start()])
        position = match.end()
        if match[0] == "$$":
            out.append("$")
            continue
        name = match[1] or match[2]
        if name not in namespace:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            raise InputError(
                f"${name} is not defined (body line {line}, column {column}): "
                "define it in the notebook first, or write $$ for a literal $"
            )
        out.append(_value_text(name, namespace[name], in_string))
    out.append(text[position:])
    return "".join(out)


def _string_state(text: str, start: int, end: int, in_string: bool) -> bool:
    """Whether `text[end]` is inside a JSON string, given the state at `start`."""
    index = start
    while index < end:
        char = text[index]
        if in_string and char == "\\":
            index += 2
            continue
        if char == '"':
            in_string = not in_string
        index += 1
    return in_string


def _value_text(name: str, value: Any, in_string: bool) -> str:
    if isinstance(value, Token):
        raise InputError(
            f"${name} is a Token: a token value is not put into a request body from a notebook "
            "(write it to a store with %dbtoken instead)"
        )
    if in_string:
        return json.dumps(value if isinstance(value, str) else str(value))[1:-1]
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        raise InputError(
            f"${name} is a {type(value).__name__}, which has no JSON form: put it inside quotes "
            f'("${name}") to insert its text, or convert it first'
        ) from None


def _body_to_params(method: str, body: Any) -> list[tuple[str, str]]:
    if not isinstance(body, dict):
        raise InputError(f"a {method} body must be a JSON object: its keys become query parameters")
    params: list[tuple[str, str]] = []
    for key, value in body.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            params.append((key, _param_text(item)))
    return params


def _param_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value)
