"""M2M OAuth: a service principal's secret in a store (`m2m:CLIENT_ID@SPEC`) or in env, exchanged at the
emulator's /oidc/v1/token, refreshed ahead of expiry, with personal access tokens disabled."""

from __future__ import annotations

import time
from typing import Any

import pytest
from oauthsupport import disable_pats, service_principal_with_secret
from tokensupport import MemoryKeyring

import notebook_tokens
from notebook_tokens.core.errors import CredentialsNotFoundError, InputError, OAuthError
from notebook_tokens.core.redact import Token, redact
from notebook_tokens.credentials.oauthcreds import oauth_provider
from notebook_tokens.credentials.stores.keyringstore import KeyringStore
from notebook_tokens.credentials.stores.m2m import M2MStore
from notebook_tokens.credentials.stores.specs import parse_store

ME = "/api/2.0/preview/scim/v2/Me"


def _keep_secret(emulator: Any, secret: str, service: str = "sp") -> None:
    KeyringStore(service).write(emulator.url, Token(secret))


def test_m2m_spec_parses_to_the_inner_store() -> None:
    store = parse_store("m2m:1b2c-3d@keyring:sp")
    assert isinstance(store, M2MStore) and store.client_id == "1b2c-3d"
    assert store.inner.spec == "keyring:sp" and store.spec == "m2m:1b2c-3d@keyring:sp"


@pytest.mark.parametrize("spec", ["m2m:", "m2m:abc", "m2m:@keyring", "m2m:abc@env", "m2m:abc@profile:X"])
def test_m2m_spec_without_a_secret_store_is_refused(spec: str) -> None:
    with pytest.raises(InputError, match="m2m:CLIENT_ID@SPEC"):
        parse_store(spec)


def test_session_from_m2m_store_answers_as_the_principal_with_pats_disabled(
    emulator: Any, memory_keyring: MemoryKeyring
) -> None:
    app_id, _, secret = service_principal_with_secret(emulator.workspace)
    _keep_secret(emulator, secret)
    disable_pats(emulator.workspace)
    db = notebook_tokens.session(emulator.url, store=f"m2m:{app_id}@keyring:sp")
    assert db.get(ME).json()["userName"] == app_id
    token_form = [r for r in emulator.workspace.requests if r.path == "/oidc/v1/token"][-1]
    assert b"grant_type=client_credentials" in token_form.body and b"scope=all-apis" in token_form.body


def test_access_token_is_renewed_ahead_of_expiry(emulator: Any, memory_keyring: MemoryKeyring) -> None:
    """With 2 s tokens, calls 2.5 s apart keep working: a new token is fetched, never an expired one sent."""
    emulator.workspace.oauth_ttl = 2
    app_id, _, secret = service_principal_with_secret(emulator.workspace)
    _keep_secret(emulator, secret)
    db = notebook_tokens.session(emulator.url, store=f"m2m:{app_id}@keyring:sp")
    provider = oauth_provider(db.credentials)
    assert provider is not None
    first = provider.current().access
    for _ in range(2):
        assert db.get(ME).status_code == 200
        time.sleep(2.5)
    assert db.get(ME).status_code == 200
    assert provider.refreshes >= 2 and provider.current().access != first
    statuses = [r.path for r in emulator.workspace.requests if r.path == ME]
    assert len(statuses) == 3


def test_a_request_is_retried_once_after_token_is_expired(
    emulator: Any, memory_keyring: MemoryKeyring
) -> None:
    app_id, _, secret = service_principal_with_secret(emulator.workspace)
    _keep_secret(emulator, secret)
    db = notebook_tokens.session(emulator.url, store=f"m2m:{app_id}@keyring:sp")
    for grant in emulator.workspace.oauth.access.values():  # the platform's clock ran ahead of ours
        grant.expires_ms = 0
    assert db.get(ME).status_code == 200
    assert [r.path for r in emulator.workspace.requests].count(ME) == 2


def test_a_wrong_secret_fails_naming_the_grant_without_the_secret(
    emulator: Any, memory_keyring: MemoryKeyring
) -> None:
    app_id, _, _ = service_principal_with_secret(emulator.workspace)
    wrong = "dose" + "0" * 32
    _keep_secret(emulator, wrong)
    with pytest.raises(OAuthError, match="client_credentials") as info:
        notebook_tokens.session(emulator.url, store=f"m2m:{app_id}@keyring:sp")
    assert wrong not in str(info.value)


def test_env_client_id_and_secret_go_through_the_same_code(
    emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_id, _, secret = service_principal_with_secret(emulator.workspace)
    disable_pats(emulator.workspace)
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", app_id)
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", secret)
    db = notebook_tokens.session()
    assert db.get(ME).json()["userName"] == app_id
    assert oauth_provider(db.credentials) is not None and "env DATABRICKS_CLIENT_SECRET" in db.source


def test_env_client_secret_is_not_used_for_another_host(
    emulator: Any, foreign_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_id, _, secret = service_principal_with_secret(emulator.workspace)
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", app_id)
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", secret)
    with pytest.raises(CredentialsNotFoundError, match="DATABRICKS_CLIENT_ID"):
        notebook_tokens.session(foreign_server.url)
    assert foreign_server.requests == []


def test_expired_oauth_token_gets_the_platforms_401(emulator: Any) -> None:
    from notebook_tokens.testing.oauth_tokens import issue_access

    answer = issue_access(
        emulator.workspace, emulator.workspace.admin_user_name, "databricks-cli", ("all-apis",)
    )
    access = str(answer["access_token"])
    assert emulator.workspace.call("GET", ME, token=access).status == 200
    emulator.workspace.oauth_ttl = 0
    for grant in emulator.workspace.oauth.access.values():
        grant.expires_ms = 0
    reply = emulator.workspace.call("GET", ME, token=access)
    assert reply.status == 401 and reply.data()["message"] == "Token is expired"


def test_jwt_shapes_are_redacted_by_pattern() -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhQGIuYyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    assert redact(f"Bearer {jwt} done") == "Bearer [REDACTED] done"
    assert redact("keyJoin.somethingelse.x") == "keyJoin.somethingelse.x"
