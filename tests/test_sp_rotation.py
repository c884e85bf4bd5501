"""Rotation of a service principal's OAuth secret against the emulator, with a crash at each step: after a
rerun the store always holds one working secret, it is the principal's only secret (no orphan), and the old
secret's client_credentials exchange is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from crashsupport import crash_at, steps_of
from tokensupport import MemoryKeyring, session_for

from notebook_tokens.core.errors import OAuthError, RotationError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.oauth import client_credentials
from notebook_tokens.credentials.stores.base import Store
from notebook_tokens.credentials.stores.specs import parse_store
from notebook_tokens.http.oauth import post_form
from notebook_tokens.http.workspace import WorkspaceSession
from notebook_tokens.lifecycle.sprotation import rotate_sp_secret
from notebook_tokens.lifecycle.spsecrets import create_sp_secret
from notebook_tokens.testing.sp_secrets_api import add_service_principal

STEPS = ["created", "verified", "stored", "recorded", "deleted"]


def admin(emulator: Any) -> WorkspaceSession:
    return session_for(emulator.url, Token(emulator.workspace.admin_token))


def start(emulator: Any, spec: str) -> tuple[WorkspaceSession, str, Store, Token]:
    """An admin session, a principal, and its first secret made by `%dbtoken sp secret create` into `spec`."""
    session = admin(emulator)
    app_id = add_service_principal(emulator.workspace, "nightly")
    store = parse_store(spec, api=session)
    made = create_sp_secret(session, app_id, store)
    return session, app_id, store, made.secret


def works(emulator: Any, app_id: str, secret: Token) -> bool:
    try:
        client_credentials(post_form, emulator.url, app_id, secret)
    except OAuthError:
        return False
    return True


def secret_ids(emulator: Any, app_id: str) -> list[str]:
    return [s.id for s in emulator.workspace.oauth.sp_secrets.get(app_id, [])]


def assert_clean(emulator: Any, app_id: str, store: Store, old: Token) -> Token:
    """One working secret in the store, the principal's only one, and the old secret refused."""
    stored = store.read(emulator.url)
    assert stored is not None and stored != old
    assert works(emulator, app_id, stored) and not works(emulator, app_id, old)
    assert len(secret_ids(emulator, app_id)) == 1
    return stored


@pytest.mark.parametrize("kind", ["netrc", "keyring", "secret"])
def test_rotation_replaces_the_secret_in_each_store(
    emulator: Any, tmp_path: Path, memory_keyring: MemoryKeyring, kind: str
) -> None:
    specs = {"netrc": f"netrc:{tmp_path / 'netrc'}", "keyring": "keyring:nt-sp", "secret": "secret:ops/sp"}
    spec = specs[kind]
    session, app_id, store, old = start(emulator, spec)
    old_id = secret_ids(emulator, app_id)[0]
    result = rotate_sp_secret(session, app_id, store)
    assert_clean(emulator, app_id, store, old)
    assert secret_ids(emulator, app_id) == [result.new_id] and result.old_id == old_id
    assert result.old_revoked and result.warning == "" and result.stored_in == store.description


def test_the_crash_steps_are_every_checkpoint_of_a_rotation(emulator: Any, tmp_path: Path) -> None:
    """STEPS is the list a whole rotation passes, so a new checkpoint gets its crash test."""
    session, app_id, store, _ = start(emulator, f"netrc:{tmp_path / 'netrc'}")
    passed = steps_of(lambda checkpoint: rotate_sp_secret(session, app_id, store, checkpoint=checkpoint))
    assert passed == STEPS


@pytest.mark.parametrize("step", STEPS)
def test_a_crash_at_each_step_then_a_rerun_leaves_one_working_secret(
    emulator: Any, tmp_path: Path, step: str
) -> None:
    session, app_id, store, old = start(emulator, f"netrc:{tmp_path / 'netrc'}")
    crash_at(step, lambda checkpoint: rotate_sp_secret(session, app_id, store, checkpoint=checkpoint))
    in_store = store.read(emulator.url)
    assert in_store is not None and works(emulator, app_id, in_store)  # a working secret at every step
    result = rotate_sp_secret(admin(emulator), app_id, store)  # the rerun: a fresh process
    stored = assert_clean(emulator, app_id, store, old)
    assert secret_ids(emulator, app_id) == [result.new_id] and result.old_revoked
    assert not works(emulator, app_id, in_store) or in_store == stored


def test_a_lost_create_answer_leaves_no_orphan(emulator: Any, tmp_path: Path) -> None:
    session, app_id, store, old = start(emulator, f"netrc:{tmp_path / 'netrc'}")
    sp_id = emulator.workspace.service_principals[app_id]["id"]
    path = f"/api/2.0/accounts/servicePrincipals/{sp_id}/credentials/secrets"
    emulator.workspace.faults.lose_response(path=path, method="POST")
    with pytest.raises(RotationError, match="no answer"):
        rotate_sp_secret(session, app_id, store)
    assert store.read(emulator.url) == old and len(secret_ids(emulator, app_id)) == 1
    rotate_sp_secret(session, app_id, store)
    assert_clean(emulator, app_id, store, old)


def test_store_write_failure_deletes_the_new_secret_and_keeps_the_old(
    emulator: Any, memory_keyring: MemoryKeyring
) -> None:
    session, app_id, store, old = start(emulator, "keyring:nt-sp")
    before = secret_ids(emulator, app_id)
    memory_keyring.fail_writes = 1
    with pytest.raises(RotationError, match="old secret is still in use"):
        rotate_sp_secret(session, app_id, store)
    assert store.read(emulator.url) == old and works(emulator, app_id, old)
    assert secret_ids(emulator, app_id) == before


def test_an_old_secret_not_known_is_named_not_deleted(emulator: Any, tmp_path: Path) -> None:
    """Two secrets made elsewhere (no journal): which one the store holds cannot be told, so none goes."""
    session = admin(emulator)
    app_id = add_service_principal(emulator.workspace, "nightly")
    other = create_sp_secret(session, app_id, parse_store(f"netrc:{tmp_path / 'other'}"))
    store = parse_store(f"netrc:{tmp_path / 'netrc'}")
    made = create_sp_secret(session, app_id, parse_store(f"netrc:{tmp_path / 'elsewhere'}"))
    store.write(emulator.url, made.secret)  # copied by hand: this store's journal knows nothing
    result = rotate_sp_secret(session, app_id, store)
    assert result.old_id is None and not result.old_revoked and "%dbtoken sp list" in result.warning
    assert works(emulator, app_id, other.secret) and works(emulator, app_id, made.secret)
    result = rotate_sp_secret(session, app_id, store)  # now the journal knows: the rerun deletes its own
    assert result.old_revoked and len(secret_ids(emulator, app_id)) == 3


def test_the_only_secret_working_is_known_without_a_journal(emulator: Any, tmp_path: Path) -> None:
    session = admin(emulator)
    app_id = add_service_principal(emulator.workspace, "nightly")
    made = create_sp_secret(session, app_id, parse_store(f"netrc:{tmp_path / 'elsewhere'}"))
    store = parse_store(f"netrc:{tmp_path / 'netrc'}")
    store.write(emulator.url, made.secret)
    result = rotate_sp_secret(session, app_id, store)
    assert result.old_id == made.secret_id and result.old_revoked
    assert_clean(emulator, app_id, store, made.secret)
