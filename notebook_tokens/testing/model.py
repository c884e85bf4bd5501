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
    """The SDK documents `token_id` as the SHA-256 of the token: lookups never need the value stored."""
    return hashlib.sha256(value.encode()).hexdigest()


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

    def expired(self, now_ms: int) -> bool:
        return self.expiry_time != -1 and self.expiry_time <= now_ms

    def public_info(self) -> dict[str, Any]:
        """`PublicTokenInfo`: what /api/2.0/token/* shows the owner."""
        return {
            "token_id": self.token_id,
            "creation_time": self.creation_time,
            "expiry_time": self.expiry_time,
            "comment": self.comment,
        }


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
