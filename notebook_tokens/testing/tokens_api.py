"""/api/2.0/token/* and /api/2.0/token-management/* (workspace-conf is in conf_api.py).

Lifetimes (SDK TokensAPI.create docstring: "If the lifetime is not specified, this token remains valid for
2 years"; docs: maxTokenLifetimeDays 1–730, default 730): no lifetime gives min(2 years, the cap); more
than the cap, 0 or a negative lifetime is refused with 400 INVALID_PARAMETER_VALUE (the error code the
platform uses for a bad field value; the message wording is ours).
Scopes: `scopes` and `autoscope_enabled` on create (SDK CreateTokenRequest), PATCH /api/2.0/token/{id}
with `{token, update_mask}` (SDK TokensAPI.update), enforced in scopes.py.
On-behalf-of tokens: POST /api/2.0/token-management/on-behalf-of/tokens (SDK create_obo_token).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notebook_tokens.testing.auth import principal
from notebook_tokens.testing.calls import WORKSPACE_ID
from notebook_tokens.testing.conf_api import max_lifetime_days
from notebook_tokens.testing.model import StoredToken, User
from notebook_tokens.testing.replies import (
    ApiProblem,
    bad_request,
    not_found,
    opt_int,
    opt_str,
    parse_body,
    permission_denied,
    query_int,
    query_one,
    req_str,
)
from notebook_tokens.testing.scopes import validate_scopes

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.workspace import FakeWorkspace

DAY_SECONDS = 86_400
DEFAULT_LIFETIME_SECONDS = 730 * DAY_SECONDS  # "2 years" (SDK TokensAPI.create)


def _require_admin(user: User, what: str) -> None:
    if not user.admin:
        raise permission_denied(f"Only Admins can access {what}.")


def _require_token_permission(user: User) -> None:
    if not user.can_use_tokens:
        raise permission_denied("User does not have permission to use tokens.")


def _lifetime(ws: FakeWorkspace, data: dict[str, Any]) -> int:
    """The new token's lifetime in seconds, by the platform's rules (module docstring)."""
    lifetime = opt_int(data, "lifetime_seconds")
    cap_days = max_lifetime_days(ws)
    if lifetime is None:
        return min(DEFAULT_LIFETIME_SECONDS, cap_days * DAY_SECONDS)
    if lifetime <= 0:
        raise bad_request(
            f"Invalid lifetime_seconds: {lifetime}. The token lifetime must be a positive number."
        )
    if lifetime > cap_days * DAY_SECONDS:
        raise bad_request(
            f"The lifetime of {lifetime} seconds exceeds the maximum token lifetime of {cap_days} days "
            "set by the workspace admin."
        )
    return lifetime


def _scopes(data: dict[str, Any]) -> tuple[list[str], bool]:
    scopes = data.get("scopes")
    if scopes is not None and (not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes)):
        raise bad_request("Could not parse request object: Expected a list of strings for field 'scopes'",
                          "MALFORMED_REQUEST")
    autoscope = data.get("autoscope_enabled")
    if autoscope is not None and not isinstance(autoscope, bool):
        raise bad_request("Could not parse request object: Expected a boolean for field 'autoscope_enabled'",
                          "MALFORMED_REQUEST")
    return validate_scopes(scopes or []), bool(autoscope)


def _autoscope_state(scopes: list[str], autoscope: bool) -> str | None:
    # iam.AutoscopeState; left out (None) for a plain token, as the SDK's as_dict leaves unset fields out
    if autoscope:
        return "AUTOSCOPE_STATE_RUNNING"
    return "AUTOSCOPE_STATE_USER_SELECTED" if scopes else None


def _new_token(
    ws: FakeWorkspace, owner: str, data: dict[str, Any], created_by: str | None
) -> tuple[str, str]:
    comment = opt_str(data, "comment") or ""
    lifetime = _lifetime(ws, data)
    scopes, autoscope = _scopes(data)
    owned = sum(1 for t in ws.tokens.values() if t.owner == owner)
    if owned >= ws.token_quota:
        raise bad_request(
            f"Cannot create more than {ws.token_quota} tokens. Revoke unused tokens and try again.",
            "QUOTA_EXCEEDED",
        )
    value, token_id = ws.issue_token(owner, comment=comment, lifetime_seconds=lifetime)
    token = ws.tokens[token_id]
    token.scopes, token.autoscope_state = scopes, _autoscope_state(scopes, autoscope)
    token.created_by = created_by
    return value, token_id


def create(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    _require_token_permission(call.user)
    value, token_id = _new_token(ws, call.user.user_name, parse_body(call.body), None)
    return {"token_value": value, "token_info": ws.tokens[token_id].public_info()}


def list_tokens(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    _require_token_permission(call.user)
    mine = [t for t in ws.tokens.values() if t.owner == call.user.user_name]
    return {"token_infos": [t.public_info() for t in mine]}


def delete(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    _require_token_permission(call.user)
    data = parse_body(call.body)
    token_id = opt_str(data, "token_id")
    if not token_id:
        raise bad_request("Missing required field: token_id")
    token = ws.tokens.get(token_id)
    if token is None or token.owner != call.user.user_name:
        raise not_found(f"Token with ID {token_id} does not exist.")
    del ws.tokens[token_id]
    ws.changed()
    return {}


_UPDATABLE = ("comment", "scopes")


def update(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    """PATCH /api/2.0/token/{token_id} `{token: {comment?, scopes?}, update_mask: "comment,scopes"}`."""
    _require_token_permission(call.user)
    data = parse_body(call.body)
    token = ws.tokens.get(call.params["id"])
    if token is None or token.owner != call.user.user_name:  # SDK docstring: NOT_FOUND for an invalid id
        raise ApiProblem(404, "NOT_FOUND", f"Token with ID {call.params['id']} does not exist.")
    fields = data.get("token")
    if not isinstance(fields, dict):
        raise bad_request("Missing required field: token")
    mask = req_str(data, "update_mask")
    paths = list(_UPDATABLE) if mask.strip() == "*" else [p.strip() for p in mask.split(",")]
    unknown = [p for p in paths if p not in _UPDATABLE]
    if unknown:
        raise bad_request(f"Invalid update_mask: {', '.join(unknown)} cannot be updated (comment, scopes)")
    if "comment" in paths:
        token.comment = opt_str(fields, "comment") or ""
    if "scopes" in paths:
        scopes, _ = _scopes({"scopes": fields.get("scopes")})
        token.scopes = scopes
        running = token.autoscope_state == "AUTOSCOPE_STATE_RUNNING"
        token.autoscope_state = _autoscope_state(scopes, running and not scopes)
    ws.changed()
    return {}


def _managed_info(ws: FakeWorkspace, token: StoredToken) -> dict[str, Any]:
    """`TokenInfo`: what token-management shows admins."""
    owner = principal(ws, token)
    creator = ws.users.get(token.created_by or token.owner) or owner
    info: dict[str, Any] = {
        **token.public_info(),
        "created_by_username": creator.user_name if creator else token.owner,
        "workspace_id": WORKSPACE_ID,
    }
    if creator is not None:
        info["created_by_id"] = creator.id
    if owner is not None:
        info["owner_id"] = owner.id
    if token.last_used_day is not None:
        info["last_used_day"] = token.last_used_day
    return info


def management_list(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    _require_admin(call.user, "token management permissions")
    by_id = query_int(call.query, "created_by_id")
    by_name = query_one(call.query, "created_by_username")
    infos = []
    for token in ws.tokens.values():
        info = _managed_info(ws, token)
        if by_name and info["created_by_username"] != by_name:
            continue
        if by_id is not None and info.get("created_by_id") != by_id:
            continue
        infos.append(info)
    return {"token_infos": infos}


def _managed_token(ws: FakeWorkspace, call: Call) -> StoredToken:
    _require_admin(call.user, "token management permissions")
    token = ws.tokens.get(call.params["id"])
    if token is None:
        raise not_found(f"Token with ID {call.params['id']} does not exist.")
    return token


def management_get(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    return {"token_info": _managed_info(ws, _managed_token(ws, call))}


def management_delete(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    token = _managed_token(ws, call)
    del ws.tokens[token.token_id]
    ws.changed()
    return {}


def create_obo(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    """An admin makes a token for a service principal `{application_id, lifetime_seconds?, comment?,
    scopes?}`; the answer is `{token_value, token_info: TokenInfo}` (SDK CreateOboTokenResponse)."""
    _require_admin(call.user, "token management permissions")
    data = parse_body(call.body)
    application_id = req_str(data, "application_id")
    if application_id not in ws.service_principals:
        raise not_found(f"Service principal with application ID {application_id} does not exist.")
    value, token_id = _new_token(ws, application_id, data, call.user.user_name)
    return {"token_value": value, "token_info": _managed_info(ws, ws.tokens[token_id])}


ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "/api/2.0/token/create"): create,
    ("GET", "/api/2.0/token/list"): list_tokens,
    ("POST", "/api/2.0/token/delete"): delete,
    ("GET", "/api/2.0/token-management/tokens"): management_list,
    ("POST", "/api/2.0/token-management/on-behalf-of/tokens"): create_obo,
}
PREFIXED: dict[tuple[str, str], Handler] = {
    ("GET", "/api/2.0/token-management/tokens/"): management_get,
    ("DELETE", "/api/2.0/token-management/tokens/"): management_delete,
    ("PATCH", "/api/2.0/token/"): update,
}

__all__ = ["PREFIXED", "ROUTES", "ApiProblem"]
