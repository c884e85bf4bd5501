"""Retries: 429/503 with Retry-After for idempotent requests; a POST only when it provably never left."""

from __future__ import annotations

import socket
import time
from email.utils import formatdate
from typing import Any

import pytest
import requests

from notebook_tokens.core.errors import ApiError, TransportError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.http.retrying import RetryPolicy, never_sent, parse_retry_after
from notebook_tokens.http.workspace import WorkspaceSession


def make(emulator: Any, **kw: Any) -> WorkspaceSession:
    return WorkspaceSession(Credentials(emulator.url, "test", Token(emulator.workspace.admin_token)), **kw)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_two_429_with_retry_after_1_then_200_take_at_least_2_seconds(emulator: Any) -> None:
    emulator.workspace.faults.fail(status=429, times=2, retry_after="1", path="/api/2.0/token/list")
    started = time.monotonic()
    data = make(emulator).api("GET", "/api/2.0/token/list")
    assert time.monotonic() - started >= 2.0
    assert "token_infos" in data and len(emulator.workspace.requests) == 3


def test_503_without_retry_after_backs_off_with_jitter(emulator: Any) -> None:
    sleeps: list[float] = []
    emulator.workspace.faults.fail(status=503, times=2)
    assert make(emulator, sleep=sleeps.append).get("/api/2.0/token/list").status_code == 200
    assert len(sleeps) == 2 and 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0


def test_retries_give_up_after_the_budget_and_return_the_last_answer(emulator: Any) -> None:
    sleeps: list[float] = []
    emulator.workspace.faults.fail(status=503, times=10)
    response = make(emulator, retries=2, sleep=sleeps.append).get("/api/2.0/token/list")
    assert response.status_code == 503 and len(sleeps) == 2


def test_post_is_not_retried_on_429(emulator: Any) -> None:
    sleeps: list[float] = []
    emulator.workspace.faults.fail(status=429, times=1, retry_after="1", path="/api/2.0/token/create")
    with pytest.raises(ApiError) as info:
        make(emulator, sleep=sleeps.append).api("POST", "/api/2.0/token/create", json={"comment": "x"})
    assert info.value.status == 429 and sleeps == []


def test_get_is_retried_after_a_dropped_connection(emulator: Any) -> None:
    sleeps: list[float] = []
    emulator.workspace.faults.drop_connection(times=1, path="/api/2.0/token/list")
    assert make(emulator, sleep=sleeps.append).get("/api/2.0/token/list").status_code == 200
    assert len(sleeps) == 1


def test_lost_create_answer_is_not_retried_and_leaves_exactly_one_token(emulator: Any) -> None:
    """databricks-sdk would send it again and orphan the first token; we stop and say so."""
    ws = emulator.workspace
    before = set(ws.token_ids(ws.admin_user_name))
    ws.faults.lose_response(times=1, path="/api/2.0/token/create")
    sleeps: list[float] = []
    with pytest.raises(TransportError, match=r"Could not reach .* for POST /api/2.0/token/create"):
        make(emulator, sleep=sleeps.append).api("POST", "/api/2.0/token/create", json={"comment": "m-1"})
    assert len(set(ws.token_ids(ws.admin_user_name)) - before) == 1
    assert sleeps == []


def test_post_is_retried_when_the_connection_was_refused() -> None:
    """Connection refused: the request provably never left, so even a POST may be sent again."""
    sleeps: list[float] = []
    db = WorkspaceSession(
        Credentials(f"http://127.0.0.1:{free_port()}", "t", Token("x" * 12)), retries=2, sleep=sleeps.append
    )
    with pytest.raises(requests.exceptions.ConnectionError) as info:
        db.post("/api/2.0/token/create", json={})
    assert never_sent(info.value) and len(sleeps) == 2


def test_retry_after_seconds_and_http_date_are_parsed() -> None:
    assert parse_retry_after("7") == 7.0
    now = time.time()
    assert 9 <= (parse_retry_after(formatdate(now + 10, usegmt=True), now=now) or 0) <= 10
    assert parse_retry_after(formatdate(now - 10, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_retry_after_is_capped() -> None:
    assert RetryPolicy(max_retry_after=5).delay(0, "3600") <= 5.1


def test_only_idempotent_methods_retry_on_status() -> None:
    policy = RetryPolicy()
    assert policy.should_retry_status("GET", 429) and policy.should_retry_status("DELETE", 503)
    assert not policy.should_retry_status("POST", 429) and not policy.should_retry_status("PATCH", 503)
    assert not policy.should_retry_status("GET", 500)


def test_a_retry_after_beyond_the_cap_returns_the_answer_at_once(emulator: Any) -> None:
    """Waiting an hour inside a notebook cell helps nobody: the 429 comes back for the caller to see."""
    sleeps: list[float] = []
    emulator.workspace.faults.fail(status=429, times=1, retry_after="3600", path="/api/2.0/token/list")
    response = make(emulator, sleep=sleeps.append).get("/api/2.0/token/list")
    assert response.status_code == 429 and sleeps == []
