"""Token scopes as data: which scope an API path needs, the least set for some calls, names checked.

Pure: reads `scopes.json` (shipped in the package, shared with the emulator's testing/scopes.py) through
importlib.resources, once. The rules (docs "Scoped personal access tokens", API scopes page):

    area_for("/api/2.1/clusters/list")             -> "clusters"
    needed_scope("GET", "/api/2.1/clusters/list")   -> "clusters:read"   (GET and HEAD are reads)
    needed_scope("POST", "/api/2.0/clusters/start") -> "clusters"
    needed_scope("GET", "/api/2.0/preview/scim/v2/Me") -> ""             (every scope allows it)
    minimal_scopes([("GET", "/api/2.0/clusters/get")]) -> (["clusters:read"], [])
    check_scopes(["cluster"])                       -> InputError: unknown scope 'cluster'; did you mean …
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from notebook_tokens.core.errors import InputError

__all__ = [
    "ALL_APIS",
    "allows",
    "area_for",
    "check_scopes",
    "describe",
    "known_scopes",
    "minimal_scopes",
    "needed_scope",
    "presets",
    "scope_data",
]

ALL_APIS = "all APIs"  # how an unscoped token is shown: it reaches every API its owner can
_READ = "read"
_RESTRICTED = "restricted-query"


@cache
def scope_data() -> dict[str, Any]:
    """scopes.json, parsed once per process."""
    from importlib import resources  # lazy, as difflib below: %load_ext imports this module

    text = resources.files("notebook_tokens.core").joinpath("scopes.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _matches(path: str, prefixes: Iterable[str]) -> bool:
    """`path` is a listed path or below one ("/api/2.0/token/" covers /api/2.0/token/list)."""
    return any(path == p.rstrip("/") or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def _bare(path: str) -> str:
    return path.split("?", 1)[0].split("#", 1)[0]


def area_for(path: str) -> str | None:
    """The scope whose API paths include `path`; None when no mapped scope does (or every scope allows it)."""
    path = _bare(path)
    for name, entry in scope_data()["scopes"].items():
        if _matches(path, entry["paths"]):
            return str(name)
    return None


def every_scope_allows(path: str) -> bool:
    """SCIM Me and the discovery document: reachable with any scope, so no call to them needs one."""
    return _matches(_bare(path), scope_data()["every_scope_allows"])


def is_read(method: str) -> bool:
    return method.upper() in scope_data()["read_methods"]


def needed_scope(method: str, path: str) -> str | None:
    """The least scope that allows `method path`: "" when any scope does, None when no mapped scope does."""
    if every_scope_allows(path):
        return ""
    area = area_for(path)
    if area is None:
        return None
    return f"{area}:{_READ}" if is_read(method) else area


def minimal_scopes(calls: Iterable[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The least scope set allowing every (method, path): an area seen only with GET/HEAD gets its `:read`
    form. Also the paths no mapped scope covers (a token with the set would be refused them)."""
    writes: dict[str, bool] = {}
    unmapped: list[str] = []
    for method, path in calls:
        needed = needed_scope(method, path)
        if needed is None:
            if path not in unmapped:
                unmapped.append(path)
        elif needed:
            area = needed.split(":", 1)[0]
            writes[area] = writes.get(area, False) or not is_read(method)
    scopes = [area if wrote else f"{area}:{_READ}" for area, wrote in sorted(writes.items())]
    return scopes, unmapped


def allows(scopes: Sequence[str], method: str, path: str) -> bool:
    """Whether a token with `scopes` may make the call (no scopes: every API), as the platform decides."""
    if not scopes or every_scope_allows(path):
        return True
    area = area_for(path)
    for scope in scopes:
        name, *modifiers = scope.split(":")
        if name == area and (_READ not in modifiers or is_read(method)):
            return True
    return False


def _names() -> list[str]:
    data = scope_data()
    return sorted(set(data["scopes"]) | set(data["other_published"]["names"]))


def known_scopes() -> list[str]:
    """Every name a token can be given, as the platform spells them (with :read and the SQL modifiers)."""
    out: list[str] = []
    for name in _names():
        out += [name, f"{name}:{_READ}"]
        if name == "sql":
            out += [f"sql:{_RESTRICTED}", f"sql:{_READ}:{_RESTRICTED}"]
    return out


def check_scopes(raw: Iterable[str]) -> list[str]:
    """The scope names, stripped and deduplicated; InputError (nothing sent) naming the closest names for
    an unknown one."""
    known = set(known_scopes())
    scopes: list[str] = []
    for word in raw:
        scope = word.strip()
        if not scope:
            continue
        if scope not in known:
            import difflib

            close = difflib.get_close_matches(scope, sorted(known), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise InputError(f"unknown scope {scope!r}{hint} Scopes: {', '.join(_names())} "
                             "(add :read for GET/HEAD only)")
        if scope not in scopes:
            scopes.append(scope)
    if not scopes:
        raise InputError("no scope given: name at least one, e.g. --scopes clusters:read")
    return scopes


def presets() -> dict[str, list[str]]:
    """Named scope sets offered when generating ("BI tools": sql), from scopes.json."""
    return {str(k): list(v) for k, v in scope_data().get("presets", {}).items()}


def describe(scopes: Sequence[str] | None) -> str:
    """A token's scopes for a table cell: "all APIs" when it has none."""
    return ", ".join(scopes) if scopes else ALL_APIS
