"""The local journal of a service principal's OAuth secret in one store: which secret id the store holds,
and a rotation in progress.

The secrets API has no comment field (databricks-sdk service/oauth2.py `CreateServicePrincipalSecretRequest`
has only `lifetime`), so a rotation cannot mark its new secret on the platform as PAT rotation does. It notes
it here instead, one small JSON file per (host, application id, store spec) under
`$XDG_STATE_HOME/notebook-tokens/sp-secrets/` (default ~/.local/state), mode 600, replaced atomically. It
holds secret ids and SHA-256 digests of values, never a value: a digest of a 256-bit random secret tells
nothing. The digest is how a rerun tells which secret the store holds without trusting the platform's
`secret_hash` (its algorithm is not documented).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from notebook_tokens.core.redact import Token

__all__ = ["Journal", "Noted", "digest", "journal_path"]


def digest(secret: Token) -> str:
    return hashlib.sha256(secret.reveal().encode()).hexdigest()


@dataclass
class Noted:
    """A secret by id (None: create's answer was not seen yet) and the SHA-256 of its value."""

    id: str | None = None
    sha256: str = ""


@dataclass
class Journal:
    """`current`: the secret the store holds. `pending`: a rotation's new secret, `before` the ids that
    existed when it was asked for (so a create whose answer was lost is found), `replaces` the id of the
    secret it replaces. `retire`: an old secret to delete now that the new one is stored and verified."""

    path: Path
    current: Noted | None = None
    pending: Noted | None = None
    before: list[str] = field(default_factory=list)
    replaces: str | None = None
    retire: str | None = None

    @classmethod
    def load(cls, path: Path) -> Journal:
        try:
            data: dict[str, Any] = json.loads(path.read_text())
        except (OSError, ValueError):
            return cls(path)
        return cls(
            path,
            current=Noted(**data["current"]) if data.get("current") else None,
            pending=Noted(**data["pending"]) if data.get("pending") else None,
            before=[str(i) for i in data.get("before") or []],
            replaces=data.get("replaces"),
            retire=data.get("retire"),
        )

    def save(self) -> None:
        """Write atomically (a crash leaves the old or the new journal, never half of one), mode 600."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        body = {
            "current": asdict(self.current) if self.current else None,
            "pending": asdict(self.pending) if self.pending else None,
            "before": self.before,
            "replaces": self.replaces,
            "retire": self.retire,
        }
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".journal-")
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(body, handle)
            os.replace(tmp, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def holds(self, secret: Token | None) -> str | None:
        """The id of the `current` secret when `secret` is it, else None."""
        if secret is None or self.current is None or self.current.sha256 != digest(secret):
            return None
        return self.current.id


def journal_path(host: str, application_id: str, store_spec: str, base: Path | None = None) -> Path:
    if base is None:
        home = Path(os.environ.get("HOME") or Path.home())
        state = os.environ.get("XDG_STATE_HOME") or str(home / ".local" / "state")
        base = Path(state) / "notebook-tokens" / "sp-secrets"
    key = hashlib.sha256(f"{host}|{application_id}|{store_spec}".encode()).hexdigest()[:16]
    return base / f"{key}.json"
