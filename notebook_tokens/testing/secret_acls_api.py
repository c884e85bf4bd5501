"""/api/2.0/secrets/acls/{put,get,list,delete}: who may READ, WRITE or MANAGE a secret scope.

The rules (databricks-sdk service/workspace.py, the `SecretsAPI.put_acl` … `delete_acl` docstrings): every
ACL call needs MANAGE on the scope; the principal is an existing user, group or service principal
(application id); the permission is READ, WRITE or MANAGE. `put_acl` is described both as "creates or
overwrites" and as throwing `RESOURCE_ALREADY_EXISTS` "if a permission for the principal already exists":
the emulator models the stricter one and refuses to overwrite, so changing a level means delete, then put.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notebook_tokens.testing.replies import (
    ApiProblem,
    bad_request,
    not_found,
    parse_body,
    query_required,
    req_str,
)
from notebook_tokens.testing.scim_api import principal_kind
from notebook_tokens.testing.secrets_api import RANK, require_level, scope_named

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.model import Scope
    from notebook_tokens.testing.workspace import FakeWorkspace


def _principal(ws: FakeWorkspace, name: str) -> str:
    if principal_kind(ws, name) is None:
        raise bad_request(f"Principal {name} does not exist.")
    return name


def _managed_scope(ws: FakeWorkspace, call: Call, name: str) -> Scope:
    scope = scope_named(ws, name)
    require_level(call.user, scope, "MANAGE")
    return scope


def put_acl(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    data = parse_body(call.body)
    scope = _managed_scope(ws, call, req_str(data, "scope"))
    principal = _principal(ws, req_str(data, "principal"))
    permission = req_str(data, "permission")
    if permission not in RANK:
        raise bad_request(f"Invalid permission {permission}: expected one of READ, WRITE, MANAGE.")
    if principal in scope.acls:
        raise ApiProblem(
            400,
            "RESOURCE_ALREADY_EXISTS",
            f"Permission for principal {principal} already exists on scope {scope.name}.",
        )
    scope.acls[principal] = permission
    ws.changed()
    return {}


def get_acl(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    scope = _managed_scope(ws, call, query_required(call.query, "scope"))
    principal = _principal(ws, query_required(call.query, "principal"))
    if principal not in scope.acls:
        raise not_found(f"Failed to get secret acl for principal {principal} in scope {scope.name}.")
    return {"principal": principal, "permission": scope.acls[principal]}


def list_acls(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    scope = _managed_scope(ws, call, query_required(call.query, "scope"))
    items = [{"principal": p, "permission": level} for p, level in sorted(scope.acls.items())]
    return {"items": items} if items else {}


def delete_acl(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    data = parse_body(call.body)
    scope = _managed_scope(ws, call, req_str(data, "scope"))
    principal = req_str(data, "principal")
    if principal_kind(ws, principal) is None or principal not in scope.acls:
        # delete_acl: "Throws RESOURCE_DOES_NOT_EXIST if no such secret scope, principal, or ACL exists"
        raise not_found(f"ACL for principal {principal} does not exist in scope {scope.name}.")
    del scope.acls[principal]
    ws.changed()
    return {}


ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "/api/2.0/secrets/acls/put"): put_acl,
    ("GET", "/api/2.0/secrets/acls/get"): get_acl,
    ("GET", "/api/2.0/secrets/acls/list"): list_acls,
    ("POST", "/api/2.0/secrets/acls/delete"): delete_acl,
}
