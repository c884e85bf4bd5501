"""/api/2.0/secrets/*: Databricks-backed scopes with ACLs, 128 KB values, 1000 secrets per scope."""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING, Any

from notebook_tokens.testing.model import Scope, User
from notebook_tokens.testing.replies import (
    ApiProblem,
    bad_request,
    not_found,
    opt_str,
    parse_body,
    permission_denied,
    query_required,
    req_str,
)

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.workspace import FakeWorkspace

MAX_VALUE_BYTES = 128 * 1024
MAX_SECRETS_PER_SCOPE = 1000
# The platform's rule, kept here apart from the library's copy (the emulator imports no library code).
# Secrets API reference: secrets/scopes/create "The scope name must consist of alphanumeric characters,
# dashes, underscores, and periods, and may not exceed 128 characters"; secrets/put "The secret key must
# consist of alphanumeric characters, dashes, underscores, and periods, and cannot exceed 128 characters"
# and "Throws INVALID_PARAMETER_VALUE if the key name ... is invalid" (400). The "Secret scopes" user
# guide also allows "@" in scope names; the emulator models the stricter API rule.
_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,128}")
RANK = {"READ": 1, "WRITE": 2, "MANAGE": 3}


def _check_name(kind: str, name: str) -> str:
    if not _NAME.fullmatch(name):  # re.match with $ would let a trailing newline through
        raise bad_request(
            f"{kind} name '{name}' is invalid: it must be at most 128 characters of letters, digits, "
            "dashes, underscores and periods."
        )
    return name


def scope_named(ws: FakeWorkspace, name: str) -> Scope:
    scope = ws.scopes.get(name)
    if scope is None:
        raise not_found(f"Scope {name} does not exist!")
    return scope


def require_level(user: User, scope: Scope, level: str) -> None:
    """Admins MANAGE every scope; others need an ACL for themselves or the "users" group."""
    if user.admin:
        return
    granted = max(RANK.get(scope.acls.get(p, ""), 0) for p in (user.user_name, "users"))
    if granted < RANK[level]:
        raise permission_denied(
            f"User {user.user_name} does not have {level} permission on scope {scope.name}."
        )


def create_scope(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    data = parse_body(call.body)
    name = _check_name("Scope", req_str(data, "scope"))
    principal = opt_str(data, "initial_manage_principal")
    if principal not in (None, "users"):
        raise bad_request("initial_manage_principal must be 'users' or omitted for Databricks-backed scopes.")
    if name in ws.scopes:
        raise ApiProblem(400, "RESOURCE_ALREADY_EXISTS", f"Scope {name} already exists!")
    acls = {call.user.user_name: "MANAGE"}
    if principal == "users":
        acls["users"] = "MANAGE"
    ws.scopes[name] = Scope(name, acls)
    ws.changed()
    return {}


def list_scopes(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    scopes = [
        {"name": s.name, "backend_type": "DATABRICKS"}
        for s in sorted(ws.scopes.values(), key=lambda s: s.name)
    ]
    return {"scopes": scopes} if scopes else {}


def delete_scope(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    scope = scope_named(ws, req_str(parse_body(call.body), "scope"))
    require_level(call.user, scope, "MANAGE")
    del ws.scopes[scope.name]
    ws.changed()
    return {}


def _value(data: dict[str, Any]) -> bytes:
    text, encoded = opt_str(data, "string_value"), opt_str(data, "bytes_value")
    if (text is None) == (encoded is None):
        raise bad_request("Exactly one of string_value and bytes_value must be given.")
    if text is not None:
        return text.encode()
    try:
        return base64.b64decode(encoded or "", validate=True)
    except binascii.Error:
        raise bad_request("bytes_value must be base64-encoded.") from None


def put(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    data = parse_body(call.body)
    scope = scope_named(ws, req_str(data, "scope"))
    key = _check_name("Secret key", req_str(data, "key"))
    value = _value(data)
    require_level(call.user, scope, "WRITE")
    if len(value) > MAX_VALUE_BYTES:
        raise bad_request(
            f"Secret value is {len(value)} bytes; the maximum is {MAX_VALUE_BYTES} bytes (128 KB)."
        )
    if key not in scope.secrets and len(scope.secrets) >= MAX_SECRETS_PER_SCOPE:
        raise ApiProblem(
            400,
            "RESOURCE_LIMIT_EXCEEDED",
            f"Scope {scope.name} already holds {MAX_SECRETS_PER_SCOPE} secrets.",
        )
    scope.secrets[key] = (value, ws.now_ms())
    ws.changed()
    return {}


def list_secrets(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    scope = scope_named(ws, query_required(call.query, "scope"))
    require_level(call.user, scope, "READ")
    items = [{"key": k, "last_updated_timestamp": ts} for k, (_, ts) in sorted(scope.secrets.items())]
    return {"secrets": items} if items else {}


def get_secret(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    scope = scope_named(ws, query_required(call.query, "scope"))
    key = query_required(call.query, "key")
    require_level(call.user, scope, "READ")
    entry = scope.secrets.get(key)
    if entry is None:
        raise not_found(f"Failed to get secret {key} for scope {scope.name}.")
    return {"key": key, "value": base64.b64encode(entry[0]).decode()}


def delete_secret(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    data = parse_body(call.body)
    scope = scope_named(ws, req_str(data, "scope"))
    key = req_str(data, "key")
    require_level(call.user, scope, "WRITE")
    if key not in scope.secrets:
        raise not_found(f"Secret {key} does not exist in scope {scope.name}.")
    del scope.secrets[key]
    ws.changed()
    return {}


ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "/api/2.0/secrets/scopes/create"): create_scope,
    ("GET", "/api/2.0/secrets/scopes/list"): list_scopes,
    ("POST", "/api/2.0/secrets/scopes/delete"): delete_scope,
    ("POST", "/api/2.0/secrets/put"): put,
    ("GET", "/api/2.0/secrets/list"): list_secrets,
    ("GET", "/api/2.0/secrets/get"): get_secret,
    ("POST", "/api/2.0/secrets/delete"): delete_secret,
}
