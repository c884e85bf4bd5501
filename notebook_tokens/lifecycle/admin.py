"""Workspace administration of tokens: everyone's tokens, bulk revoke, and the workspace token settings.

Bulk revoke runs DELETEs on a bounded thread pool over the one `WorkspaceSession`; the session honours
429 Retry-After, and since DELETE is idempotent a 404 on a retry counts as done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from notebook_tokens.core.apierrors import is_not_found
from notebook_tokens.core.errors import AdminOnlyError, ApiError, InputError
from notebook_tokens.lifecycle.conf import is_permission_denied
from notebook_tokens.lifecycle.tokeninfo import check_token_id

if TYPE_CHECKING:
    from notebook_tokens.lifecycle.tokens import TokenInfo, TokenManager

__all__ = [
    "RevokeResult", "admin_list", "bulk_revoke", "require_admin", "set_workspace_conf",
]

_ADMINS_ONLY = "admins only: {what} needs a workspace admin; ask an administrator to do it for you"


@dataclass(frozen=True)
class RevokeResult:
    """The outcome of revoking one token in a bulk revoke."""

    token_id: str
    ok: bool
    message: str


MAX_LIFETIME_DAYS = 730


def _admins_only(error: ApiError, what: str) -> Exception:
    if is_permission_denied(error):
        return AdminOnlyError(_ADMINS_ONLY.format(what=what))
    return error


def require_admin(manager: TokenManager, what: str) -> None:
    """Fail fast, before any change, when the session's user is not an admin."""
    if not manager.is_admin():
        raise AdminOnlyError(_ADMINS_ONLY.format(what=what))


def admin_list(
    manager: TokenManager, *, user: str | None = None, expired: bool | None = None,
    unused_days: int | None = None, now: datetime | None = None,
) -> list[TokenInfo]:
    """Everyone's tokens (token-management), creation ascending, filtered by user / expired / unused."""
    if unused_days is not None and unused_days < 0:
        raise InputError("--unused-days takes a number of days, 0 or more")
    params = {"created_by_username": user} if user else None
    try:
        answer = manager.session.api("GET", "/api/2.0/token-management/tokens", params=params)
    except ApiError as error:
        raise _admins_only(error, "listing everyone's tokens") from error
    now = now or datetime.now(timezone.utc)
    infos = manager.infos(answer.get("token_infos") or [])
    if user:
        infos = [info for info in infos if info.created_by in (None, user)]
    if expired is not None:
        infos = [info for info in infos if (info.status == "expired") == expired]
    if unused_days is not None:
        cutoff = (now - timedelta(days=unused_days)).date()
        infos = [info for info in infos if (info.last_used or info.created.date()) <= cutoff]
    return sorted(infos, key=lambda info: (info.created, info.token_id))


def _revoke_one(manager: TokenManager, token_id: str) -> RevokeResult:
    try:
        manager.session.api("DELETE", f"/api/2.0/token-management/tokens/{token_id}")
    except ApiError as error:
        if is_not_found(error):
            # a retried DELETE whose first try went through, or a token already gone: the goal holds
            return RevokeResult(token_id, True, "already revoked")
        if is_permission_denied(error):
            return RevokeResult(token_id, False, "admins only")
        return RevokeResult(token_id, False, f"{error.status} {error.error_code}: {error.message}".strip())
    except Exception as error:  # one token's network failure must not lose the others' results
        return RevokeResult(token_id, False, f"{type(error).__name__}: {error}")
    return RevokeResult(token_id, True, "revoked")


def bulk_revoke(
    manager: TokenManager, token_ids: Iterable[str], *, concurrency: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> list[RevokeResult]:
    """Revoke many tokens (any user's) with at most `concurrency` requests in flight.

    `progress(done, total)` is called from the calling thread after each token. Results keep the input
    order; one failure never stops the others.
    """
    ids = list(dict.fromkeys(check_token_id(token_id) for token_id in token_ids if token_id.strip()))
    if not ids:
        return []
    if concurrency < 1:
        raise InputError("concurrency must be at least 1")
    require_admin(manager, "revoking tokens through token management")
    results: dict[str, RevokeResult] = {}
    if progress is not None:
        progress(0, len(ids))
    with ThreadPoolExecutor(max_workers=min(concurrency, len(ids)), thread_name_prefix="nt-revoke") as pool:
        futures = {pool.submit(_revoke_one, manager, token_id): token_id for token_id in ids}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if progress is not None:
                progress(len(results), len(ids))
    return [results[token_id] for token_id in ids]


def set_workspace_conf(
    manager: TokenManager, *, tokens_enabled: bool | None = None, max_lifetime_days: int | None = None
) -> None:
    """Set enableTokensConfig and/or maxTokenLifetimeDays (0 = no limit; applies to new tokens only)."""
    body: dict[str, str] = {}
    if tokens_enabled is not None:
        body["enableTokensConfig"] = "true" if tokens_enabled else "false"
    if max_lifetime_days is not None:
        if max_lifetime_days < 0 or max_lifetime_days > MAX_LIFETIME_DAYS:
            # the platform's range for maxTokenLifetimeDays is 1-730 (FACTS.md); 0 clears the limit
            raise InputError(
                f"the maximum lifetime is a number of days from 1 to {MAX_LIFETIME_DAYS}, 0 for no limit"
            )
        body["maxTokenLifetimeDays"] = str(max_lifetime_days)
    if not body:
        raise InputError("nothing to set: pass tokens_enabled and/or max_lifetime_days")
    require_admin(manager, "changing workspace token settings")
    try:
        manager.session.api("PATCH", "/api/2.0/workspace-conf", json=body)
    except ApiError as error:
        raise _admins_only(error, "changing workspace token settings") from error
