"""Host normalisation and the credential chain: order, sources, and the error listing every miss."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest
from tokensupport import MemoryKeyring

from notebook_tokens.core.errors import CredentialsNotFoundError, InputError
from notebook_tokens.core.hosts import is_loopback, normalize_host
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.credentials.stores.keyringstore import KeyringStore
from notebook_tokens.credentials.stores.netrcstore import NetrcStore
from notebook_tokens.http.workspace import WorkspaceSession, credentials

PAT = "dapi" + "34" * 16
HOST = "https://adb-1.2.azuredatabricks.net"


# databricks-sdk probes the host it is given: every test here fails if it resolves a non-loopback name
pytestmark = pytest.mark.usefixtures("loopback_only")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("adb-1.2.azuredatabricks.net", HOST),
        ("https://ADB-1.2.azuredatabricks.net/", HOST),
        ("https://adb-1.2.azuredatabricks.net/?o=1234567890#job/1", HOST),
        ("https://adb-1.2.azuredatabricks.net:443/browse", HOST),
        ("  adb-1.2.azuredatabricks.net/  ", HOST),
        ("https://h.example:8443", "https://h.example:8443"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("http://localhost:80", "http://localhost"),
        ("http://[::1]:9/", "http://[::1]:9"),
    ],
)
def test_hosts_are_normalised(given: str, expected: str) -> None:
    assert normalize_host(given) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "",
            "The workspace host is empty: pass host='https://<workspace>.cloud.databricks.com' "
            "or set DATABRICKS_HOST.",
        ),
        ("ftp://h", "The workspace host must start with https:// (got ftp://)."),
        (
            "https://u:p@h",
            "The workspace host must not contain a user name or password (user:pass@): remove it",
        ),
        ("https://h:99999", "has an invalid port."),
        ("https://", "is not a workspace URL: expected https://<host>."),
    ],
)
def test_bad_hosts_say_what_to_write(given: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        normalize_host(given)
    assert message in str(info.value)


def test_loopback_detection() -> None:
    assert is_loopback("localhost") and is_loopback("127.9.9.9") and is_loopback("[::1]")
    assert not is_loopback("example.com") and not is_loopback("10.0.0.1")


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def write_netrc(home: Path, host: str, password: str) -> None:
    path = home / ".netrc"
    path.write_text(f"machine {host} login token password {password}\n")
    path.chmod(0o600)


def test_env_host_and_token_come_first(memory_keyring: MemoryKeyring) -> None:
    KeyringStore().write(HOST, Token("dapi" + "99" * 16))
    creds = credentials(environ={"DATABRICKS_HOST": HOST + "/", "DATABRICKS_TOKEN": PAT})
    assert (creds.host, creds.source, creds.token, creds.store) == (
        HOST,
        "env DATABRICKS_TOKEN",
        Token(PAT),
        None,
    )
    assert creds.headers() == {"Authorization": "Bearer " + PAT}


def test_keyring_is_used_when_env_has_no_token(memory_keyring: MemoryKeyring) -> None:
    KeyringStore().write(HOST, Token(PAT))
    creds = credentials(environ={"DATABRICKS_HOST": HOST})
    assert creds.source == "keyring service databricks" and creds.token == Token(PAT)
    assert isinstance(creds.store, KeyringStore)


def test_netrc_is_used_after_keyring(isolated_home: Path, no_keyring: None) -> None:
    write_netrc(isolated_home, "adb-1.2.azuredatabricks.net", PAT)
    creds = credentials(HOST, environ={})
    assert creds.source == f"netrc {isolated_home / '.netrc'}" and isinstance(creds.store, NetrcStore)


def test_default_profile_gives_host_and_token(isolated_home: Path, no_keyring: None) -> None:
    (isolated_home / ".databrickscfg").write_text(f"[DEFAULT]\nhost = {HOST}\ntoken = {PAT}\n")
    creds = credentials(environ={})
    assert (creds.host, creds.token) == (HOST, Token(PAT))
    assert creds.source == f"profile DEFAULT in {isolated_home / '.databrickscfg'}"


def test_explicit_profile_wins_over_env(isolated_home: Path) -> None:
    (isolated_home / ".databrickscfg").write_text(f"[work]\nhost = {HOST}\ntoken = {PAT}\n")
    creds = credentials(
        profile="work", environ={"DATABRICKS_HOST": "https://x.example", "DATABRICKS_TOKEN": "dapi0"}
    )
    assert (creds.host, creds.token) == (HOST, Token(PAT))


def test_missing_profile_says_how_to_create_it(isolated_home: Path) -> None:
    with pytest.raises(CredentialsNotFoundError) as info:
        credentials(profile="nope", environ={})
    assert str(info.value) == (
        f"There is no profile nope in {isolated_home / '.databrickscfg'}: "
        "run `databricks configure --profile nope` or pick another profile."
    )


def test_explicit_store_wins_over_env(isolated_home: Path) -> None:
    write_netrc(isolated_home, "adb-1.2.azuredatabricks.net", PAT)
    creds = credentials(
        store="netrc", environ={"DATABRICKS_HOST": HOST, "DATABRICKS_TOKEN": "dapi" + "0" * 32}
    )
    assert creds.token == Token(PAT) and creds.source.startswith("netrc ")


def test_explicit_store_without_a_token_says_how_to_fill_it(isolated_home: Path) -> None:
    with pytest.raises(CredentialsNotFoundError) as info:
        credentials(HOST, store="netrc", environ={})
    assert str(info.value) == (
        f"netrc {isolated_home / '.netrc'} has no token for {HOST}: save one there "
        f"(%dbtoken generate --store netrc:{isolated_home / '.netrc'}) or choose another store."
    )


def test_explicit_read_only_store_without_a_token_does_not_suggest_writing_to_it() -> None:
    """`env` cannot be written: the message must not send the user to `%dbtoken generate --store env`."""
    with pytest.raises(CredentialsNotFoundError) as info:
        credentials(HOST, store="env", environ={"DATABRICKS_HOST": "https://other.example.com"})
    assert str(info.value) == (
        f"env DATABRICKS_TOKEN has no token for {HOST}: it is read only: set it for this workspace "
        "or choose another store."
    )


def test_explicit_store_without_any_host_says_where_to_put_it() -> None:
    with pytest.raises(
        CredentialsNotFoundError, match=r"^No workspace host for netrc .*: pass host='https://\.\.\.' or set"
    ):
        credentials(store="netrc", environ={})


def test_secret_store_outside_notebooks_bootstraps_from_the_chain(db_env: Any) -> None:
    ws = db_env.workspace
    admin = WorkspaceSession(Credentials(db_env.url, "t", Token(ws.admin_token)))
    admin.api("POST", "/api/2.0/secrets/scopes/create", json={"scope": "ops"})
    admin.api(
        "POST", "/api/2.0/secrets/put", json={"scope": "ops", "key": "pat", "string_value": ws.user_token}
    )
    creds = credentials(store="secret:ops/pat")
    assert creds.token == Token(ws.user_token) and creds.source == "secret scope ops/pat"


class Option:
    def __init__(self, value: str) -> None:
        self.value = value

    def get(self) -> str:
        return self.value


class FakeContext:
    def __init__(self, url: str, tokens: list[str]) -> None:
        self.url, self.tokens = url, tokens

    def apiUrl(self) -> Option:
        return Option(self.url)

    def apiToken(self) -> Option:
        return Option(self.tokens.pop(0) if len(self.tokens) > 1 else self.tokens[0])


class FakeDbutils:
    """Stands in for the Databricks runtime's dbutils notebook context (py4j objects), absent here."""

    def __init__(
        self, url: str, tokens: list[str], secrets: dict[tuple[str, str], str] | None = None
    ) -> None:
        context = FakeContext(url, tokens)
        getter = type("G", (), {"getContext": lambda self: context})()
        dbutils_obj = type("D", (), {"notebook": lambda self: getter})()
        entry_point = type("E", (), {"getDbutils": lambda self: dbutils_obj})()
        self.notebook = type("N", (), {"entry_point": entry_point})()
        values = secrets or {}
        self.secrets = type("S", (), {"get": lambda self, scope, key: values[(scope, key)]})()


def test_notebook_context_token_is_read_per_request(emulator: Any) -> None:
    ws = emulator.workspace
    dbutils = FakeDbutils(emulator.url, [ws.admin_token, ws.user_token])
    creds = credentials(environ={"DATABRICKS_RUNTIME_VERSION": "15.4"}, dbutils=dbutils)
    assert creds.source == "Databricks notebook context" and creds.host == emulator.url
    db = WorkspaceSession(creds)
    db.get("/api/2.0/token/list")
    assert ws.requests[-1].header("Authorization") == "Bearer " + ws.user_token  # the refreshed one


def test_configured_secret_is_read_with_dbutils() -> None:
    dbutils = FakeDbutils(HOST, ["dapi" + "0" * 32], {("ops", "pat"): PAT})
    env = {"DATABRICKS_HOST": "https://other.example", "NOTEBOOK_TOKENS_SECRET": "ops/pat"}
    creds = credentials(environ=env, dbutils=dbutils)
    assert creds.source == "secret scope ops/pat" and creds.token == Token(PAT)


def test_nothing_found_lists_every_source_and_why(isolated_home: Path, no_keyring: None) -> None:
    with pytest.raises(CredentialsNotFoundError) as info:
        credentials(environ={"DATABRICKS_TOKEN": ""})
    assert str(info.value) == (
        "No Databricks credentials found for any workspace. Set DATABRICKS_HOST and DATABRICKS_TOKEN, save a "
        "token in a store (keyring, netrc, secret:SCOPE/KEY) and pass store=..., or configure a profile with "
        "`databricks configure`.\nSources tried:\n"
        "  - env DATABRICKS_TOKEN: not set\n"
        "  - Databricks notebook context: not in Databricks (DATABRICKS_RUNTIME_VERSION not set)\n"
        "  - secret scope: NOTEBOOK_TOKENS_SECRET (SCOPE/KEY) not set\n"
        "  - keyring service databricks: no workspace host known (pass host= or set DATABRICKS_HOST)\n"
        f"  - netrc {isolated_home / '.netrc'}: no workspace host known (pass host= or set DATABRICKS_HOST)\n"
        f"  - profile DEFAULT in {isolated_home / '.databrickscfg'}: not found\n"
        "  - databricks-sdk unified auth: no workspace host known (pass host= or set DATABRICKS_HOST)"
    )


def test_nothing_found_for_a_host_fails_in_seconds_with_each_reason(
    emulator: Any, isolated_home: Path, no_keyring: None
) -> None:
    """databricks-sdk is the last resort; with its short retry budget the whole chain fails quickly."""
    write_netrc(isolated_home, "other.example", PAT)
    env = {"DATABRICKS_HOST": "https://elsewhere.example", "DATABRICKS_TOKEN": PAT}
    started = time.monotonic()
    with pytest.raises(CredentialsNotFoundError) as info:
        credentials(emulator.url, environ=env)
    assert time.monotonic() - started < 15
    reasons = dict(info.value.tried)
    assert reasons["env DATABRICKS_TOKEN"] == f"DATABRICKS_HOST is another workspace, not {emulator.url}"
    assert reasons["keyring service databricks"].startswith("no keyring backend (pip install keyrings.alt")
    assert reasons[f"netrc {isolated_home / '.netrc'}"] == "no `machine 127.0.0.1` entry with a password"
    assert "databricks-sdk unified auth" in reasons
    assert PAT not in str(info.value)


def test_credentials_repr_masks_the_token() -> None:
    creds = Credentials(HOST, "env DATABRICKS_TOKEN", Token(PAT))
    assert PAT not in repr(creds) and "dapi…3434" in repr(creds)


def test_profile_without_a_token_is_used_through_databricks_sdk(
    emulator: Any, isolated_home: Path, no_keyring: None
) -> None:
    """A profile with another auth type (here basic; OAuth and Azure alike) becomes an SDK header provider."""
    ws = emulator.workspace
    (isolated_home / ".databrickscfg").write_text(
        f"[DEFAULT]\nhost = {emulator.url}\nusername = token\npassword = {ws.user_token}\n"
    )
    creds = credentials(environ={})
    assert creds.source == (
        f"databricks-sdk unified auth (basic), profile DEFAULT in {isolated_home / '.databrickscfg'}"
    )
    WorkspaceSession(creds).api("GET", "/api/2.0/token/list")
    assert (ws.requests[-1].header("Authorization") or "").startswith("Basic ")


def test_dbutils_is_found_in_the_notebook_namespace(emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside Databricks, `notebook_tokens.session()` needs no dbutils argument."""
    import sys

    ws = emulator.workspace
    monkeypatch.setattr(
        sys.modules["__main__"], "dbutils", FakeDbutils(emulator.url, [ws.admin_token]), raising=False
    )
    creds = credentials(environ={"DATABRICKS_RUNTIME_VERSION": "15.4"})
    assert creds.source == "Databricks notebook context" and creds.token == Token(ws.admin_token)


def test_runtime_without_dbutils_says_how_to_pass_it(isolated_home: Path, no_keyring: None) -> None:
    with pytest.raises(CredentialsNotFoundError) as info:
        credentials(environ={"DATABRICKS_RUNTIME_VERSION": "15.4"})
    assert dict(info.value.tried)["Databricks notebook context"] == (
        "no dbutils in the notebook namespace (pass dbutils=dbutils)"
    )


def test_credentials_without_token_or_provider_say_so() -> None:
    with pytest.raises(CredentialsNotFoundError, match=r"^nowhere gave no token for https://h\.example\.$"):
        Credentials("https://h.example", "nowhere").headers()


def test_profile_without_host_says_what_to_add(isolated_home: Path) -> None:
    (isolated_home / ".databrickscfg").write_text(f"[p]\ntoken = {PAT}\n")
    with pytest.raises(CredentialsNotFoundError) as info:
        credentials(profile="p", environ={})
    assert (
        str(info.value)
        == f"Profile p in {isolated_home / '.databrickscfg'} has no host: add host = https://..."
    )


def test_secret_store_outside_notebooks_without_another_credential_says_what_it_needs(
    isolated_home: Path, no_keyring: None
) -> None:
    with pytest.raises(CredentialsNotFoundError) as info:
        credentials(
            "http://127.0.0.1:9", store="secret:ops/pat", environ={"DATABRICKS_CONFIG_PROFILE": "none"}
        )
    assert str(info.value).startswith(
        "Reading secret scope ops/pat outside a notebook needs another credential "
        "for http://127.0.0.1:9 first.\n"
        "Sources tried:\n  - env DATABRICKS_TOKEN: not set"
    )


def test_profile_store_spec_takes_the_host_from_the_profile(isolated_home: Path) -> None:
    (isolated_home / ".databrickscfg").write_text(f"[work]\nhost = {HOST}\ntoken = {PAT}\n")
    creds = credentials(store="profile:work", environ={})
    assert (creds.host, creds.token, creds.store) == (HOST, Token(PAT), None)


def test_an_empty_store_spec_means_the_default_chain() -> None:
    creds = credentials(store="  ", environ={"DATABRICKS_HOST": HOST, "DATABRICKS_TOKEN": PAT})
    assert creds.source == "env DATABRICKS_TOKEN"
