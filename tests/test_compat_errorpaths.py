"""The error paths work on every urllib3 / requests a supported runtime ships (urllib3 1.26 up to DBR 16.4,
2.x after): a failing connection is classified and reported, never replaced by an ImportError.

`make compat` runs this file under each runtime's pins (tests/runtimes/); here it runs on the dev versions.
The unreachable hosts are real and send nothing off the machine: a closed loopback port, and a `.invalid`
name (RFC 6761: never resolves). Proxy variables are cleared so that neither goes to a proxy instead.
"""

from __future__ import annotations

import ast
import importlib
import socket
from pathlib import Path
from typing import Any

import pytest
import requests
from tokensupport import session_for

import notebook_tokens
from notebook_tokens.core.errors import TransportError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.http.retrying import RetryPolicy, never_sent
from notebook_tokens.http.workspace import WorkspaceSession
from notebook_tokens.lifecycle.admin import bulk_revoke
from notebook_tokens.lifecycle.tokens import TokenManager

UNRESOLVABLE = "https://workspace.notebook-tokens.invalid"
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # closed again: connecting is refused


def unreachable(url: str, sleeps: list[float]) -> WorkspaceSession:
    creds = Credentials(url, "test", Token("dapi" + "0" * 32))
    policy = RetryPolicy(retries=2)
    return WorkspaceSession(creds, timeout=(2.0, 2.0), retry_policy=policy, sleep=sleeps.append)


def raw_failure(url: str) -> requests.exceptions.RequestException:
    """The exception requests itself raises for `url`, without our session around it."""
    with pytest.raises(requests.exceptions.ConnectionError) as info:
        requests.post(url + "/api/2.0/token/create", timeout=2.0)
    return info.value


@pytest.mark.parametrize("url", [closed_port_url(), UNRESOLVABLE], ids=["closed-port", "dot-invalid"])
def test_a_connection_that_never_opened_counts_as_never_sent(url: str) -> None:
    """Refused and unresolvable connections are both 'never sent' (urllib3 2 NameResolutionError or 1.26's
    NewConnectionError), decided without raising."""
    assert never_sent(raw_failure(url)) is True


@pytest.mark.parametrize("url", [closed_port_url(), UNRESOLVABLE], ids=["closed-port", "dot-invalid"])
def test_a_post_that_never_left_is_retried_then_reported_as_unreachable(url: str) -> None:
    """A POST that never left is retried the whole budget, then fails as 'Could not reach'."""
    sleeps: list[float] = []
    with pytest.raises(TransportError, match="Could not reach") as info:
        unreachable(url, sleeps).api("POST", "/api/2.0/token/create", json={"comment": "x"})
    assert len(sleeps) == 2
    assert "Import" not in str(info.value) and "cannot import" not in str(info.value)


def test_bulk_revoke_reports_the_lost_connection_for_each_token(emulator: Any) -> None:
    """Every DELETE's connection is closed unanswered: each token's result names a transport failure."""
    ws = emulator.workspace
    ids = [ws.issue_token(ws.user_user_name, comment=f"c{n}")[1] for n in range(3)]
    ws.faults.lose_response(times=100, path="/api/2.0/token-management/tokens/", method="DELETE")
    session = session_for(emulator.url, ws.admin_token)
    try:
        results = bulk_revoke(TokenManager(session), ids)
    finally:
        session.close()
    assert [r.ok for r in results] == [False, False, False]
    for result in results:
        assert "Could not reach" in result.message, result.message
        assert "import" not in result.message.lower(), result.message


def _function_level_imports() -> list[tuple[str, str, str]]:
    """(file, module, name) for every `from X import Y` inside a function of the package, third-party only."""
    root = Path(notebook_tokens.__file__).parent
    found: list[tuple[str, str, str]] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if not isinstance(node, ast.ImportFrom) or not node.module or node.level != 0:
                    continue
                if not node.module.startswith("notebook_tokens"):
                    found += [(path.name, node.module, alias.name) for alias in node.names]
    return found


def test_every_lazy_third_party_import_resolves_in_the_installed_versions() -> None:
    """Imports inside functions run late (often on an error path): each name exists in what is installed."""
    imports = _function_level_imports()
    assert ("retrying.py", "urllib3.exceptions", "NewConnectionError") in imports
    missing = []
    for file, module, name in imports:
        try:
            if not hasattr(importlib.import_module(module), name):
                importlib.import_module(f"{module}.{name}")
        except ImportError as error:
            missing.append(f"{file}: from {module} import {name} ({error})")
    assert missing == []
