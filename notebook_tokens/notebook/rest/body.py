"""The body of a `%%dbrest` cell: `$name` substitution, JSON validation with positions, `@file` bodies.

Pure: imports neither IPython, ipywidgets, requests nor os.environ (an `@file` is read with pathlib, or
with the `read_file` the caller passes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from notebook_tokens.core.errors import InputError
from notebook_tokens.core.redact import Token

__all__ = ["body_to_params", "parse_body", "substitute"]

_VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)")


def parse_body(
    body: str | None, namespace: Mapping[str, Any], read_file: Callable[[str], str] | None = None
) -> Any:
    """The parsed JSON body, or None for a blank one; `@path` reads a file, taken verbatim."""
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
        raise InputError(_json_problem(text, what, exc)) from None
    except RecursionError:  # [[[[... nested deeper than the interpreter's stack
        raise InputError(f"{what} is nested too deeply to read: flatten it") from None


def _json_problem(text: str, what: str, exc: json.JSONDecodeError) -> str:
    """Where the JSON broke, with the line and a pointer; a hint when the text just stopped early."""
    # json counts lines by "\n" only, so split the same way (splitlines also splits at \r, \x0b, ...)
    lines = text.split("\n")
    line = lines[exc.lineno - 1] if exc.lineno <= len(lines) else ""
    pointer = f"\n    {line}\n    {' ' * (exc.colno - 1)}^" if 0 < len(line.strip()) <= 200 else ""
    # some of json's messages end in "at" ("Unterminated string starting at"): do not say "at at"
    reason = exc.msg.removesuffix(" at")
    message = f"{what} is not valid JSON: {reason} at line {exc.lineno}, column {exc.colno}{pointer}"
    if not text[exc.pos :].strip() and exc.pos > 0:
        message += "\nIt ends before the JSON is complete: close every {, [ and \" it opens."
    return message


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


def body_to_params(method: str, body: Any) -> list[tuple[str, str]]:
    """A JSON object's items as query parameters (lists repeat the name; null is left out)."""
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
