"""`TokenInfo` (what the Token API reports about a token, never its value) and `GeneratedToken`.

Pure: imports neither IPython, ipywidgets, requests nor os.environ, so views and tests use it freely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from notebook_tokens.core.errors import InputError
from notebook_tokens.core.redact import Token, redact

__all__ = ["INACTIVITY_DAYS", "GeneratedToken", "TokenInfo", "check_token_id", "from_ms"]

# "Tokens unused for 90 days are revoked" (Databricks docs, "Monitor and revoke personal access tokens";
# /work/shared/FACTS.md). Only token-management reports last use (`last_used_day`), so only admin views know.
INACTIVITY_DAYS = 90

# Token IDs are 64 hex characters (the SHA-256 of the token); allow any id-like word, but never a "/",
# "." or "%" that would move `/token-management/tokens/{id}` to another endpoint (../../clusters/delete).
_TOKEN_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


def check_token_id(raw: str) -> str:
    """The stripped Token ID; InputError (nothing sent) for an empty or non-ID word."""
    token_id = raw.strip()
    if not token_id:
        raise InputError("a Token ID is empty: give the IDs shown by %dbtoken list, e.g. 0123456789ab")
    if not _TOKEN_ID.fullmatch(token_id):
        raise InputError(
            f"{redact(token_id)[:70]!r} is not a Token ID (letters, digits, - and _ only): copy the IDs "
            "shown by %dbtoken list"
        )
    return token_id


def from_ms(value: Any) -> datetime | None:
    """An epoch-milliseconds field as an aware UTC datetime; None for absent, 0 or -1 (no expiry: the only
    values for which a view may say "Never", since the platform gives every new token an expiry)."""
    if value in (None, "", -1, "-1", 0, "0"):
        return None
    return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc)


@dataclass(frozen=True)
class TokenInfo:
    """One token as the Token API (or token-management) reports it; never holds the value."""

    token_id: str
    comment: str
    created: datetime
    expires: datetime | None
    status: str  # "active" | "expiring" | "expired"
    in_use: bool
    created_by: str | None = None
    owner_id: str | None = None
    last_used: date | None = None
    # token scopes (empty: every API), iam.AutoscopeState (None for a plain token), what autoscope saw
    scopes: tuple[str, ...] = ()
    autoscope_state: str | None = None
    inferred_scopes: tuple[str, ...] = ()

    @property
    def autoscope(self) -> str:
        """The autoscope state for a view: "running", "user selected" or "" (AUTOSCOPE_STATE_RUNNING …)."""
        state = self.autoscope_state or ""
        return state.removeprefix("AUTOSCOPE_STATE_").replace("_", " ").lower()

    @property
    def unused_revocation(self) -> date | None:
        """The day the platform revokes this token if it stays unused; None when last use is not reported."""
        return None if self.last_used is None else self.last_used + timedelta(days=INACTIVITY_DAYS)

    @classmethod
    def from_api(
        cls, data: dict[str, Any], *, in_use_id: str | None = None, now: datetime | None = None,
        expiring_days: int = 7,
    ) -> TokenInfo:
        now = now or datetime.now(timezone.utc)
        expires = from_ms(data.get("expiry_time"))
        if expires is not None and expires <= now:
            status = "expired"
        elif expires is not None and expires - now < timedelta(days=expiring_days):
            status = "expiring"
        else:
            status = "active"
        last_used_at = from_ms(data.get("last_used_day"))
        last_used = last_used_at.date() if last_used_at is not None else None
        owner = data.get("owner_id")
        return cls(
            token_id=str(data.get("token_id", "")),
            comment=str(data.get("comment") or ""),
            created=from_ms(data.get("creation_time")) or datetime.fromtimestamp(0, tz=timezone.utc),
            expires=expires,
            status=status,
            in_use=bool(in_use_id) and data.get("token_id") == in_use_id,
            created_by=data.get("created_by_username"),
            owner_id=str(owner) if owner is not None else None,
            last_used=last_used,
            scopes=_strings(data.get("scopes")),
            autoscope_state=str(data["autoscope_state"]) if data.get("autoscope_state") else None,
            inferred_scopes=_strings(data.get("inferred_scopes")),
        )


def _strings(value: Any) -> tuple[str, ...]:
    """A list-of-strings field (scopes), tolerating absence (the SDK leaves empty lists out)."""
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


@dataclass(frozen=True)
class GeneratedToken:
    """A new token: its info, the value masked (a `Token`), the description of where it was stored, and
    what the workspace would have given a token asked for without a lifetime (days)."""

    info: TokenInfo
    token: Token
    stored_in: str
    workspace_default_days: int | None = None
