"""Token scopes, the way the platform enforces them: the map from scope to API paths is data
(notebook_tokens/core/scopes.json, from the published "API scopes" list), read here as a file.

The emulator imports no notebook_tokens code outside testing/, so it reads the JSON by path rather than
through the core package: the data lives in core because the extension (the bottom layer upward) will
use the same list to refuse an out-of-scope call before sending it.

Rules (docs "Scoped personal access tokens" and https://docs.databricks.com/api/workspace/scopes):
- a token without scopes keeps access to every API;
- a scope allows the paths listed for it; `<scope>:read` only their GET and HEAD;
- every scope allows SCIM Me (the published list shows "Me (Scim)" under every scope);
- the Token and token-management APIs need `authentication`.
The wording of the platform's refusal was not found in the sources: the status (403 PERMISSION_DENIED)
follows the docs, the message is ours.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from notebook_tokens.testing.replies import ApiProblem, bad_request

__all__ = ["check_request", "inferred_scope", "scope_data", "validate_scopes"]

_DATA = Path(__file__).resolve().parent.parent / "core" / "scopes.json"
_MODIFIERS = frozenset({"read", "restricted-query"})


@cache
def scope_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_DATA.read_text(encoding="utf-8"))
    return data


def _split(scope: str) -> tuple[str, set[str]]:
    name, *modifiers = scope.split(":")
    return name, set(modifiers)


def validate_scopes(scopes: list[str]) -> list[str]:
    """The scopes of a create / PATCH body; 400 INVALID_PARAMETER_VALUE for an unknown name or modifier."""
    # the names scopes.json maps, and those the platform accepts whose APIs the emulator does not serve
    # (accepted on create, they grant none of its APIs)
    known = set(scope_data()["scopes"]) | set(scope_data()["other_published"]["names"])
    for scope in scopes:
        name, modifiers = _split(scope)
        if name not in known or not modifiers <= _MODIFIERS:
            raise bad_request(f"Invalid scope: {scope!r}")
        if "restricted-query" in modifiers and name != "sql":
            raise bad_request(f"Invalid scope: {scope!r} (restricted-query applies to sql only)")
    return list(dict.fromkeys(scopes))


def _matches(path: str, prefixes: list[str]) -> bool:
    """`path` is a listed path or below one ("/api/2.0/token/" covers /api/2.0/token/list)."""
    return any(path == p.rstrip("/") or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def inferred_scope(path: str) -> str | None:
    """The scope whose paths include `path` (what autoscope records), None when no mapped scope does."""
    for name, entry in scope_data()["scopes"].items():
        if _matches(path, entry["paths"]):
            return str(name)
    return None


def check_request(scopes: list[str] | None, method: str, path: str) -> None:
    """Refuse (403) a request outside the token's scopes; no scopes means every API."""
    if not scopes:
        return
    data = scope_data()
    if _matches(path, data["every_scope_allows"]):
        return
    for scope in scopes:
        name, modifiers = _split(scope)
        entry = data["scopes"].get(name)
        if entry is None or not _matches(path, entry["paths"]):
            continue
        if "read" in modifiers and method not in data["read_methods"]:
            continue
        return
    needed = inferred_scope(path)
    wanted = f"{needed}" if needed else "a scope that covers this API"
    if needed and method not in data["read_methods"]:
        wanted += f" (not {needed}:read: {method} is not a read)"
    raise ApiProblem(
        403, "PERMISSION_DENIED",
        f"This token's scopes ({', '.join(scopes)}) do not allow {method} {path}: it needs {wanted}.",
    )
