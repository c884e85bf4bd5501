"""A per-test random canary token never shows up: DEBUG logs (urllib3, requests, databricks.sdk, ours),
stdout/stderr, reprs of public objects, exception messages, their cause chains and formatted tracebacks."""

from __future__ import annotations

import logging
import secrets
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.null
import pytest
from tokensupport import MemoryKeyring

from notebook_tokens.core.errors import NotebookTokensError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.chain import resolve
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.credentials.sdkauth import sdk_provider as _sdk_provider
from notebook_tokens.credentials.stores.keyringstore import KeyringStore
from notebook_tokens.credentials.stores.netrcstore import NetrcStore
from notebook_tokens.credentials.stores.specs import parse_store
from notebook_tokens.http.workspace import WorkspaceSession, credentials, session
from notebook_tokens.testing import EmulatorServer, FakeWorkspace

LOGGERS = ("", "urllib3", "requests", "databricks.sdk", "notebook_tokens")


# databricks-sdk probes the host it is given: every test here fails if it resolves a non-loopback name
pytestmark = pytest.mark.usefixtures("loopback_only")


@pytest.fixture
def canary() -> str:
    return "dapi" + secrets.token_hex(16)


@pytest.fixture
def canary_emulator(canary: str) -> Iterator[EmulatorServer]:
    with EmulatorServer(FakeWorkspace(seed="minimal", admin_token=canary)) as server:
        yield server


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def everything_about(error: BaseException) -> str:
    parts, seen, current = [], set(), [error]
    while current:
        item = current.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        parts += [str(item), repr(item), repr(item.args)]
        current += [item.__cause__, item.__context__]
    parts.append("".join(traceback.format_exception(error)))
    return "\n".join(parts)


def expect_error(action: Any) -> str:
    try:
        action()
    except Exception as error:
        return everything_about(error)
    raise AssertionError("expected an error")


def test_canary_never_leaks_through_the_session_layer(
    canary: str,
    canary_emulator: EmulatorServer,
    foreign_server: Any,
    debug_logs: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    isolated_home: Path,
) -> None:
    url, ws = canary_emulator.url, canary_emulator.workspace
    monkeypatch.setenv("DATABRICKS_HOST", url)
    monkeypatch.setenv("DATABRICKS_TOKEN", canary)
    seen: list[str] = []

    db = session()
    seen += [
        repr(db),
        str(db),
        repr(db.credentials),
        str(db.credentials.token),
        repr(db.auth),
        repr(db.headers),
    ]
    db.api("GET", "/api/2.0/token/list")
    list(db.paginate("/api/2.1/clusters/list", "clusters", page_size=10))
    ws.faults.fail(status=429, times=1, retry_after="0")
    db.get("/api/2.0/token/list")
    ws.faults.redirect(foreign_server.url + "/x?t=" + canary)
    seen.append(expect_error(lambda: db.get("/api/2.0/token/list")))
    seen.append(expect_error(lambda: db.get(foreign_server.url + "/?token=" + canary)))
    seen.append(expect_error(lambda: db.api("GET", "/api/2.0/nope/" + canary)))
    seen.append(expect_error(lambda: db.get("/api/2.0/token/list", verify=False)))

    # stores
    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(MemoryKeyring())
        store = KeyringStore()
        store.write(url, Token(canary))
        seen += [repr(store), repr(store.read(url))]
        keyring.set_keyring(keyring.backends.null.Keyring())
        seen.append(expect_error(lambda: KeyringStore().write(url, Token(canary))))
    finally:
        keyring.set_keyring(previous)
    netrc = NetrcStore()
    netrc.write(url, Token(canary))
    seen += [repr(netrc), repr(netrc.read(url)), repr(parse_store("netrc"))]
    (isolated_home / ".netrc").write_text(f"machine x password {canary} {canary}\n")
    seen.append(expect_error(lambda: netrc.read(url)))
    (isolated_home / ".netrc").write_text(f'machine x password "{canary}\n')
    seen.append(expect_error(lambda: netrc.read(url)))
    (isolated_home / ".netrc").chmod(0o644)
    seen.append(expect_error(lambda: netrc.read(url)))
    seen.append(expect_error(lambda: parse_store(f"vault:{canary}")))
    seen.append(expect_error(lambda: parse_store(f"secret:{canary}")))

    # the credential chain, its misses, and databricks-sdk as a header provider
    seen.append(expect_error(lambda: credentials("https://elsewhere.example", store="netrc")))
    seen.append(
        expect_error(
            lambda: resolve(
                None, store=None, profile=None, environ={"DATABRICKS_TOKEN": canary}, dbutils=None
            )
        )
    )
    provider, source = _sdk_provider(url, None)
    sdk_session = WorkspaceSession(Credentials(url, source, None, None, provider))
    sdk_session.api("GET", "/api/2.0/token/list")
    seen += [repr(sdk_session), repr(sdk_session.credentials)]

    # revoke the canary, then use it: the 403 and its hint
    ws_token_id = Token(canary).token_id
    db.api("POST", "/api/2.0/token/delete", json={"token_id": ws_token_id})
    seen.append(expect_error(lambda: db.api("GET", "/api/2.0/token/list")))

    output = capsys.readouterr()
    haystack = "\n".join([*seen, output.out, output.err, debug_logs.text])
    haystack += "\n".join(str(record.__dict__) for record in debug_logs.records)
    assert canary not in haystack
    assert "DEBUG" in debug_logs.text or debug_logs.records  # the logs really were captured
    assert any(r.name.startswith("urllib3") for r in debug_logs.records)
    assert any(r.name.startswith("databricks.sdk") for r in debug_logs.records)
    assert foreign_server.requests == []


def test_errors_from_the_chain_never_hold_the_token_in_their_args(canary: str) -> None:
    error = expect_error(
        lambda: resolve(
            "http://127.0.0.1:9",
            store=None,
            profile=None,
            environ={
                "DATABRICKS_HOST": "http://127.0.0.1:8",
                "DATABRICKS_TOKEN": canary,
                "NOTEBOOK_TOKENS_SECRET": "x",
            },
            dbutils=None,
        )
    )
    assert canary not in error
    assert issubclass(NotebookTokensError, Exception)


def test_another_host_never_gets_the_environment_workspace_credentials(
    db_env: Any, foreign_server: Any
) -> None:
    """With DATABRICKS_HOST/TOKEN naming the emulator, session(<another host>) finds no credential: the
    databricks-sdk fallback would otherwise pick DATABRICKS_TOKEN up from the environment and hand it over."""
    from notebook_tokens.core.errors import CredentialsNotFoundError

    with pytest.raises(CredentialsNotFoundError) as caught:
        session(foreign_server.url).get("/api/2.0/clusters/list")
    message = str(caught.value)
    assert "databricks-sdk unified auth: not used: DATABRICKS_HOST names another workspace" in message
    assert db_env.workspace.admin_token not in message
    assert foreign_server.requests == []
