"""Rotation against the emulator, with a fault at each step: the end state is always one working token
in the store, no active orphan carrying the rotation marker, and the old token revoked once the new works."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from crashsupport import crash_at, steps_of
from tokensupport import MemoryKeyring, make_workspace, session_for

from notebook_tokens.core.errors import InputError, RotationError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores.base import Store
from notebook_tokens.credentials.stores.specs import parse_store
from notebook_tokens.lifecycle.rotation import rotate
from notebook_tokens.lifecycle.tokens import TokenManager

STEPS = ["created", "stored", "verified", "switched"]


@pytest.fixture(params=["sha256-ids", "opaque-ids"])
def workspace(request: pytest.FixtureRequest) -> Any:
    """Every test here runs twice: token ids as the SDK documents them (SHA-256 of the value), and opaque."""
    return make_workspace("opaque" if request.param == "opaque-ids" else "sha256")


def real_id(emulator: Any, token: Token) -> str:
    """The id the workspace gave `token` (its SHA-256, or an opaque id)."""
    found = emulator.workspace.find_token(token.reveal())
    assert found is not None
    return str(found.token_id)


def start(emulator: Any, spec: str) -> tuple[TokenManager, Store]:
    """A notebook whose token (the user's) lives in `spec`. With opaque ids it is a token notebook-tokens
    made in this process (so it knows its id), replacing the seeded one; a token it never saw cannot be
    told apart there (test_opaque_ids.py covers that case)."""
    ws = emulator.workspace
    value = Token(ws.user_token)
    bootstrap = session_for(emulator.url, value)
    if ws.opaque_token_ids:
        value, _ = TokenManager(bootstrap).create("notebook token", timedelta(days=30))
        del ws.tokens[real_id(emulator, Token(ws.user_token))]
        bootstrap = session_for(emulator.url, value)
    store = parse_store(spec, api=bootstrap)
    store.write(emulator.url, value)
    return restart(emulator, store), store


def restart(emulator: Any, store: Store, value: Token | None = None) -> TokenManager:
    """A fresh process: its session reads the token from the store (or uses `value`)."""
    token = value or store.read(emulator.url)
    assert token is not None
    session = session_for(emulator.url, token, store=store, source=store.description)
    if hasattr(store, "api"):
        store.api = session  # a secret store writes through the notebook's session
    return TokenManager(session)


def assert_clean(emulator: Any, store: Store) -> Token:
    """One working token in the store; it is the user's only token; no active marked orphan."""
    ws = emulator.workspace
    stored = store.read(emulator.url)
    assert stored is not None and ws.is_token_active(stored.reveal())
    with session_for(emulator.url, stored) as probe:
        assert probe.api("GET", "/api/2.0/preview/scim/v2/Me")["userName"] == ws.user_user_name
    assert ws.token_ids(ws.user_user_name) == [real_id(emulator, stored)]
    marked = [t for t in ws.tokens.values()
              if "[nt:rot:" in t.comment and t.token_id != real_id(emulator, stored)]
    assert marked == []
    return stored


@pytest.mark.parametrize("kind", ["netrc", "keyring", "secret"])
def test_rotation_replaces_the_token_in_each_store(
    emulator: Any, tmp_path: Path, memory_keyring: MemoryKeyring, kind: str
) -> None:
    specs = {"netrc": f"netrc:{tmp_path / 'netrc'}", "keyring": "keyring:nt-rot", "secret": "secret:ops/pat"}
    spec = specs[kind]
    manager, store = start(emulator, spec)
    old = manager.session.credentials.token
    assert old is not None
    old_id = real_id(emulator, old)
    result = rotate(manager)
    stored = assert_clean(emulator, store)
    assert result.new_id == real_id(emulator, stored) and result.old_revoked
    assert result.old_id == old_id
    assert not emulator.workspace.is_token_active(old.reveal())
    assert manager.session.credentials.token == stored  # the session switched
    assert result.warning == "" and result.stored_in == store.description
    assert manager.me()["userName"] == emulator.workspace.user_user_name


def test_rotation_into_another_store(emulator: Any, tmp_path: Path) -> None:
    manager, _ = start(emulator, f"netrc:{tmp_path / 'first'}")
    result = rotate(manager, f"netrc:{tmp_path / 'second'}")
    second = parse_store(f"netrc:{tmp_path / 'second'}")
    assert real_id(emulator, assert_clean(emulator, second)) == result.new_id


def test_store_write_failure_revokes_the_new_token_and_keeps_the_old(
    emulator: Any, memory_keyring: MemoryKeyring
) -> None:
    manager, store = start(emulator, "keyring:nt-rot")
    old = manager.session.credentials.token
    memory_keyring.fail_writes = 1
    with pytest.raises(RotationError, match=r"old token is still in use.*revoked"):
        rotate(manager)
    assert assert_clean(emulator, store) == old
    assert manager.session.credentials.token == old


def test_verify_401_revokes_the_new_token_and_keeps_the_old(emulator: Any, tmp_path: Path) -> None:
    manager, store = start(emulator, f"netrc:{tmp_path / 'netrc'}")
    old = manager.session.credentials.token
    emulator.workspace.faults.fail(status=401, times=1, path="/api/2.0/preview/scim/v2/Me")
    with pytest.raises(RotationError, match=r"did not authenticate.*revoked.*still in use and back in"):
        rotate(manager)
    assert assert_clean(emulator, store) == old


def test_failing_to_revoke_the_old_token_keeps_the_new_and_names_the_old(
    emulator: Any, tmp_path: Path
) -> None:
    manager, store = start(emulator, f"netrc:{tmp_path / 'netrc'}")
    old = manager.session.credentials.token
    assert old is not None
    emulator.workspace.faults.fail(status=500, times=1, path="/api/2.0/token/delete")
    result = rotate(manager)
    assert result.old_id in result.warning and "%dbtoken revoke" in result.warning
    assert not result.old_revoked
    stored = store.read(emulator.url)
    assert stored is not None and real_id(emulator, stored) == result.new_id
    assert emulator.workspace.is_token_active(old.reveal())  # named, not yet revoked
    rotate(manager)  # the rerun finishes the job
    assert_clean(emulator, store)
    assert not emulator.workspace.is_token_active(old.reveal())


def test_the_crash_steps_are_every_checkpoint_of_a_rotation(emulator: Any, tmp_path: Path) -> None:
    """STEPS is the list a whole rotation passes, so a new checkpoint gets its crash test."""
    manager, _ = start(emulator, f"netrc:{tmp_path / 'netrc'}")
    assert steps_of(lambda checkpoint: rotate(manager, checkpoint=checkpoint)) == STEPS


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("restart_with", ["store", "old token"])
def test_rerun_after_dying_at_any_step_leaves_one_token_and_no_orphan(
    emulator: Any, tmp_path: Path, step: str, restart_with: str
) -> None:
    manager, store = start(emulator, f"netrc:{tmp_path / 'netrc'}")
    old = manager.session.credentials.token
    assert old is not None
    crash_at(step, lambda checkpoint: rotate(manager, checkpoint=checkpoint))
    again = restart(emulator, store, old if restart_with == "old token" else None)
    result = rotate(again)
    stored = assert_clean(emulator, store)
    assert result.new_id == real_id(emulator, stored)
    assert not emulator.workspace.is_token_active(old.reveal())
    assert again.session.credentials.token == stored


def test_repair_leaves_other_stores_rotations_alone(emulator: Any, tmp_path: Path) -> None:
    """Markers are scoped to one store: rotating netrc A never revokes the token rotated into netrc B."""
    ws = emulator.workspace
    manager, _ = start(emulator, f"netrc:{tmp_path / 'a'}")
    second, _ = ws.issue_token(ws.user_user_name, comment="for a job")
    store_b = parse_store(f"netrc:{tmp_path / 'b'}")
    store_b.write(emulator.url, Token(second))
    rotate(restart(emulator, store_b))
    b_token = store_b.read(emulator.url)
    assert b_token is not None
    rotate(manager)
    assert ws.is_token_active(b_token.reveal())


def test_rotation_needs_a_writable_store(emulator: Any) -> None:
    session = session_for(emulator.url, emulator.workspace.user_token, source="env DATABRICKS_TOKEN")
    with pytest.raises(InputError, match=r"env DATABRICKS_TOKEN, which cannot be written: pass --store"):
        rotate(TokenManager(session))


def test_rotation_default_lifetime_is_capped_at_the_workspace_maximum(emulator: Any, tmp_path: Path) -> None:
    emulator.workspace.conf["maxTokenLifetimeDays"] = "30"
    manager, _ = start(emulator, f"netrc:{tmp_path / 'netrc'}")
    result = rotate(manager)
    [info] = [i for i in manager.list() if i.token_id == result.new_id]
    assert info.expires is not None and (info.expires - info.created).days == 30
