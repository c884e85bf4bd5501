"""The emulator's records: users, tokens and secret scopes, and how they serialise for `--state`."""

from __future__ import annotations

import hashlib
import secrets as _secrets
from dataclasses import asdict, dataclass, field
from typing import Any

DAY_MS = 86_400_000


def new_token_value() -> str:
    """`dapi` + 32 lowercase hex, the platform's PAT format."""
    return "dapi" + _secrets.token_hex(16)


def token_id_of(value: str) -> str:
    """The SDK documents `token_id` as the SHA-256 of the token (one line of TokensAPI.update's docstring):
    lookups never need the value stored."""
    return hashlib.sha256(value.encode()).hexdigest()


def opaque_token_id() -> str:
    """A token id that is not derived from the value (FakeWorkspace(opaque_token_ids=True)): the SDK's
    "SHA-256 of the token" is one docstring line, so the extension must not depend on it alone."""
    return _secrets.token_hex(32)


@dataclass
class User:
    user_name: str
    id: int
    admin: bool = False
    can_use_tokens: bool = True  # False: the token API answers "User does not have permission to use tokens."

    @property
    def display_name(self) -> str:
        return self.user_name.split("@")[0].replace(".", " ").title()


@dataclass
class StoredToken:
    token_id: str
    owner: str  # user_name
    comment: str
    creation_time: int  # epoch ms
    expiry_time: int  # epoch ms, -1 = never
    last_used_day: int | None = None  # epoch ms of the UTC day
    value_hash: str = ""  # SHA-256 of the value: how a presented token is found when ids are opaque
    scopes: list[str] = field(default_factory=list)  # empty: every API (SDK PublicTokenInfo.scopes)
    autoscope_state: str | None = None  # iam.AutoscopeState value, None when neither scopes nor autoscope
    inferred_scopes: list[str] = field(default_factory=list)  # collected while autoscope is RUNNING
    backfill_scopes: list[str] = field(default_factory=list)
    created_by: str | None = None  # user_name of the admin who made an on-behalf-of token, else the owner

    def expired(self, now_ms: int) -> bool:
        # -1 means no expiry (SDK PublicTokenInfo.expiry_time); 0 is treated the same way
        return self.expiry_time not in (-1, 0) and self.expiry_time <= now_ms

    def public_info(self) -> dict[str, Any]:
        """`PublicTokenInfo`: what /api/2.0/token/* shows the owner. Like the SDK's as_dict, empty scope
        lists and an unset autoscope state are left out."""
        info: dict[str, Any] = {
            "token_id": self.token_id,
            "creation_time": self.creation_time,
            "expiry_time": self.expiry_time,
            "comment": self.comment,
        }
        for name in ("scopes", "inferred_scopes", "backfill_scopes"):
            if getattr(self, name):
                info[name] = list(getattr(self, name))
        if self.autoscope_state is not None:
            info["autoscope_state"] = self.autoscope_state
        return info


@dataclass
class Scope:
    name: str
    acls: dict[str, str] = field(default_factory=dict)  # principal -> READ | WRITE | MANAGE
    secrets: dict[str, tuple[bytes, int]] = field(default_factory=dict)  # key -> (value, updated ms)

    def to_state(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "acls": self.acls,
            "secrets": {k: [v.hex(), ts] for k, (v, ts) in self.secrets.items()},
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Scope:
        return cls(
            data["name"],
            dict(data["acls"]),
            {k: (bytes.fromhex(v), int(ts)) for k, (v, ts) in data["secrets"].items()},
        )


def user_to_state(user: User) -> dict[str, Any]:
    return asdict(user)


def token_to_state(token: StoredToken) -> dict[str, Any]:
    return asdict(token)
