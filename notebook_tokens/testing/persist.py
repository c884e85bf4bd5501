"""`--state FILE`: the workspace as JSON, written atomically (temp file + rename) so a crash never leaves
half a file. Recorded requests and faults are not state."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from notebook_tokens.testing.model import Scope, StoredToken, User, token_to_state, user_to_state
from notebook_tokens.testing.workspace import FakeWorkspace

FORMAT = 1


def to_state(ws: FakeWorkspace) -> dict[str, Any]:
    with ws.lock:
        return {
            "format": FORMAT,
            "admin_token": ws.admin_token,
            "user_token": ws.user_token,
            "conf": dict(ws.conf),
            "users": [user_to_state(u) for u in ws.users.values()],
            "tokens": [token_to_state(t) for t in ws.tokens.values()],
            "scopes": [s.to_state() for s in ws.scopes.values()],
            "clusters": [dict(c) for c in ws.clusters],
        }


def from_state(data: dict[str, Any]) -> FakeWorkspace:
    if data.get("format") != FORMAT:
        found = data.get("format")
        raise ValueError(f"unsupported emulator state format {found!r}; delete the file to reseed")
    ws = FakeWorkspace(seed="empty")
    ws.admin_token, ws.user_token = data["admin_token"], data["user_token"]
    ws.conf.update(data["conf"])
    ws.users = {u["user_name"]: User(**u) for u in data["users"]}
    ws.tokens = {t["token_id"]: StoredToken(**t) for t in data["tokens"]}
    ws.scopes = {s["name"]: Scope.from_state(s) for s in data["scopes"]}
    ws.clusters = list(data["clusters"])
    return ws


def save(ws: FakeWorkspace, path: Path) -> None:
    text = json.dumps(to_state(ws), indent=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o600)  # it holds token values
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def load(path: Path) -> FakeWorkspace:
    return from_state(json.loads(path.read_text()))
