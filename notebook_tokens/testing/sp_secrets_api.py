"""Service principal OAuth secrets through the workspace proxy
(`/api/2.0/accounts/servicePrincipals/{id}/credentials/secrets`), and the client_credentials grant they are
used for.

Rules (FACTS.md "Service principals"; databricks-sdk service/oauth2.py `ServicePrincipalSecretsProxyAPI`,
`SecretInfo`, `CreateServicePrincipalSecretResponse`): `{id}` is the principal's numeric SCIM id; at most 5
secrets per principal; `lifetime` is a string of seconds ("63072000s"), default 730 days; the value is shown
once, by create. Admins only (the platform: workspace admins manage service principals' secrets).

A service principal lives where testing/scim_principals_api.py keeps it: its SCIM resource in
`ws.service_principals[application_id]` and a `User` named by its application id in `ws.users`.
`add_service_principal` creates one directly (with a fresh application id), through that module.
"""

from __future__ import annotations

import base64
import datetime as _dt
import re
import secrets as _secrets
from typing import TYPE_CHECKING, Any

from notebook_tokens.testing import scim_principals_api
from notebook_tokens.testing.oauth_state import SpSecret, digest, new_sp_secret
from notebook_tokens.testing.oauth_tokens import issue_access
from notebook_tokens.testing.replies import (
    ApiProblem,
    Reply,
    bad_request,
    not_found,
    parse_body,
    permission_denied,
)

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.workspace import FakeWorkspace

MAX_SECRETS = 5
DEFAULT_LIFETIME_S = 730 * 86_400
_BASE = "/api/2.0/accounts/servicePrincipals/"
PATTERN = re.compile(
    r"/api/2\.0/accounts/servicePrincipals/(?P<sp>[^/]+)/credentials/secrets(?:/(?P<sid>[^/]+))?"
)


def add_service_principal(ws: FakeWorkspace, display_name: str, *, admin: bool = False) -> str:
    """A service principal (SCIM resource + its `User`), as SCIM create makes one; its application id."""
    import uuid

    with ws.lock:
        application_id = str(uuid.uuid4())
        scim_principals_api.add_service_principal(ws, application_id, display_name, admin=admin)
        ws.changed()
        return application_id


def _iso(ms: int) -> str:
    return _dt.datetime.fromtimestamp(ms / 1000, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _info(secret: SpSecret) -> dict[str, Any]:
    return {
        "id": secret.id,
        "create_time": _iso(secret.create_ms),
        "update_time": _iso(secret.create_ms),
        "expire_time": _iso(secret.expire_ms),
        "status": secret.status,
        "secret_hash": secret.secret_hash[:8],
    }


def _principal(ws: FakeWorkspace, call: Call) -> str:
    if not call.user.admin:
        raise permission_denied("Only workspace admins can manage service principal secrets.")
    sp_id = call.params["sp"]
    found = next((app for app, sp in ws.service_principals.items() if sp.get("id") == sp_id), None)
    if found is None:
        raise not_found(f"Service principal {sp_id} does not exist.")
    return found


def _lifetime(data: dict[str, Any]) -> int:
    raw = data.get("lifetime")
    if raw is None:
        return DEFAULT_LIFETIME_S
    match = re.fullmatch(r"(\d{1,12})s", raw) if isinstance(raw, str) else None
    if match is None or int(match.group(1)) <= 0:
        raise bad_request(f"lifetime must be a number of seconds such as '63072000s', not {raw!r}.")
    return int(match.group(1))


def create(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    application_id = _principal(ws, call)
    lifetime = _lifetime(parse_body(call.body))
    held = ws.oauth.sp_secrets.setdefault(application_id, [])
    if len(held) >= MAX_SECRETS:
        raise ApiProblem(
            400,
            "RESOURCE_LIMIT_EXCEEDED",
            f"Service principal {call.params['sp']} already has {MAX_SECRETS} secrets: delete one first.",
        )
    value, now = new_sp_secret(), ws.now_ms()
    secret = SpSecret(
        str(int.from_bytes(_secrets.token_bytes(6), "big")), digest(value), now, now + lifetime * 1000
    )
    held.append(secret)
    ws.changed()
    return {**_info(secret), "secret": value}


def list_secrets(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    return {"secrets": [_info(s) for s in ws.oauth.sp_secrets.get(_principal(ws, call), [])]}


def delete(ws: FakeWorkspace, call: Call) -> Reply:
    held = ws.oauth.sp_secrets.get(_principal(ws, call), [])
    secret = next((s for s in held if s.id == call.params["sid"]), None)
    if secret is None:
        raise not_found(f"Secret {call.params['sid']} does not exist.")
    held.remove(secret)
    ws.changed()
    return Reply.empty()


def client_credentials(ws: FakeWorkspace, form: dict[str, str], headers: dict[str, str]) -> Reply:
    """The M2M grant: the principal's application id and one of its active, unexpired secrets."""
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    basic = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    if basic.lower().startswith("basic "):  # RFC 6749 §2.3.1 prefers HTTP Basic; the SDK sends either
        decoded = base64.b64decode(basic[6:].strip() + "==").decode("utf-8", "replace")
        client_id, _, secret = decoded.partition(":")
    held = ws.oauth.sp_secrets.get(client_id, [])
    sp = ws.service_principals.get(client_id)
    now = ws.now_ms()
    if (
        sp is None
        or not sp.get("active", True)
        or not any(
            s.secret_hash == digest(secret) and s.status == "ACTIVE" and s.expire_ms > now for s in held
        )
    ):
        return Reply.json(
            {"error": "invalid_client", "error_description": "Client authentication failed"}, 401
        )
    scopes = tuple(form.get("scope", "").split()) or ("all-apis",)
    return Reply.json(
        issue_access(ws, client_id, client_id, tuple(s for s in scopes if s != "offline_access"))
    )


def route(method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
    """The secrets proxy's handler for a path, with `sp` (and `sid`) parameters; None if not ours."""
    match = PATTERN.fullmatch(path)
    if match is None:
        return None
    params = {k: v for k, v in match.groupdict().items() if v}
    table: dict[tuple[str, bool], Handler] = {
        ("POST", False): create,
        ("GET", False): list_secrets,
        ("DELETE", True): delete,
    }
    handler = table.get((method, "sid" in params))
    return (handler, params) if handler is not None else None



