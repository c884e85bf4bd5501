"""secret:SCOPE/KEY: dbutils inside Databricks, else the Secrets API (emulator); writes via secrets/put."""

from __future__ import annotations

from typing import Any

import pytest

from notebook_tokens.core.errors import SecretsApiError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.credentials.stores.secret import SecretStore
from notebook_tokens.credentials.stores.specs import parse_store
from notebook_tokens.http.workspace import WorkspaceSession

PAT = "dapi" + "12" * 16


class FakeSecrets:
    def __init__(self, values: dict[tuple[str, str], str], error: Exception | None = None) -> None:
        self.values, self.error, self.calls = values, error, 0

    def get(self, scope: str, key: str) -> str:
        self.calls += 1
        if self.error is not None:
            raise self.error
        if (scope, key) not in self.values:
            raise RuntimeError(f"Secret does not exist with scope: {scope} and key: {key}")
        return self.values[(scope, key)]


class FakeDbutils:
    """Stands in for the Databricks runtime's `dbutils` (only `secrets.get`), which cannot exist here."""

    def __init__(self, values: dict[tuple[str, str], str], error: Exception | None = None) -> None:
        self.secrets = FakeSecrets(values, error)


def api(emulator: Any) -> WorkspaceSession:
    return WorkspaceSession(Credentials(emulator.url, "test", Token(emulator.workspace.admin_token)))


def test_write_creates_the_scope_then_reads_back(emulator: Any) -> None:
    store = parse_store("secret:ops/pat", api=api(emulator))
    store.write(emulator.url, Token(PAT))
    assert emulator.workspace.secret_value("ops", "pat") == PAT.encode()
    assert store.read(emulator.url) == Token(PAT)
    paths = [r.path for r in emulator.workspace.requests]
    assert paths[:3] == ["/api/2.0/secrets/put", "/api/2.0/secrets/scopes/create", "/api/2.0/secrets/put"]


def test_missing_key_reads_as_none(emulator: Any) -> None:
    session = api(emulator)
    session.api("POST", "/api/2.0/secrets/scopes/create", json={"scope": "ops"})
    assert SecretStore("ops", "none", api=session).read(emulator.url) is None


def test_refused_get_outside_notebooks_says_so_and_suggests_keyring_or_netrc(emulator: Any) -> None:
    emulator.workspace.faults.fail(status=400, path="/api/2.0/secrets/get")
    with pytest.raises(SecretsApiError) as info:
        SecretStore("ops", "pat", api=api(emulator)).read(emulator.url)
    text = str(info.value)
    assert text.startswith(
        "The workspace refused to return secret scope ops/pat through the Secrets API (400"
    )
    assert text.endswith(
        "Outside a Databricks notebook the platform may refuse to return secret values; keep the token in "
        "keyring (--store keyring) or netrc (--store netrc) on this machine instead."
    )


def test_write_verifies_through_list_when_get_is_refused(emulator: Any) -> None:
    emulator.workspace.faults.fail(status=400, times=5, path="/api/2.0/secrets/get")
    SecretStore("ops", "pat", api=api(emulator)).write(emulator.url, Token(PAT))
    assert emulator.workspace.secret_value("ops", "pat") == PAT.encode()


def test_write_without_permission_says_who_can_help(emulator: Any) -> None:
    admin = api(emulator)
    admin.api("POST", "/api/2.0/secrets/scopes/create", json={"scope": "locked"})
    user = WorkspaceSession(Credentials(emulator.url, "u", Token(emulator.workspace.user_token)))
    with pytest.raises(SecretsApiError) as info:
        SecretStore("locked", "pat", api=user).write(emulator.url, Token(PAT))
    assert "Could not write secret scope locked/pat (" in str(info.value)
    assert str(info.value).endswith(
        "you need WRITE (or MANAGE to create the scope) permission on it; ask a workspace admin, or choose "
        "another store."
    )
    assert PAT not in str(info.value)


def test_without_a_session_the_store_says_what_it_needs() -> None:
    with pytest.raises(
        SecretsApiError, match=r"^Cannot write secret scope a/b: the Secrets API needs a workspace"
    ):
        SecretStore("a", "b").write("https://h", Token(PAT))


def test_delete_removes_the_key(emulator: Any) -> None:
    store = SecretStore("ops", "pat", api=api(emulator))
    store.write(emulator.url, Token(PAT))
    store.delete(emulator.url)
    assert emulator.workspace.secret_value("ops", "pat") is None


def test_dbutils_is_used_for_reads_inside_databricks() -> None:
    dbutils = FakeDbutils({("ops", "pat"): PAT})
    assert parse_store("secret:ops/pat", dbutils=dbutils).read("https://h") == Token(PAT)
    assert SecretStore("ops", "other", dbutils=dbutils).read("https://h") is None


def test_dbutils_failure_names_scope_and_what_to_check() -> None:
    dbutils = FakeDbutils({}, PermissionError("no READ for " + PAT))
    with pytest.raises(SecretsApiError) as info:
        SecretStore("ops", "pat", dbutils=dbutils).read("https://h")
    assert str(info.value) == (
        "dbutils.secrets.get could not read secret scope ops/pat (PermissionError): check the scope and key "
        "names and your READ permission on the scope."
    )
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_a_binary_secret_is_not_taken_for_a_token(emulator: Any) -> None:
    session = api(emulator)
    session.api("POST", "/api/2.0/secrets/scopes/create", json={"scope": "ops"})
    session.api("POST", "/api/2.0/secrets/put", json={"scope": "ops", "key": "bin", "bytes_value": "//79"})
    with pytest.raises(
        SecretsApiError, match=r"^secret scope ops/bin does not hold a text token: put a token there\.$"
    ):
        SecretStore("ops", "bin", api=session).read(emulator.url)
