"""/api/2.0/permissions/authorization/tokens: who may create and use personal access tokens.

Rules from the docs page "Manage personal access token permissions" (docs.databricks.com/security/auth/
api-access-permissions): NO PERMISSIONS users can neither create nor use tokens; CAN USE can; CAN MANAGE
belongs to the `admins` group, cannot be revoked and cannot be granted to anyone else. A user whose CAN USE is
revoked directly has their active tokens deleted. Field names: databricks-sdk service/settings.py
(`TokenPermissions`, `TokenAccessControlResponse`, `TokenPermission`, `GetTokenPermissionLevelsResponse`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notebook_tokens.testing.replies import bad_request, parse_body, permission_denied
from notebook_tokens.testing.scim_api import GROUPS, principal_kind

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.workspace import FakeWorkspace

OBJECT = {"object_id": "authorization/tokens", "object_type": "tokens"}
KINDS = ("user_name", "group_name", "service_principal_name")
Grant = tuple[str, str]  # (kind, principal name)
LEVELS = [
    {"permission_level": "CAN_USE", "description": "Can create and use personal access tokens"},
    {"permission_level": "CAN_MANAGE", "description": "Workspace admins: manage every user's tokens"},
]


def grants(ws: FakeWorkspace) -> dict[Grant, str]:
    """The direct CAN_USE grants. Until an admin sets some, the platform default: the `users` group, unless a
    test made a user token-less through `add_user(can_use_tokens=False)`; then the users who may."""
    if ws.token_grants is not None:
        return dict(ws.token_grants)
    members = [u for u in ws.users.values() if not u.admin]
    if all(u.can_use_tokens for u in members):
        return {("group_name", "users"): "CAN_USE"}
    return {("user_name", u.user_name): "CAN_USE" for u in members if u.can_use_tokens}


def _entry(ws: FakeWorkspace, kind: str, name: str, level: str) -> dict[str, Any]:
    entry: dict[str, Any] = {kind: name, "all_permissions": [{"permission_level": level, "inherited": False}]}
    user = ws.users.get(name) if kind == "user_name" else None
    if user is not None:
        entry["display_name"] = user.display_name
    sp = ws.service_principals.get(name) if kind == "service_principal_name" else None
    if sp is not None:
        entry["display_name"] = sp.get("displayName", name)
    return entry


def _answer(ws: FakeWorkspace) -> dict[str, Any]:
    acl = [_entry(ws, "group_name", "admins", "CAN_MANAGE")]
    acl += [_entry(ws, kind, name, level) for (kind, name), level in sorted(grants(ws).items())]
    return {**OBJECT, "access_control_list": acl}


def _require_manage(ws: FakeWorkspace, call: Call) -> None:
    if not call.user.admin:  # only the admins group holds CAN_MANAGE (docs, see module docstring)
        raise permission_denied(
            f"User {call.user.user_name} does not have permission to manage token permissions."
        )


def _parse(ws: FakeWorkspace, body: bytes) -> dict[Grant, str]:
    acl = parse_body(body).get("access_control_list", [])
    if not isinstance(acl, list):
        raise bad_request("access_control_list must be a list", "MALFORMED_REQUEST")
    parsed: dict[Grant, str] = {}
    for item in acl:
        named = [k for k in KINDS if isinstance(item, dict) and item.get(k)]
        if len(named) != 1:
            raise bad_request("Each access control entry names exactly one of " + ", ".join(KINDS) + ".")
        kind, name, level = named[0], str(item[named[0]]), item.get("permission_level")
        if (kind, name) == ("group_name", "admins") and level == "CAN_MANAGE":
            continue  # the fixed admins entry, as GET shows it: sending it back is allowed
        if level != "CAN_USE":
            raise bad_request(f"Permission {level} is not supported for {kind} {name}: grant CAN_USE only.")
        if principal_kind(ws, name) != kind or (kind == "group_name" and name not in GROUPS):
            raise bad_request(f"Principal: {kind}({name}) does not exist")
        parsed[(kind, name)] = level
    return parsed


def _apply(ws: FakeWorkspace, new: dict[Grant, str]) -> None:
    """Store the grants, derive each user's `can_use_tokens`, and delete the tokens of users who lost a direct
    grant (the docs' warning: direct revocation deletes active tokens; losing a group grant does not)."""
    old = grants(ws)
    ws.token_grants = new
    everyone = ("group_name", "users") in new
    for user in ws.users.values():
        direct = {("user_name", user.user_name), ("service_principal_name", user.user_name)} & set(new)
        user.can_use_tokens = user.admin or everyone or bool(direct)
    for kind, name in set(old) - set(new):
        if kind in ("user_name", "service_principal_name"):
            for token_id in [t.token_id for t in ws.tokens.values() if t.owner == name]:
                del ws.tokens[token_id]
    ws.changed()


def get(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    _require_manage(ws, call)
    return _answer(ws)


def put(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    """Replace every direct grant (SDK `set_permissions`)."""
    _require_manage(ws, call)
    _apply(ws, _parse(ws, call.body))
    return _answer(ws)


def patch(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    """Add grants to the existing ones (SDK `update_permissions`)."""
    _require_manage(ws, call)
    _apply(ws, {**grants(ws), **_parse(ws, call.body)})
    return _answer(ws)


def permission_levels(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    return {"permission_levels": LEVELS}


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "/api/2.0/permissions/authorization/tokens"): get,
    ("PUT", "/api/2.0/permissions/authorization/tokens"): put,
    ("PATCH", "/api/2.0/permissions/authorization/tokens"): patch,
    ("GET", "/api/2.0/permissions/authorization/tokens/permissionLevels"): permission_levels,
}
