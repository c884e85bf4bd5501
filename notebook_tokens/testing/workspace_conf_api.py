"""/api/2.0/workspace-conf for every documented key, not only the two token settings.

The token keys (tokens_api.CONF_KEYS) stay with tokens_api, whose checks are the authority on them: this
module answers the other keys and hands the token keys on. The key list: the REST reference documents the
endpoint but not the keys; this is the list the DatabricksPS module publishes (Public/WorkspaceConfig.ps1),
which the Terraform `databricks_workspace_conf` docs agree with for the keys they name. `enable*` /
`enforce*` keys are the strings "true" / "false" (Terraform resets them to "false"); an unset key reads as
null. Unknown keys are refused, as the platform refuses them.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from notebook_tokens.testing import tokens_api
from notebook_tokens.testing.replies import Reply, bad_request, parse_body, permission_denied, query_required

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.workspace import FakeWorkspace

OTHER_KEYS = (
    "enableIpAccessLists", "enableJobViewAcls", "enforceClusterViewAcls", "enforceWorkspaceViewAcls",
    "enableHlsRuntime", "enableDcs", "enableProjectTypeInWorkspace", "enableWorkspaceFilesystem",
    "enableProjectsAllowList", "projectsAllowList", "enable-X-Frame-Options", "enable-X-Content-Type-Options",
    "enable-X-XSS-Protection", "enableResultsDownloading", "enableUploadDataUis", "enableExportNotebook",
    "enableNotebookGitVersioning", "enableNotebookTableClipboard", "enableWebTerminal",
    "enableDbfsFileBrowser",
    "enableDatabricksAutologgingAdminConf", "mlflowRunArtifactDownloadEnabled",
    "mlflowModelServingEndpointCreationEnabled", "mlflowModelRegistryEmailNotificationsEnabled",
    "rStudioUserDefaultHomeBase", "storeInteractiveNotebookResultsInCustomerAccount",
)  # fmt: skip
_BOOLEAN_PREFIXES = ("enable", "enforce", "mlflow", "store")


def _token_key(key: str) -> bool:
    return key in tokens_api.CONF_KEYS


def _check_known(keys: list[str]) -> None:
    unknown = [k for k in keys if not _token_key(k) and k not in OTHER_KEYS]
    if unknown:
        raise bad_request(f"Invalid keys: {unknown}")


def _check_value(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise bad_request(f"Invalid value for {key}: workspace-conf values are strings", "MALFORMED_REQUEST")
    boolean = key.startswith(_BOOLEAN_PREFIXES) and key != "projectsAllowList"
    if boolean and value.lower() not in ("true", "false"):
        raise bad_request(f'Invalid value for {key}: expected "true" or "false"')
    return value.lower() if boolean else value


def conf_get(ws: FakeWorkspace, call: Call) -> Any:
    keys = [k.strip() for k in query_required(call.query, "keys").split(",") if k.strip()]
    _check_known(keys)
    token_keys = [k for k in keys if _token_key(k)]
    answer: dict[str, Any] = {}
    if token_keys:
        delegated = replace(call, query={**call.query, "keys": [",".join(token_keys)]})
        answer.update(tokens_api.conf_get(ws, delegated))
    answer.update({k: ws.conf.get(k) for k in keys if not _token_key(k)})
    return answer


def conf_patch(ws: FakeWorkspace, call: Call) -> Any:
    if not call.user.admin:
        raise permission_denied("Only Admins can access workspace configuration.")
    data = parse_body(call.body)
    _check_known(list(data))
    others = {k: _check_value(k, v) for k, v in data.items() if not _token_key(k)}
    token_part = {k: v for k, v in data.items() if _token_key(k)}
    if token_part:  # its own checks first, so a refused token value changes nothing
        reply = tokens_api.conf_patch(ws, replace(call, body=json.dumps(token_part).encode()))
        if isinstance(reply, Reply) and reply.status >= 400:
            return reply
    ws.conf.update(others)
    ws.changed()
    return Reply(204)


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "/api/2.0/workspace-conf"): conf_get,
    ("PATCH", "/api/2.0/workspace-conf"): conf_patch,
}
