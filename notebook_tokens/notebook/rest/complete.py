"""Tab completion in `%dbrest` / `%%dbrest` lines: METHOD, PATH segments, `{id}` templates, `name==`.

An IPython Matcher API v2 matcher in `shell.Completer.custom_matchers`, so every front end that asks the
kernel to complete (JupyterLab, Notebook, VS Code, the terminal) gets it. It answers only on a `%dbrest`
line and then suppresses the other matchers (file names are no help for `/api/...`). The index is built on
the first completion (about a second, once per SDK version; `apicache`), never on `%load_ext`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from notebook_tokens.notebook.rest.line import METHODS

if TYPE_CHECKING:
    from notebook_tokens.core.apiindex import ApiIndex

__all__ = ["Completing", "complete_words", "install", "uninstall"]

_MAGIC = re.compile(r"(?:^|[=;]\s*)(%%?)dbrest\s")
# the %dbrest options that take a value: the word after them is not a request word
_VALUED = frozenset(
    {"-o", "--out", "--max-pages", "-e", "--extract", "--timeout", "--store", "--profile", "--host", "--as"}
)
_IDENTIFIER = "notebook_tokens.dbrest"


@dataclass(frozen=True)
class Completing:
    """What the cursor is on: the word typed so far, and the method and path already given."""

    word: str
    method: str | None
    path: str | None
    given: frozenset[str] = frozenset()  # query names already on the line


def read_line(before_cursor: str, first_line: bool) -> Completing | None:
    """The completion context of a `%dbrest` line up to the cursor; None on any other line."""
    # the last one: `a = %dbrest ...` has the magic after an assignment
    found = next(reversed(list(_MAGIC.finditer(before_cursor))), None)
    if found is None or (found[1] == "%%" and not first_line):
        return None
    words = before_cursor[found.end() :].split(" ")
    method = path = None
    given: set[str] = set()
    skip = False
    for word in words[:-1]:
        if skip or not word:
            skip = False
            continue
        if word in _VALUED:
            skip = True
        elif word.upper() in METHODS and method is None and path is None:
            method = word.upper()
        elif word.startswith("/") and path is None:
            path = word.split("?", 1)[0]
        elif "==" in word:
            given.add(word.split("==", 1)[0])
    if skip:  # the cursor is on an option's value
        return None
    return Completing(words[-1], method, path, frozenset(given))


def complete_words(index: ApiIndex, at: Completing) -> list[tuple[str, str]]:
    """(completion, type) pairs for `at`: methods, paths, or query names of the endpoint."""
    word = at.word
    if word.startswith("-"):
        return []
    if at.path is None:
        if word.startswith("/"):
            # with no path for the method, all paths: the method may be the typo, and %dbrest says so
            paths = index.complete_path(word, at.method) or index.complete_path(word)
            return [(p, "path") for p in paths]
        if at.method is None:
            methods = [(m, "method") for m in METHODS if m.startswith(word.upper())]
            return methods + ([("/api/", "path")] if not word else [])
        return [("/api/", "path")] if not word else []
    endpoint = index.endpoint(at.method or "GET", at.path)
    names = endpoint.query if endpoint is not None else ()
    return [(f"{n}==", "param") for n in names if n.startswith(word) and n not in at.given]


def _matcher(context: Any) -> dict[str, Any]:
    from IPython.core.completer import SimpleCompletion

    at = read_line(context.text_until_cursor, context.cursor_line == 0)
    if at is None:
        return {"completions": []}
    from notebook_tokens.notebook.rest import apicache

    offered = complete_words(apicache.index(), at)
    return {
        "completions": [SimpleCompletion(text, type=kind) for text, kind in offered],
        "matched_fragment": at.word,
        "suppress": bool(offered),
        "ordered": True,
    }


_matcher.matcher_api_version = 2  # type: ignore[attr-defined]  # IPython's Matcher API v2 marker
_matcher.matcher_identifier = _IDENTIFIER  # type: ignore[attr-defined]
_matcher.matcher_priority = 1  # type: ignore[attr-defined]  # before the file and magic matchers


def install(shell: Any) -> None:
    completer = getattr(shell, "Completer", None)
    if completer is not None and _matcher not in completer.custom_matchers:
        completer.custom_matchers.append(_matcher)


def uninstall(shell: Any) -> None:
    completer = getattr(shell, "Completer", None)
    if completer is not None and _matcher in completer.custom_matchers:
        completer.custom_matchers.remove(_matcher)
