"""The workspace's token settings (workspace-conf): are PATs enabled, and the longest lifetime allowed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from notebook_tokens.core.apierrors import is_tokens_disabled
from notebook_tokens.core.errors import ApiError

__all__ = ["CONF_KEYS", "WorkspaceConf", "is_permission_denied", "tokens_disabled", "workspace_conf"]

CONF_KEYS = "enableTokensConfig,maxTokenLifetimeDays"


class _Api(Protocol):
    def api(
        self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> Any: ...


@dataclass(frozen=True)
class WorkspaceConf:
    """The workspace's token settings. `max_lifetime_days` None means no limit; `known` False when the
    settings could not be read (a non-admin), in which case the server decides."""

    tokens_enabled: bool
    max_lifetime_days: int | None
    known: bool = True


def is_permission_denied(error: ApiError) -> bool:
    """A 403 about the user's rights, not about the token itself (invalid, or PATs disabled)."""
    text = error.message.lower()
    return (
        error.status == 403
        and "invalid access token" not in text
        and not is_tokens_disabled(error.status, error.message)
    )


def tokens_disabled(error: ApiError) -> bool:
    return is_tokens_disabled(error.status, error.message)


def workspace_conf(session: _Api) -> WorkspaceConf:
    """enableTokensConfig and maxTokenLifetimeDays; unknown (server decides) when we may not read them."""
    try:
        answer: dict[str, Any] = session.api(
            "GET", "/api/2.0/workspace-conf", params={"keys": CONF_KEYS}
        ) or {}
    except ApiError as error:
        if tokens_disabled(error):  # the workspace refuses every PAT, ours included
            return WorkspaceConf(tokens_enabled=False, max_lifetime_days=None)
        if is_permission_denied(error):
            return WorkspaceConf(tokens_enabled=True, max_lifetime_days=None, known=False)
        raise
    enabled = str(answer.get("enableTokensConfig") or "true").strip().lower() != "false"
    raw_days = str(answer.get("maxTokenLifetimeDays") or "0").strip()
    days = int(raw_days) if raw_days.isdigit() else 0
    return WorkspaceConf(tokens_enabled=enabled, max_lifetime_days=days or None)
