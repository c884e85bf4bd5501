"""/api/2.0/preview/scim/v2/{Users,Groups}: list (filter, startIndex, count), get, create, delete, PATCH.

Field names: databricks-sdk service/iam.py (`User`, `Group`, `ListUsersResponse`, `Patch`); list paging and
errors: RFC 7644 (§3.4.2 ListResponse, 1-based `startIndex`, §3.12 error shape). A user looks exactly as
`/scim/v2/Me` shows them (clusters_api.me); the groups are the two every workspace has, `admins` and `users`.
Service principals live in scim_principals_api.py; both share the listing and PATCH helpers here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notebook_tokens.testing.model import User
from notebook_tokens.testing.replies import Reply, parse_body, query_int, query_one
from notebook_tokens.testing.scim_filter import Resource, ScimProblem, parse_filter

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.workspace import FakeWorkspace

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
GROUPS = {"admins": "101", "users": "100"}  # the ids /scim/v2/Me uses
DEFAULT_ENTITLEMENTS = [{"value": "workspace-access"}, {"value": "allow-cluster-create"}]
MAX_COUNT = 10_000  # the SDK asks for 10000 per page when no count is given
_USER_ATTRS = {"id", "username", "displayname", "active", "emails", "externalid", "groups", "entitlements"}
_GROUP_ATTRS = {"id", "displayname", "members"}


def principal_kind(ws: FakeWorkspace, name: str) -> str | None:
    """What `name` is, in the Permissions API's words: user_name, group_name, service_principal_name."""
    if name in GROUPS:
        return "group_name"
    if name in ws.service_principals:
        return "service_principal_name"
    if name in ws.users:
        return "user_name"
    return None


def require_admin(call: Call) -> None:
    if not call.user.admin:
        raise ScimProblem(403, "Only workspace admins can change users, groups and service principals.")


def group_ref(name: str) -> dict[str, str]:
    return {"display": name, "value": GROUPS[name], "type": "direct", "$ref": f"Groups/{GROUPS[name]}"}


def scim_user(ws: FakeWorkspace, user: User) -> Resource:
    extras = ws.scim_extras.get(user.user_name, {})
    groups = [group_ref("admins"), group_ref("users")] if user.admin else [group_ref("users")]
    return {
        "schemas": [USER_SCHEMA],
        "id": str(user.id),
        "userName": user.user_name,
        "displayName": extras.get("displayName", user.display_name),
        "active": True,
        "emails": [{"value": user.user_name, "type": "work", "primary": True}],
        "name": {"givenName": extras.get("displayName", user.display_name)},
        "groups": groups,
        "entitlements": extras.get("entitlements", DEFAULT_ENTITLEMENTS),
    }


def list_response(call: Call, resources: list[Resource], known: set[str]) -> dict[str, Any]:
    """Filter, then page: `startIndex` is 1-based; an empty page carries no `Resources` (as the platform)."""
    matches = [r for r in resources if parse_filter(query_one(call.query, "filter"), known)(r)]
    start = max(query_int(call.query, "startIndex") or 1, 1)
    count = query_int(call.query, "count")
    count = MAX_COUNT if count is None else max(0, min(count, MAX_COUNT))
    page = matches[start - 1 : start - 1 + count]
    answer: dict[str, Any] = {
        "schemas": [LIST_SCHEMA],
        "totalResults": len(matches),
        "startIndex": start,
        "itemsPerPage": len(page),
    }
    if page:
        answer["Resources"] = [_project(call, r) for r in page]
    return answer


def _project(call: Call, resource: Resource) -> Resource:
    """`attributes=` keeps only those (plus id and schemas); `excludedAttributes=` drops them."""
    wanted = {a.strip().lower() for a in (query_one(call.query, "attributes") or "").split(",") if a.strip()}
    dropped = {a.strip().lower() for a in (query_one(call.query, "excludedAttributes") or "").split(",")}
    return {
        k: v
        for k, v in resource.items()
        if (not wanted or k.lower() in wanted | {"id", "schemas"}) and k.lower() not in dropped - {"id"}
    }


def patch_operations(call: Call) -> list[dict[str, Any]]:
    operations = parse_body(call.body).get("Operations")
    if not isinstance(operations, list) or not all(isinstance(o, dict) for o in operations):
        raise ScimProblem(400, "PATCH needs an Operations list", "invalidSyntax")
    for operation in operations:
        if str(operation.get("op", "")).lower() not in ("add", "remove", "replace"):
            raise ScimProblem(400, f"Unsupported PATCH op: {operation.get('op')!r}", "invalidSyntax")
    return operations


def refuse_deactivation(operation: dict[str, Any]) -> None:
    """Deactivated principals must stop authenticating; authentication here cannot tell, so say so."""
    value = operation.get("value")
    if operation.get("path") == "active" or (isinstance(value, dict) and "active" in value):
        raise ScimProblem(501, "The emulator does not model deactivating users or service principals.")


def _user(ws: FakeWorkspace, call: Call) -> User:
    user = next((u for u in ws.users.values() if str(u.id) == call.params["id"]), None)
    if user is None or user.user_name in ws.service_principals:
        raise ScimProblem(404, f"User {call.params['id']} not found", None)
    return user


def _users(ws: FakeWorkspace) -> list[User]:
    return [u for u in ws.users.values() if u.user_name not in ws.service_principals]


def list_users(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    return list_response(call, [scim_user(ws, u) for u in _users(ws)], _USER_ATTRS)


def get_user(ws: FakeWorkspace, call: Call) -> Resource:
    return _project(call, scim_user(ws, _user(ws, call)))


def create_user(ws: FakeWorkspace, call: Call) -> Reply:
    require_admin(call)
    data = parse_body(call.body)
    user_name = data.get("userName")
    if not isinstance(user_name, str) or not user_name.strip():
        raise ScimProblem(400, "Request is missing the required attribute userName", "invalidValue")
    if principal_kind(ws, user_name) is not None:
        raise ScimProblem(409, f"User with username {user_name} already exists.", "uniqueness")
    admin = any(isinstance(g, dict) and g.get("value") == GROUPS["admins"] for g in data.get("groups") or [])
    next_id = max((u.id for u in ws.users.values()), default=4_100_000_000_000_000) + 1
    everyone = ws.token_grants is None or ("group_name", "users") in ws.token_grants
    ws.users[user_name] = User(user_name, next_id, admin, admin or everyone)
    extras = {k: data[k] for k in ("displayName", "entitlements") if data.get(k)}
    if extras:
        ws.scim_extras[user_name] = extras
    ws.changed()
    return Reply.json(scim_user(ws, ws.users[user_name]))  # the platform: 201


def forget_principal(ws: FakeWorkspace, name: str) -> None:
    """What deleting a user or service principal takes with it: their tokens, grants and secret ACLs."""
    for token_id in [t.token_id for t in ws.tokens.values() if t.owner == name]:
        del ws.tokens[token_id]
    if ws.token_grants is not None:
        ws.token_grants = {k: v for k, v in ws.token_grants.items() if k[1] != name}
    for scope in ws.scopes.values():
        scope.acls.pop(name, None)
    ws.scim_extras.pop(name, None)
    ws.changed()


def delete_user(ws: FakeWorkspace, call: Call) -> Reply:
    require_admin(call)
    user = _user(ws, call)
    del ws.users[user.user_name]
    forget_principal(ws, user.user_name)
    return Reply(204)


def patch_user(ws: FakeWorkspace, call: Call) -> Reply:
    require_admin(call)
    user = _user(ws, call)
    for operation in patch_operations(call):
        refuse_deactivation(operation)
        op, path, value = str(operation["op"]).lower(), operation.get("path"), operation.get("value")
        if path == "groups" or (path or "").startswith("groups["):
            wants_admin = GROUPS["admins"] in str(value) + str(path)
            if wants_admin:
                user.admin = op != "remove"
                user.can_use_tokens = user.can_use_tokens or user.admin
        elif path in ("displayName", "entitlements"):
            extras = ws.scim_extras.setdefault(user.user_name, {})
            if op == "remove":
                extras.pop(path, None)
            else:
                extras[path] = value
        else:
            raise ScimProblem(400, f"Unsupported PATCH path: {path!r}", "invalidPath")
    ws.changed()
    return Reply(204)


def _group(ws: FakeWorkspace, name: str) -> Resource:
    members = [u for u in ws.users.values() if name == "users" or u.admin]
    return {
        "schemas": [GROUP_SCHEMA],
        "id": GROUPS[name],
        "displayName": name,
        "members": [{"display": u.user_name, "value": str(u.id), "$ref": f"Users/{u.id}"} for u in members],
        "meta": {"resourceType": "WorkspaceGroup"},
    }


def list_groups(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    return list_response(call, [_group(ws, name) for name in GROUPS], _GROUP_ATTRS)


def get_group(ws: FakeWorkspace, call: Call) -> Resource:
    name = next((n for n, i in GROUPS.items() if i == call.params["id"]), None)
    if name is None:
        raise ScimProblem(404, f"Group with id {call.params['id']} not found.")
    return _project(call, _group(ws, name))


_SCIM = "/api/2.0/preview/scim/v2"
ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", f"{_SCIM}/Users"): list_users,
    ("POST", f"{_SCIM}/Users"): create_user,
    ("GET", f"{_SCIM}/Groups"): list_groups,
}
PREFIXED: dict[tuple[str, str], Handler] = {
    ("GET", f"{_SCIM}/Users/"): get_user,
    ("DELETE", f"{_SCIM}/Users/"): delete_user,
    ("PATCH", f"{_SCIM}/Users/"): patch_user,
    ("GET", f"{_SCIM}/Groups/"): get_group,
}
