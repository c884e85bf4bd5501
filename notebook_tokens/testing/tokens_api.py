"""/api/2.0/token/*, /api/2.0/token-management/* and /api/2.0/workspace-conf."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notebook_tokens.testing.calls import WORKSPACE_ID
from notebook_tokens.testing.model import StoredToken, User
from notebook_tokens.testing.replies import (
    ApiProblem,
    Reply,
    bad_request,
    not_found,
    opt_int,
    opt_str,
    parse_body,
    permission_denied,
    query_int,
    query_one,
    query_required,
)

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.workspace import FakeWorkspace

CONF_KEYS = ("enableTokensConfig", "maxTokenLifetimeDays")


def _require_admin(user: User, what: str) -> None:
    if not user.admin:
        raise permission_denied(f"Only Admins can access {what}.")


def _max_lifetime_days(ws: FakeWorkspace) -> int:
    raw = ws.conf.get("maxTokenLifetimeDays", "0") or "0"
    return int(raw)


def _require_token_permission(user: User) -> None:
    if not user.can_use_tokens:
        raise permission_denied("User does not have permission to use tokens.")


def create(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    _require_token_permission(call.user)
    data = parse_body(call.body)
    comment = opt_str(data, "comment") or ""
    lifetime = opt_int(data, "lifetime_seconds")
    if lifetime is not None and lifetime <= 0:
        raise bad_request(
            f"Invalid lifetime_seconds: {lifetime}. The token lifetime must be a positive number."
        )
    if lifetime is not None and ws.now_ms() + lifetime * 1000 >= 2**63:
        raise bad_request(f"Invalid lifetime_seconds: {lifetime}. The expiry time would be out of range.")
    max_days = _max_lifetime_days(ws)
    if max_days > 0:
        if lifetime is None:
            lifetime = max_days * 86_400  # the workspace maximum applies to tokens asked for without one
        elif lifetime > max_days * 86_400:
            raise bad_request(
                f"The lifetime of {lifetime} seconds exceeds the maximum token lifetime of {max_days} days "
                "set by the workspace admin."
            )
    owned = sum(1 for t in ws.tokens.values() if t.owner == call.user.user_name)
    if owned >= ws.token_quota:
        raise bad_request(
            f"Cannot create more than {ws.token_quota} tokens. Revoke unused tokens and try again.",
            "QUOTA_EXCEEDED",
        )
    value, token_id = ws.issue_token(call.user.user_name, comment=comment, lifetime_seconds=lifetime)
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


def _managed_info(ws: FakeWorkspace, token: StoredToken) -> dict[str, Any]:
    """`TokenInfo`: what token-management shows admins."""
    owner = ws.users.get(token.owner)
    info: dict[str, Any] = {
        **token.public_info(),
        "created_by_username": token.owner,
        "workspace_id": _workspace_id(),
    }
    if owner is not None:
        info["created_by_id"] = owner.id
        info["owner_id"] = owner.id
    if token.last_used_day is not None:
        info["last_used_day"] = token.last_used_day
    return info


def _workspace_id() -> int:
    return WORKSPACE_ID


def management_list(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    _require_admin(call.user, "token management permissions")
    by_id = query_int(call.query, "created_by_id")
    by_name = query_one(call.query, "created_by_username")
    infos = []
    for token in ws.tokens.values():
        owner = ws.users.get(token.owner)
        if by_name and token.owner != by_name:
            continue
        if by_id is not None and (owner is None or owner.id != by_id):
            continue
        infos.append(_managed_info(ws, token))
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


def conf_get(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    keys = [k.strip() for k in query_required(call.query, "keys").split(",") if k.strip()]
    unknown = [k for k in keys if k not in CONF_KEYS]
    if unknown:
        raise bad_request(f"Invalid keys: {unknown}")
    return {k: ws.conf.get(k) for k in keys}


def _check_conf_value(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise bad_request(f"Invalid value for {key}: workspace-conf values are strings", "MALFORMED_REQUEST")
    if key == "enableTokensConfig" and value.lower() not in {"true", "false"}:
        raise bad_request(f'Invalid value for {key}: expected "true" or "false"')
    if key == "maxTokenLifetimeDays" and value != "" and (not value.isdigit()):
        raise bad_request(f"Invalid value for {key}: expected a whole number of days (0 = no limit)")
    return value.lower() if key == "enableTokensConfig" else value


def conf_patch(ws: FakeWorkspace, call: Call) -> Reply:
    _require_admin(call.user, "workspace configuration")
    data = parse_body(call.body)
    unknown = [k for k in data if k not in CONF_KEYS]
    if unknown:
        raise bad_request(f"Invalid keys: {unknown}")
    checked = {k: _check_conf_value(k, v) for k, v in data.items()}
    ws.conf.update({k: (v or "0") for k, v in checked.items()})
    ws.changed()
    return Reply(204)


ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "/api/2.0/token/create"): create,
    ("GET", "/api/2.0/token/list"): list_tokens,
    ("POST", "/api/2.0/token/delete"): delete,
    ("GET", "/api/2.0/token-management/tokens"): management_list,
    ("GET", "/api/2.0/workspace-conf"): conf_get,
    ("PATCH", "/api/2.0/workspace-conf"): conf_patch,
}
PREFIXED: dict[tuple[str, str], Handler] = {
    ("GET", "/api/2.0/token-management/tokens/"): management_get,
    ("DELETE", "/api/2.0/token-management/tokens/"): management_delete,
}

__all__ = ["PREFIXED", "ROUTES", "ApiProblem"]
