"""Token lifecycle: list, generate, revoke, rotate and administer personal access tokens.

`TokenManager` talks to the Token and token-management APIs through our `WorkspaceSession.api()`, not
databricks-sdk: the SDK retries `token/create` after a read timeout and orphans the first token, while our
session retries a POST only when it provably never left. Every create carries a unique marker in its
comment (`[nt:1a2b3c4d]`), so a create whose answer was lost is found with `token/list` and revoked.

Imports nothing heavy: the session is handed in.
"""

from __future__ import annotations

import builtins
import contextlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from notebook_tokens.core.apierrors import is_not_found, is_tokens_disabled
from notebook_tokens.core.errors import (
    ApiError,
    InputError,
    LifetimeTooLongError,
    NotebookTokensError,
    StoreError,
    TokenLifecycleError,
    TokensDisabledError,
    TransportError,
)
from notebook_tokens.core.lifetimes import humanize_delta, lifetime_seconds, parse_lifetime
from notebook_tokens.core.redact import Token
from notebook_tokens.core.scopes import check_scopes
from notebook_tokens.credentials.stores.specs import parse_store
from notebook_tokens.lifecycle.conf import WorkspaceConf, workspace_conf
from notebook_tokens.lifecycle.identity import id_among, remember_issued, remembered_id
from notebook_tokens.lifecycle.tokeninfo import GeneratedToken, TokenInfo, check_token_id

if TYPE_CHECKING:
    from notebook_tokens.credentials.stores.base import Store
    from notebook_tokens.http.workspace import WorkspaceSession

__all__ = ["MARKER_PREFIX", "PLATFORM_MAX_DAYS", "GeneratedToken", "TokenInfo", "TokenManager", "new_marker"]

# The platform's ceiling: maxTokenLifetimeDays is 1-730 and a token created without a lifetime lasts
# 2 years (SDK TokensAPI.create; docs "maximum lifetime of new tokens is 730 days" when not set). So no
# new token is ever without an expiry, whatever the workspace says.
PLATFORM_MAX_DAYS = 730

MARKER_PREFIX = "[nt:"
TOKENS_DISABLED = (
    "personal access tokens are disabled in this workspace: an administrator must enable it "
    "(Settings > Advanced > Personal Access Tokens)"
)


def new_marker() -> str:
    """A unique comment marker, `[nt:1a2b3c4d]`: finds the token again when create's answer is lost."""
    return f"{MARKER_PREFIX}{uuid.uuid4().hex[:8]}]"


class TokenManager:
    """Personal access tokens of the session's user (and, for admins, of everyone)."""

    def __init__(self, session: WorkspaceSession, *, expiring_days: int = 7) -> None:
        self.session = session
        self.expiring_days = expiring_days
        # False after a list in which the session's token could not be told apart (opaque ids): then no
        # token is marked in use, rather than a wrong one
        self.in_use_known = True

    # -- the session's own token ------------------------------------------------------------------
    def current_token_id(self) -> str | None:
        """The id of the session's token: the one token/create gave it when this process made it, else its
        SHA-256 (what the SDK documents; lists check it, see identity.py)."""
        token = self.session.credentials.token
        if token is None:
            return None
        return remembered_id(token) or token.token_id

    def info(self, data: dict[str, Any]) -> TokenInfo:
        return self.infos([data])[0]

    def infos(self, items: Iterable[dict[str, Any]]) -> builtins.list[TokenInfo]:
        """TokenInfo of each API item; "in use" marks the session's token only when it is really listed
        (by the id create answered, or by SHA-256): with opaque ids nothing is marked."""
        items = list(items)
        token = self.session.credentials.token
        in_use_id = id_among(token, items) if token is not None else None
        self.in_use_known = token is None or in_use_id is not None
        return [
            TokenInfo.from_api(item, in_use_id=in_use_id, expiring_days=self.expiring_days) for item in items
        ]

    def _raw_list(self) -> builtins.list[dict[str, Any]]:
        answer = self.session.api("GET", "/api/2.0/token/list")
        return list(answer.get("token_infos") or [])

    def list(self) -> builtins.list[TokenInfo]:
        """The user's tokens, creation ascending; `in_use` marks the token this session sends."""
        return sorted(self.infos(self._raw_list()), key=lambda info: (info.created, info.token_id))

    def me(self) -> dict[str, Any]:
        """SCIM Me of the session's user."""
        answer: dict[str, Any] = self.session.api("GET", "/api/2.0/preview/scim/v2/Me")
        return answer

    def is_admin(self, me: dict[str, Any] | None = None) -> bool:
        """Whether the user is in the workspace's `admins` group; pass `me` when it was just read."""
        groups = (self.me() if me is None else me).get("groups") or []
        return any(str(group.get("display", "")) == "admins" for group in groups)

    # -- generate ---------------------------------------------------------------------------------
    def check_lifetime(self, lifetime: timedelta | None, conf: WorkspaceConf | None = None) -> WorkspaceConf:
        """Refuse before calling what the workspace would refuse: tokens disabled, lifetime too long.
        `conf` is the workspace's settings when the caller has just read them."""
        if conf is None:
            conf = workspace_conf(self.session)
        if not conf.tokens_enabled:
            raise TokensDisabledError(TOKENS_DISABLED)
        limit = min(conf.max_lifetime_days or PLATFORM_MAX_DAYS, PLATFORM_MAX_DAYS)
        if lifetime is None or lifetime > timedelta(days=limit):
            asked = "no expiry" if lifetime is None else humanize_delta(lifetime)
            why = "(maxTokenLifetimeDays)" if conf.max_lifetime_days else "(the platform's maximum)"
            never = (" — the platform gives every new token an expiry: without a lifetime it would last "
                     f"{limit} days" if lifetime is None else "")
            raise LifetimeTooLongError(
                f"this workspace allows tokens of at most {limit} days {why}; "
                f"{asked} was asked{never}: pass --lifetime {limit}d or less"
            )
        return conf

    def default_lifetime_days(self, conf: WorkspaceConf | None = None) -> int:
        """What the workspace gives a token created without a lifetime: 2 years, or its maximum if less."""
        conf = conf or workspace_conf(self.session)
        return min(conf.max_lifetime_days or PLATFORM_MAX_DAYS, PLATFORM_MAX_DAYS)

    def create(
        self, comment: str, lifetime: timedelta | None, *, marker: str | None = None,
        scopes: Sequence[str] | None = None, autoscope: bool = False,
    ) -> tuple[Token, TokenInfo]:
        """token/create with a unique marker; when the answer is lost, find the token and revoke it.
        `scopes` (checked names; None or empty: every API) and `autoscope` (SDK CreateTokenRequest)."""
        marker = marker or new_marker()
        full_comment = f"{comment} {marker}".strip()
        body: dict[str, Any] = {"comment": full_comment}
        seconds = lifetime_seconds(lifetime)
        if seconds is not None:
            body["lifetime_seconds"] = seconds
        if scopes:
            body["scopes"] = check_scopes(scopes)
        if autoscope:
            body["autoscope_enabled"] = True
        try:
            answer = self.session.api("POST", "/api/2.0/token/create", json=body)
        except ApiError as error:
            if error.status >= 500:  # the token may exist although the answer is an error
                self._revoke_marked_quietly(marker)
            raise _create_error(error) from error
        except (TransportError, OSError) as error:
            try:
                revoked = self.revoke_marked(marker)
            except Exception:
                raise TokenLifecycleError(
                    f"token/create got no answer and the workspace is unreachable: a token with {marker} in "
                    "its comment may exist; revoke it with %dbtoken list / %dbtoken revoke when reachable"
                ) from error
            what = f"the token it made ({', '.join(revoked)}) was revoked" if revoked else "no token was made"
            raise TokenLifecycleError(
                f"token/create got no answer ({type(error).__name__}); {what}: nothing changed, run it again"
            ) from error
        token = Token(answer["token_value"])
        fallback = {"token_id": token.token_id, "comment": full_comment}
        info = self.info(answer.get("token_info") or fallback)
        remember_issued(token, info.token_id)  # its real id, whether or not it is the SHA-256
        return token, info

    def _revoke_marked_quietly(self, marker: str) -> None:
        # best effort: the original error is what the user needs to see
        with contextlib.suppress(NotebookTokensError, OSError):
            self.revoke_marked(marker)

    def revoke_marked(self, marker: str) -> builtins.list[str]:
        """Revoke every token whose comment carries `marker` (a lost create's leftovers); returns the ids."""
        revoked: builtins.list[str] = []
        for item in self._raw_list():
            if marker in str(item.get("comment") or ""):
                self.revoke(str(item["token_id"]), missing_ok=True)
                revoked.append(str(item["token_id"]))
        return revoked

    def generate(
        self, comment: str = "", lifetime: str | timedelta | None = "90d", *, store: Store | str,
        scopes: Sequence[str] | None = None, autoscope: bool = False,
    ) -> GeneratedToken:
        """Create a token and put it straight into `store` (read back); the value comes back masked only.
        `scopes` limit the APIs it reaches (None: every API); unknown names are refused before calling."""
        delta = parse_lifetime(lifetime)
        checked = check_scopes(scopes) if scopes else None
        target = self.resolve_store(store)
        if not target.writable:
            raise InputError(f"{target.description} cannot be written: choose secret:, keyring or netrc")
        conf = self.check_lifetime(delta)
        token, info = self.create(comment, delta, scopes=checked, autoscope=autoscope)
        self.store_or_revoke(target, token, info.token_id)
        return GeneratedToken(info=info, token=token, stored_in=target.description,
                              workspace_default_days=self.default_lifetime_days(conf))

    def resolve_store(self, store: Store | str) -> Store:
        if not isinstance(store, str):
            return store
        return parse_store(store, api=self.session)

    def store_or_revoke(self, store: Store, token: Token, token_id: str) -> None:
        """Write (every store reads back what it wrote); on failure revoke the new token, so no unstored
        token lives on."""
        try:
            store.write(self.session.host, token)
        except Exception as error:
            try:
                self.revoke(token_id, missing_ok=True)
                fate = f"the new token {token_id[:12]}… was revoked, nothing changed"
            except Exception:
                fate = f"revoking the new token {token_id[:12]}… also failed: revoke it with %dbtoken revoke"
            raise StoreError(f"could not store the token in {store.description}: {error}; {fate}") from error

    # -- scopes -----------------------------------------------------------------------------------
    def set_scopes(self, token_id: str, scopes: Sequence[str]) -> None:
        """Replace a token's scopes (PATCH /api/2.0/token/{id}, SDK TokensAPI.update); names checked first."""
        token_id = check_token_id(token_id)
        checked = check_scopes(scopes)
        body = {"token": {"token_id": token_id, "scopes": checked}, "update_mask": "scopes"}
        try:
            self.session.api("PATCH", f"/api/2.0/token/{token_id}", json=body)
        except ApiError as error:
            if is_not_found(error):
                raise InputError(f"no token with id {token_id} among your tokens (%dbtoken list)") from error
            raise

    # -- revoke -----------------------------------------------------------------------------------
    def revoke(self, token_id: str, *, missing_ok: bool = False) -> None:
        """Revoke one of the user's tokens. An unknown id is an InputError unless `missing_ok`."""
        if not token_id.strip():
            raise InputError("give the Token ID to revoke (see %dbtoken list)")
        token_id = check_token_id(token_id)
        try:
            self.session.api("POST", "/api/2.0/token/delete", json={"token_id": token_id})
        except ApiError as error:
            if not is_not_found(error):
                raise
            if not missing_ok:
                raise InputError(
                    f"no token with id {token_id} among your tokens: check %dbtoken list "
                    "(an admin revokes others' tokens with %dbtoken revoke --admin)"
                ) from error


def _create_error(error: ApiError) -> Exception:
    if error.error_code == "QUOTA_EXCEEDED":
        return TokenLifecycleError(
            "token quota reached: a user can hold at most 600 tokens in a workspace; revoke unused ones "
            "(%dbtoken list, then %dbtoken revoke ID ...) and try again"
        )
    if is_tokens_disabled(error.status, error.message):
        return TokensDisabledError(TOKENS_DISABLED)
    if "permission to use tokens" in error.message:
        return TokensDisabledError(
            f"{error.message} An administrator must grant you the Can Use permission on tokens."
        )
    return error
