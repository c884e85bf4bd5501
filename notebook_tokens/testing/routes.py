"""The route table: (method, path) -> endpoint function, plus `/{id}` routes and the unauthenticated ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notebook_tokens.testing import (
    clusters_api,
    conf_api,
    oauth_api,
    permissions_api,
    scim_api,
    scim_principals_api,
    secret_acls_api,
    secrets_api,
    sp_secrets_api,
    tokens_api,
)
from notebook_tokens.testing.calls import WORKSPACE_ID
from notebook_tokens.testing.workspace_api import ROUTES as WORKSPACE_ROUTES

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.workspace import FakeWorkspace

_EXACT: dict[tuple[str, str], Handler] = {
    **tokens_api.ROUTES,
    **secrets_api.ROUTES,
    **clusters_api.ROUTES,
    **permissions_api.ROUTES,
    **secret_acls_api.ROUTES,
    **scim_api.ROUTES,
    **scim_principals_api.ROUTES,
    **conf_api.ROUTES,  # every documented workspace-conf key, the token settings' rules included
    **WORKSPACE_ROUTES,
}
# (method, prefix) -> handler taking the rest of the path as params["id"]
_PREFIXED: dict[tuple[str, str], Handler] = {
    **tokens_api.PREFIXED,
    **scim_api.PREFIXED,
    **scim_principals_api.PREFIXED,
}


def _well_known(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    """Host metadata databricks-sdk probes at every Config(); answering keeps its start quiet."""
    host = next((v for k, v in call.headers.items() if k.lower() == "host"), "127.0.0.1")
    return {
        "oidc_endpoint": f"http://{host}/oidc",
        "workspace_id": str(WORKSPACE_ID),
        "cloud": "aws",
    }


_PUBLIC: dict[tuple[str, str], Handler] = {("GET", "/.well-known/databricks-config"): _well_known}
_PUBLIC.update(oauth_api.PUBLIC)  # the OIDC endpoints authenticate the client themselves


def resolve(method: str, path: str) -> tuple[Handler | None, dict[str, str], bool]:
    """(handler or None for 404, path params, whether authentication is required)."""
    public = _PUBLIC.get((method, path))
    if public is not None:
        return public, {}, False
    handler = _EXACT.get((method, path))
    if handler is not None:
        return handler, {}, True
    sp_secrets = sp_secrets_api.route(method, path)
    if sp_secrets is not None:
        return sp_secrets[0], sp_secrets[1], True
    for (route_method, prefix), prefixed in _PREFIXED.items():
        if route_method == method and path.startswith(prefix) and "/" not in path[len(prefix) :]:
            ident = path[len(prefix) :]
            if ident:
                return prefixed, {"id": ident}, True
    return None, {}, True
