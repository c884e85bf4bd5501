"""/api/2.0/workspace-conf: every documented key answers, with its default.

Keys: the Terraform `databricks_workspace_conf` docs (enableTokensConfig, maxTokenLifetimeDays,
enableIpAccessLists, enableDeprecatedClusterNamedInitScripts, enableDeprecatedGlobalInitScripts) and the
longer list a maintained client (DatabricksPS, WorkspaceConfig.ps1) sends; the SDK's WorkspaceConfAPI has no
key list. Values are strings. Defaults are those of a new workspace as far as the docs say them
(maxTokenLifetimeDays 730, "If not specified, the maximum lifetime of new tokens is 730 days"; PATs
enabled); for the rest the conservative value ("false" for enable*/enforce*, "" for lists).

maxTokenLifetimeDays: 1–730 (Terraform/Pulumi docs: "This value can range from 1 day to 730 days"); more
is refused with 400 INVALID_PARAMETER_VALUE. Older docs say "0 = no limit"; the stricter current docs win:
"0" (or "") is accepted as "not set" and the 730-day platform maximum applies. A new cap applies to new
tokens only (tokens already issued keep their expiry).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notebook_tokens.testing.model import User
from notebook_tokens.testing.replies import Reply, bad_request, parse_body, permission_denied, query_required

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.workspace import FakeWorkspace

__all__ = ["CONF_KEYS", "PLATFORM_MAX_LIFETIME_DAYS", "ROUTES", "default_conf", "max_lifetime_days"]

PLATFORM_MAX_LIFETIME_DAYS = 730
_DEFAULTS: dict[str, str] = {
    "enableTokensConfig": "true",
    "maxTokenLifetimeDays": str(PLATFORM_MAX_LIFETIME_DAYS),
    "enableIpAccessLists": "false",
    "enableDeprecatedClusterNamedInitScripts": "false",
    "enableDeprecatedGlobalInitScripts": "false",
    "enableJobViewAcls": "true",
    "enforceClusterViewAcls": "false",
    "enforceWorkspaceViewAcls": "false",
    "enableHlsRuntime": "false",
    "enableDcs": "false",
    "enableProjectTypeInWorkspace": "true",
    "enableWorkspaceFilesystem": "true",
    "enableProjectsAllowList": "false",
    "projectsAllowList": "",
    "enable-X-Frame-Options": "true",
    "enable-X-Content-Type-Options": "true",
    "enable-X-XSS-Protection": "true",
    "enableResultsDownloading": "true",
    "enableUploadDataUis": "true",
    "enableExportNotebook": "true",
    "enableNotebookGitVersioning": "true",
    "enableNotebookTableClipboard": "true",
    "enableWebTerminal": "true",
    "enableDbfsFileBrowser": "false",
    "enableDatabricksAutologgingAdminConf": "true",
    "mlflowRunArtifactDownloadEnabled": "true",
    "mlflowModelServingEndpointCreationEnabled": "true",
    "mlflowModelRegistryEmailNotificationsEnabled": "true",
    "rStudioUserDefaultHomeBase": "",
    "storeInteractiveNotebookResultsInCustomerAccount": "false",
}
CONF_KEYS = tuple(_DEFAULTS)
_BOOLEAN = {k for k, v in _DEFAULTS.items() if v in ("true", "false")}


def default_conf() -> dict[str, str]:
    return dict(_DEFAULTS)


def max_lifetime_days(ws: FakeWorkspace) -> int:
    """The cap new tokens get: maxTokenLifetimeDays, or the platform's 730 when it is not set (0 / "")."""
    raw = (ws.conf.get("maxTokenLifetimeDays") or "0").strip()
    days = int(raw) if raw.isdigit() else 0
    return min(days, PLATFORM_MAX_LIFETIME_DAYS) if days > 0 else PLATFORM_MAX_LIFETIME_DAYS


def _require_admin(user: User) -> None:
    if not user.admin:
        raise permission_denied("Only Admins can access workspace configuration.")


def conf_get(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    keys = [k.strip() for k in query_required(call.query, "keys").split(",") if k.strip()]
    unknown = [k for k in keys if k not in _DEFAULTS]
    if unknown:
        raise bad_request(f"Invalid keys: {unknown}")
    return {k: ws.conf.get(k, _DEFAULTS[k]) for k in keys}


def _check_conf_value(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise bad_request(f"Invalid value for {key}: workspace-conf values are strings", "MALFORMED_REQUEST")
    if key in _BOOLEAN and value.lower() not in {"true", "false"}:
        raise bad_request(f'Invalid value for {key}: expected "true" or "false"')
    if key == "maxTokenLifetimeDays":
        if value != "" and not (value.isascii() and value.isdigit()):
            raise bad_request(f"Invalid value for {key}: expected a whole number of days from 1 to 730")
        if value and int(value) > PLATFORM_MAX_LIFETIME_DAYS:
            raise bad_request(
                f"Invalid value for {key}: {value}. The maximum token lifetime can be at most "
                f"{PLATFORM_MAX_LIFETIME_DAYS} days."
            )
        return value or "0"
    return value.lower() if key in _BOOLEAN else value


def conf_patch(ws: FakeWorkspace, call: Call) -> Reply:
    _require_admin(call.user)
    data = parse_body(call.body)
    unknown = [k for k in data if k not in _DEFAULTS]
    if unknown:
        raise bad_request(f"Invalid keys: {unknown}")
    ws.conf.update({k: _check_conf_value(k, v) for k, v in data.items()})
    ws.changed()
    return Reply(204)


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "/api/2.0/workspace-conf"): conf_get,
    ("PATCH", "/api/2.0/workspace-conf"): conf_patch,
}
