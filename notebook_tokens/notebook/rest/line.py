"""A `%dbrest` line's words and options: shell-style quoting, `#` comments, and the option checks.

Pure: imports neither IPython, requests nor os.environ, and runs before anything is sent.

A `#` that begins a word, outside quotes, starts a comment to the end of the line, as in a shell:
`%dbrest GET /api/2.0/clusters/list  # every cluster`. A `#` inside a word (`name==a#b`, `/path#x`) is
part of it (shlex's `comments=True` would cut `a#b` to `a`).
"""

from __future__ import annotations

import keyword
import shlex
from typing import Any

from notebook_tokens.core.errors import InputError

__all__ = [
    "METHODS", "check_options", "compile_extract", "doc_target", "parse_words", "split_line", "strip_comment",
]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
_MAX_TIMEOUT = 86400  # a day; inf overflows the socket layer's time_t, nan compares false to everything


def strip_comment(line: str) -> str:
    """`line` up to a `#` that begins a word outside quotes (a backslash escapes, as shlex reads it)."""
    if "#" not in line:
        return line
    quote = ""
    escaped = False
    for at, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (at == 0 or line[at - 1].isspace()):
            return line[:at]
    return line


def split_line(line: str) -> list[str]:
    """The line's words, comment removed; an InputError names unbalanced quotes."""
    line = strip_comment(line)
    if not any(char in line for char in "'\"\\"):
        return line.split()  # what shlex.split gives for a line without quotes or escapes, 3x faster
    try:
        return shlex.split(line)
    except ValueError as exc:
        raise InputError(f"cannot split the %dbrest line ({exc}): check its quotes") from None


def doc_target(words: list[str]) -> tuple[str | None, str]:
    method = words[0].upper() if words and words[0].upper() in METHODS else None
    rest = words[1:] if method else words
    if len(rest) != 1 or not rest[0].startswith("/"):
        raise InputError("--doc takes [METHOD] PATH, e.g. %dbrest --doc /api/2.1/clusters/list")
    return method, rest[0]


def parse_words(parser: Any, words: list[str]) -> Any:
    # parse_known_args is several times cheaper; the intermixed parse is needed only when an option sits
    # between the request words (GET -q /api/...), and it also reports unknown options.
    args, extras = parser.parse_known_args(words)
    return parser.parse_intermixed_args(words) if extras else args


def check_options(args: Any) -> None:
    if args.out is not None and (not args.out.isidentifier() or keyword.iskeyword(args.out)):
        raise InputError(f"-o {args.out!r} is not a variable name: use letters, digits and _")
    if args.max_pages is not None and args.max_pages < 1:
        raise InputError(f"--max-pages {args.max_pages}: give at least 1 page")
    if args.timeout is not None and not 0 < args.timeout <= _MAX_TIMEOUT:  # nan and inf fail this too
        raise InputError(
            f"--timeout {args.timeout:g}: give a number of seconds above 0, at most {_MAX_TIMEOUT}"
        )


def compile_extract(expression: str | None) -> Any:
    if expression is None:
        return None
    import jmespath  # lazy: only -e needs it
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.compile(expression)
    except JMESPathError as exc:
        raise InputError(f"-e {expression!r} is not a valid JMESPath expression: {exc}") from None
