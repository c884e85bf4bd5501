"""Every injected fault, observed over a real loopback socket."""

from __future__ import annotations

import http.client
import time
from typing import Any

import pytest
import requests

from notebook_tokens.testing import EmulatorServer, FakeWorkspace, ForeignServer

LIST = "/api/2.0/clusters/list"


def _get(server: EmulatorServer, path: str = LIST, **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {server.workspace.user_token}"}
    kwargs.setdefault("timeout", 5)
    return requests.get(server.url + path, headers=headers, **kwargs)  # noqa: S113 - set just above


def test_fail_429_with_retry_after_then_the_real_answer(emulator: EmulatorServer) -> None:
    emulator.workspace.faults.fail(status=429, times=2, retry_after="1")
    first, second, third = _get(emulator), _get(emulator), _get(emulator)
    assert [r.status_code for r in (first, second, third)] == [429, 429, 200]
    assert first.headers["Retry-After"] == "1"
    assert first.json()["error_code"] == "REQUEST_LIMIT_EXCEEDED"


def test_fail_503_once(emulator: EmulatorServer) -> None:
    emulator.workspace.faults.fail(status=503)
    assert _get(emulator).json()["error_code"] == "TEMPORARILY_UNAVAILABLE"
    assert _get(emulator).status_code == 200


def test_fault_matches_path_prefix_and_method_only(emulator: EmulatorServer) -> None:
    emulator.workspace.faults.fail(status=503, path="/api/2.0/token/", method="POST")
    assert _get(emulator, "/api/2.0/token/list").status_code == 200
    headers = {"Authorization": f"Bearer {emulator.workspace.user_token}"}
    created = requests.post(emulator.url + "/api/2.0/token/create", json={}, headers=headers, timeout=5)
    assert created.status_code == 503


def test_faulted_requests_are_still_recorded(emulator: EmulatorServer) -> None:
    emulator.workspace.faults.fail(status=503)
    _get(emulator)
    assert emulator.workspace.requests[-1].path == LIST


def test_delay_holds_the_answer(emulator: EmulatorServer) -> None:
    emulator.workspace.faults.delay(0.3)
    started = time.perf_counter()
    assert _get(emulator).status_code == 200
    assert time.perf_counter() - started >= 0.3


def test_delay_trips_a_client_read_timeout(emulator: EmulatorServer) -> None:
    emulator.workspace.faults.delay(0.5)
    with pytest.raises(requests.ReadTimeout):
        _get(emulator, timeout=0.1)


def test_lost_response_processes_the_request_but_never_answers(emulator: EmulatorServer) -> None:
    ws: FakeWorkspace = emulator.workspace
    ws.faults.lose_response(path="/api/2.0/token/create")
    before = len(ws.token_ids(ws.user_user_name))
    headers = {"Authorization": f"Bearer {ws.user_token}"}
    with pytest.raises(requests.ConnectionError):
        requests.post(emulator.url + "/api/2.0/token/create", json={}, headers=headers, timeout=5)
    assert len(ws.token_ids(ws.user_user_name)) == before + 1  # created, orphaned


def test_dropped_connection_does_not_process_the_request(emulator: EmulatorServer) -> None:
    ws = emulator.workspace
    ws.faults.drop_connection(path="/api/2.0/token/create")
    before = len(ws.token_ids())
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
    connection.request(
        "POST", "/api/2.0/token/create", body=b"{}", headers={"Authorization": f"Bearer {ws.user_token}"}
    )
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        connection.getresponse()
    connection.close()
    assert len(ws.token_ids()) == before


def test_redirect_points_at_the_given_location(
    emulator: EmulatorServer, foreign_server: ForeignServer
) -> None:
    emulator.workspace.faults.redirect(foreign_server.url + "/elsewhere", status=307)
    response = _get(emulator, allow_redirects=False)
    assert response.status_code == 307
    assert response.headers["Location"] == foreign_server.url + "/elsewhere"


def test_redirect_followed_by_requests_drops_the_authorization_header(
    emulator: EmulatorServer, foreign_server: ForeignServer
) -> None:
    """requests strips Authorization on a cross-host redirect: the foreign origin sees no token."""
    emulator.workspace.faults.redirect(foreign_server.url.replace("127.0.0.1", "localhost") + "/x")
    assert _get(emulator).status_code == 200
    assert foreign_server.requests[0].header("Authorization") is None


def test_faults_clear_and_times_are_counted(emulator: EmulatorServer) -> None:
    faults = emulator.workspace.faults
    rule = faults.fail(status=503, times=3)
    _get(emulator)
    assert (rule.times, rule.hits) == (2, 1)
    faults.clear()
    assert faults.rules == []
    assert _get(emulator).status_code == 200


def test_times_must_be_positive(workspace: FakeWorkspace) -> None:
    with pytest.raises(ValueError, match="times"):
        workspace.faults.fail(times=0)


def test_latency_ms_delays_every_answer(workspace: FakeWorkspace) -> None:
    with EmulatorServer(workspace, latency_ms=100) as server:
        started = time.perf_counter()
        _get(server)
        _get(server)
        assert time.perf_counter() - started >= 0.2


def test_delayed_request_is_processed_even_when_the_client_gives_up(emulator: EmulatorServer) -> None:
    ws = emulator.workspace
    ws.faults.delay(0.5, path="/api/2.0/token/create")
    before = len(ws.token_ids())
    headers = {"Authorization": f"Bearer {ws.user_token}"}
    with pytest.raises(requests.ReadTimeout):
        requests.post(emulator.url + "/api/2.0/token/create", json={}, headers=headers, timeout=0.1)
    assert len(ws.token_ids()) == before + 1
