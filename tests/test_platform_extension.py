"""The extension follows the stricter platform: no "never" lifetimes, no lifetime over 730 days sent, an
old token that cannot be identified is never counted as revoked, and error parsing takes numeric codes and
`[ReqId: …]` suffixes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from tokensupport import session_for

from notebook_tokens.core.apierrors import HINT_INVALID_TOKEN, api_error
from notebook_tokens.core.errors import LifetimeTooLongError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores.specs import parse_store
from notebook_tokens.lifecycle.rotation import rotate
from notebook_tokens.lifecycle.tokens import TokenManager
from notebook_tokens.testing import EmulatorServer, FakeWorkspace


def response(status: int, body: str) -> requests.Response:
    made = requests.Response()
    made.status_code, made._content = status, body.encode()
    return made


def test_a_numeric_error_code_with_a_req_id_suffix_still_gets_the_invalid_token_hint() -> None:
    error = api_error(response(403, '{"error_code": 403, "message": "Invalid access token. [ReqId: 1-2-3]"}'))
    assert (error.status, error.error_code) == (403, "403")
    assert error.message.endswith("[ReqId: 1-2-3]")
    assert error.hint == HINT_INVALID_TOKEN.format(from_source="")


def test_a_numeric_error_code_takes_the_reason_from_details() -> None:
    body = ('{"error_code": 404, "message": "gone", "details": [{"@type": '
            '"type.googleapis.com/google.rpc.ErrorInfo", "reason": "RESOURCE_DOES_NOT_EXIST"}]}')
    assert api_error(response(404, body)).error_code == "RESOURCE_DOES_NOT_EXIST"


def test_never_is_refused_before_calling_because_the_platform_always_sets_an_expiry(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    ws = emulator.workspace
    with session_for(emulator.url, ws.user_token) as session:
        ws.clear_requests()
        with pytest.raises(LifetimeTooLongError, match=r"no expiry was asked.*730 days"):
            TokenManager(session).generate("forever", "never", store=f"netrc:{tmp_path / 'netrc'}")
        with pytest.raises(LifetimeTooLongError, match="at most 730 days"):
            TokenManager(session).generate("long", "731d", store=f"netrc:{tmp_path / 'netrc'}")
    assert not [r for r in ws.requests if r.path == "/api/2.0/token/create"]


def test_generate_reports_what_the_workspace_would_give(emulator: EmulatorServer, tmp_path: Path) -> None:
    emulator.workspace.conf["maxTokenLifetimeDays"] = "100"
    with session_for(emulator.url, emulator.workspace.admin_token) as session:
        made = TokenManager(session).generate("x", "90d", store=f"netrc:{tmp_path / 'netrc'}")
    assert made.workspace_default_days == 100


@pytest.fixture
def workspace() -> FakeWorkspace:
    """Token ids are opaque here (not the SHA-256 of the value)."""
    return FakeWorkspace(seed="minimal", opaque_token_ids=True)


def test_rotating_a_token_whose_id_cannot_be_found_says_it_is_still_valid(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    """The seeded token was never seen by this process, and its id is not its SHA-256: rotation cannot
    revoke it, so it says the old token still works and what to do, and never reports it revoked."""
    ws = emulator.workspace
    old = Token(ws.user_token)
    store = parse_store(f"netrc:{tmp_path / 'netrc'}")
    store.write(emulator.url, old)
    session = session_for(emulator.url, old, store=store, source=store.description)
    result = rotate(TokenManager(session))
    assert not result.old_revoked and ws.is_token_active(old.reveal())
    assert "still authenticates" in result.warning and "%dbtoken revoke" in result.warning
    assert old.reveal() not in result.warning


def test_a_revoke_that_does_not_take_effect_is_not_reported_as_success(
    emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The delete answers 200 but the token keeps working (the emulator ignores it): the probe catches it."""
    ws = emulator.workspace
    with session_for(emulator.url, ws.user_token) as bootstrap:
        value, _ = TokenManager(bootstrap).create("notebook", timedelta(days=5))
    store = parse_store(f"netrc:{tmp_path / 'netrc'}")
    store.write(emulator.url, value)
    from notebook_tokens.testing import routes

    def ignore(ws_: Any, call: Any) -> dict[str, Any]:  # a platform that acknowledges but does not revoke
        return {}

    monkeypatch.setitem(routes._EXACT, ("POST", "/api/2.0/token/delete"), ignore)
    monkeypatch.setattr("notebook_tokens.lifecycle.identity._PROBE_PAUSE", 0.0)
    session = session_for(emulator.url, value, store=store, source=store.description)
    result = rotate(TokenManager(session))
    assert not result.old_revoked and "still authenticates after it was revoked" in result.warning
