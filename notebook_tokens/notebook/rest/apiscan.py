"""Read the workspace REST API out of databricks-sdk's service modules, without importing the SDK.

`import databricks.sdk` costs about a second (FACTS.md); parsing the service files with `ast` costs less
and happens once per SDK version (`apicache` keeps the result). Every generated API method has the shape

    def list(self, *, page_size: Optional[int] = None, ...) -> Iterator[ClusterDetails]:
        \"\"\"Return information about all pinned and active clusters, ...\"\"\"
        query = {}
        if page_size is not None:
            query["page_size"] = page_size
        json = self._api.do("GET", "/api/2.1/clusters/list", query=query, headers=headers)

with f-strings such as f"/api/2.1/clusters/{cluster_id}" for path parameters. Account-level methods
(paths built from `self._api.account_id`) are left out: they are not served by a workspace.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from notebook_tokens.core.apiindex import Endpoint

__all__ = ["LEGACY_VERSIONS", "scan_files", "scan_source"]

_SUMMARY_CHARS = 160
_TOP_LEVEL = re.compile(r"^(?:class |def |@|[A-Za-z_])", re.MULTILINE)
# API versions the workspace serves side by side, whichever one the installed SDK calls (current SDKs call
# 2.1, databricks-sdk 0.1.6-0.20 on DBR 14.3/15.4 call 2.0). FACTS.md ("Clusters"): /api/2.0/clusters/list
# returns everything while 2.1 pages with page_size / page_token, and the emulator serves both.
LEGACY_VERSIONS = {"/api/2.1/clusters/": "/api/2.0/clusters/", "/api/2.0/clusters/": "/api/2.1/clusters/"}
KNOWN_QUERY = {("GET", "/api/2.1/clusters/list"): ("page_size", "page_token")}


def scan_files(paths: Iterable[Path]) -> list[Endpoint]:
    """The endpoints of every service module in `paths`, merged per (method, template), legacy aliases
    added; files that do not parse are skipped (a broken install should not break %dbrest)."""
    merged: dict[tuple[str, str], Endpoint] = {}
    for path in sorted(paths):
        try:
            found = scan_source(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for endpoint in found:
            key = (endpoint.method, endpoint.template)
            merged[key] = _merge(merged[key], endpoint) if key in merged else endpoint
    for (method, template), endpoint in list(merged.items()):
        for current, legacy in LEGACY_VERSIONS.items():
            if template.startswith(current):
                old = legacy + template[len(current) :]
                merged.setdefault((method, old), Endpoint(method, old, *_rest(endpoint)))
    for key, query in KNOWN_QUERY.items():
        if key in merged:
            merged[key] = _merge(merged[key], Endpoint(key[0], key[1], query, (), ""))
    return sorted(merged.values(), key=lambda e: (e.template, e.method))


def _rest(endpoint: Endpoint) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    return endpoint.query, endpoint.body, endpoint.summary


def _merge(first: Endpoint, second: Endpoint) -> Endpoint:
    query = tuple(dict.fromkeys(first.query + second.query))
    body = tuple(dict.fromkeys(first.body + second.body))
    return Endpoint(first.method, first.template, query, body, first.summary or second.summary)


def scan_source(source: str) -> list[Endpoint]:
    """The endpoints called by the API classes defined in one module's source."""
    found: list[Endpoint] = []
    for chunk in _api_classes(source):
        try:
            tree = ast.parse(chunk)
        except SyntaxError:  # a string with an unindented line cut the class short: skip that class
            continue
        for cls in tree.body:
            for function in cls.body if isinstance(cls, ast.ClassDef) else ():
                if isinstance(function, ast.FunctionDef):
                    found.extend(_endpoints_of(function))
    return found


def _api_classes(source: str) -> Iterator[str]:
    """The source of each top-level class that calls `self._api.do`. Most of a service module is
    dataclasses; parsing only the API classes halves the time of a first build."""
    starts = [match.start() for match in _TOP_LEVEL.finditer(source)] + [len(source)]
    for start, end in itertools.pairwise(starts):
        chunk = source[start:end]
        if chunk.startswith("class ") and "self._api.do(" in chunk:
            yield chunk


def _endpoints_of(function: ast.FunctionDef) -> Iterator[Endpoint]:
    calls = [node for node in ast.walk(function) if _is_api_do(node)]
    if not calls:
        return
    query = tuple(_keys_set(function, "query"))
    body = tuple(_keys_set(function, "body"))
    summary = _summary(ast.get_docstring(function) or "")
    for call in calls:
        assert isinstance(call, ast.Call)
        method, template = _method(call), _template(call.args[1]) if len(call.args) > 1 else None
        if method is not None and template is not None:
            yield Endpoint(method, template, query, body, summary)


def _is_api_do(node: ast.AST) -> bool:
    """`self._api.do(...)`."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute) or node.func.attr != "do":
        return False
    owner = node.func.value
    return isinstance(owner, ast.Attribute) and owner.attr == "_api"


def _method(call: ast.Call) -> str | None:
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value.upper()
    return None


def _template(node: ast.expr) -> str | None:
    """ "/api/2.0/x" or f"/api/2.0/x/{cluster_id}" -> the template; None for account paths or other forms."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if node.value.startswith("/") else None
    if not isinstance(node, ast.JoinedStr):
        return None
    parts: list[str] = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(value.value)
        elif isinstance(value, ast.FormattedValue):
            name = _placeholder(value.value)
            if name is None:
                return None
            parts.append("{" + name + "}")
        else:
            return None
    template = "".join(parts)
    return template if template.startswith("/") else None


def _placeholder(expression: ast.expr) -> str | None:
    if isinstance(expression, ast.Name):
        return expression.id
    if isinstance(expression, ast.Attribute):
        if expression.attr == "account_id":  # self._api.account_id: an account-level API
            return None
        return expression.attr
    return "value"


def _keys_set(function: ast.FunctionDef, name: str) -> Iterator[str]:
    """The keys of `name["key"] = ...` assignments: the query or body field names the method sends."""
    seen: set[str] = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id == name
                and isinstance(target.slice, ast.Constant)
                and isinstance(target.slice.value, str)
                and target.slice.value not in seen
            ):
                seen.add(target.slice.value)
                yield target.slice.value


def _summary(docstring: str) -> str:
    """The first sentence of the docstring's first paragraph, on one line."""
    paragraph = " ".join(docstring.strip().split("\n\n", 1)[0].split())
    sentence = paragraph.split(". ", 1)[0].rstrip(".")
    if len(sentence) > _SUMMARY_CHARS:
        sentence = sentence[: _SUMMARY_CHARS - 1].rstrip() + "…"
    return sentence + "." if sentence and not sentence.endswith("…") else sentence
