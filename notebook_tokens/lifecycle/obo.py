"""On-behalf-of tokens: an admin makes a personal access token for a service principal, straight into a store.

`POST /api/2.0/token-management/on-behalf-of/tokens` with `{application_id, lifetime_seconds, comment}`
(databricks-sdk service/settings.py `TokenManagementAPI.create_obo_token`, answer `CreateOboTokenResponse`
`{token_value, token_info}`). Orphan-safe as `TokenManager.create`: the comment carries a unique marker, so
a create whose answer was lost (or a 5xx that may have made one) is found in the token-management list and
deleted (`DELETE /api/2.0/token-management/tokens/{token_id}`); so is a token the store could not keep.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from notebook_tokens.core.errors import (
    ApiError,
    InputError,
    NotebookTokensError,
    StoreError,
    TokenLifecycleError,
    TransportError,
)
from notebook_tokens.core.lifetimes import lifetime_seconds, parse_lifetime
from notebook_tokens.core.redact import Token
from notebook_tokens.lifecycle.tokeninfo import GeneratedToken
from notebook_tokens.lifecycle.tokens import new_marker

if TYPE_CHECKING:
    from datetime import timedelta

    from notebook_tokens.credentials.stores.base import Store
    from notebook_tokens.lifecycle.tokens import TokenManager

__all__ = ["OBO_PATH", "generate_obo", "revoke_marked_obo"]

OBO_PATH = "/api/2.0/token-management/on-behalf-of/tokens"
_MANAGED = "/api/2.0/token-management/tokens"


def generate_obo(
    manager: TokenManager, application_id: str, *, store: Store | str, comment: str = "",
    lifetime: str | timedelta | None = "90d",
) -> GeneratedToken:
    """A token for the service principal `application_id`, written to `store` and read back; the value
    comes back masked only. Refused before any call when PATs are disabled or the lifetime is too long."""
    if not application_id.strip():
        raise InputError("give the service principal's application id (see %dbtoken sp list)")
    delta = parse_lifetime(lifetime)
    target = manager.resolve_store(store)
    if not target.writable:
        raise InputError(f"{target.description} cannot be written: choose secret:, keyring or netrc")
    conf = manager.check_lifetime(delta)
    token, info = _create(manager, application_id, comment, delta)
    try:
        target.write(manager.session.host, token)
    except NotebookTokensError as error:
        _delete_quietly(manager, info["token_id"])
        raise StoreError(f"could not store the token in {target.description}: {error}; the new token "
                         f"{str(info['token_id'])[:12]}… was deleted, nothing changed") from error
    return GeneratedToken(info=manager.info(info), token=token, stored_in=target.description,
                          workspace_default_days=manager.default_lifetime_days(conf))


def _create(
    manager: TokenManager, application_id: str, comment: str, delta: timedelta | None
) -> tuple[Token, dict[str, Any]]:
    marker = new_marker()
    full_comment = f"{comment} {marker}".strip()
    body: dict[str, Any] = {"application_id": application_id, "comment": full_comment}
    seconds = lifetime_seconds(delta)
    if seconds is not None:
        body["lifetime_seconds"] = seconds
    try:
        answer = manager.session.api("POST", OBO_PATH, json=body)
    except ApiError as error:
        if error.status >= 500:  # the token may exist although the answer is an error
            with contextlib.suppress(NotebookTokensError, OSError):
                revoke_marked_obo(manager, marker)
        raise
    except (TransportError, OSError) as error:
        try:
            revoked = revoke_marked_obo(manager, marker)
        except Exception:
            raise TokenLifecycleError(
                f"the on-behalf-of token request got no answer and the workspace is unreachable: a token "
                f"with {marker} in its comment may exist; revoke it with %dbtoken revoke --all-users "
                "when reachable"
            ) from error
        what = f"the token it made ({', '.join(revoked)}) was revoked" if revoked else "no token was made"
        raise TokenLifecycleError(
            f"the on-behalf-of token request got no answer ({type(error).__name__}); {what}: nothing "
            "changed, run it again"
        ) from error
    token = Token(str(answer["token_value"]))  # registered for redaction before anything else happens
    info = dict(answer.get("token_info") or {})
    info.setdefault("token_id", token.token_id)
    info.setdefault("comment", full_comment)
    return token, info


def revoke_marked_obo(manager: TokenManager, marker: str) -> list[str]:
    """Delete every managed token whose comment carries `marker`; returns their ids."""
    answer = manager.session.api("GET", _MANAGED)
    revoked = []
    for item in answer.get("token_infos") or []:
        if marker in str(item.get("comment") or ""):
            _delete(manager, str(item["token_id"]))
            revoked.append(str(item["token_id"]))
    return revoked


def _delete(manager: TokenManager, token_id: str) -> None:
    manager.session.api("DELETE", f"{_MANAGED}/{token_id}")


def _delete_quietly(manager: TokenManager, token_id: object) -> None:
    with contextlib.suppress(NotebookTokensError, OSError):  # the caller's message names the token
        _delete(manager, str(token_id))
