"""`Hit`: where a token value was found (never the value: `token` is a masked `Token`); `Finding`: a hit and
what the workspace says about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from notebook_tokens.core.redact import Token

__all__ = ["Finding", "Hit", "Origin", "Status"]

Origin = Literal["file", "git", "workspace"]
Status = Literal["live", "not found", "unknown"]


@dataclass(frozen=True)
class Hit:
    origin: Origin
    where: str  # a local path, a workspace path, or the path of a blob in git history
    line: int  # 1-based, in the file, the blob or the exported notebook
    part: str  # "" | "cell 3, outputs" | "widget state" | "blob 1a2b3c4d5e6f"
    form: str  # "PAT" | "value" | "URL-encoded" | "base64"
    token: Token
    offset: int = 0  # byte offset in the file (local files: what --redact-files rewrites)
    length: int = 0

    @property
    def location(self) -> str:
        """`path:line`, with the notebook cell or git blob after it."""
        prefix = {"file": "", "git": "git:", "workspace": "workspace:"}[self.origin]
        return f"{prefix}{self.where}:{self.line}" + (f" ({self.part})" if self.part else "")

    @property
    def masked(self) -> str:
        return self.token.masked


@dataclass(frozen=True)
class Finding:
    """A hit with its status. live: owner, token ID, comment and expiry from the token list; not found:
    revoked, expired or another user's; unknown: the identity could not be established (see `note`)."""

    hit: Hit
    status: Status
    token_id: str | None = None
    owner: str | None = None
    comment: str = ""
    expires: datetime | None = None
    in_use: bool = False
    note: str = ""
