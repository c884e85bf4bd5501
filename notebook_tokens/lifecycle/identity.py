"""Which listed token is a given token value, without leaning on "token_id = SHA-256 of the value".

Only one line of the SDK (TokensAPI.update's docstring) says a token's id is the SHA-256 of its value, and
there is no "which token am I" API. So:
- a token this process created is known by the id token/create answered (`remember_issued`);
- otherwise the SHA-256 is tried, and it counts only when the list really holds that id;
- otherwise the answer is "unknown" (None): no token is marked in use, nothing is revoked by guess.
Security steps check the effect as well: after a revoke, the old value must get 403 "Invalid access
token." through a separate session (`rejected`).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from notebook_tokens.core.errors import ApiError, NotebookTokensError

if TYPE_CHECKING:
    from notebook_tokens.core.redact import Token
    from notebook_tokens.credentials.stores.base import Store
    from notebook_tokens.lifecycle.tokens import TokenManager

__all__ = ["id_among", "rejected", "remember_issued", "remembered_id"]

# SHA-256 of a value -> the id the platform gave it. Holds digests only, never a value; per process.
_ISSUED: dict[str, str] = {}
_LOCK = threading.Lock()
_PROBES = 3  # a revoke may take a moment to reach every front end
_PROBE_PAUSE = 0.3


def _digest(token: Token) -> str:
    return hashlib.sha256(token.reveal().encode()).hexdigest()


def remember_issued(token: Token, token_id: str) -> None:
    with _LOCK:
        _ISSUED[_digest(token)] = token_id


def remembered_id(token: Token) -> str | None:
    with _LOCK:
        return _ISSUED.get(_digest(token))


def id_among(token: Token, items: Iterable[dict[str, Any]]) -> str | None:
    """The id of `token` among the listed token infos: the remembered id or the SHA-256, whichever the list
    really holds; None when neither is there (opaque ids, or the token is not the user's)."""
    listed = {str(item.get("token_id") or "") for item in items}
    for candidate in (remembered_id(token), token.token_id):
        if candidate and candidate in listed:
            return candidate
    return None


def rejected(manager: TokenManager, token: Token, store: Store | None) -> bool:
    """Whether the workspace now refuses `token` (401, or 403 "Invalid access token."), asked through a
    separate session so the manager's own session is not disturbed."""
    from notebook_tokens.credentials.creds import Credentials
    from notebook_tokens.http.workspace import WorkspaceSession  # imports requests: only when checking

    creds = Credentials(host=manager.session.host, source="revoked-token probe", token=token, store=store)
    for attempt in range(_PROBES):
        probe = WorkspaceSession(creds)
        try:
            probe.api("GET", "/api/2.0/preview/scim/v2/Me")
        except ApiError as error:
            if error.status == 401 or "invalid access token" in error.message.lower():
                return True
        except (NotebookTokensError, OSError):
            pass  # unreachable: not proof either way; try again
        finally:
            probe.close()
        if attempt + 1 < _PROBES:
            time.sleep(_PROBE_PAUSE)
    return False
