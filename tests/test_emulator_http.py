"""The emulator over a real loopback socket: authentication, keep-alive, errors, clusters, SCIM Me."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import time
from typing import Any

import requests

from notebook_tokens.testing import EmulatorServer, FakeWorkspace


def _get(server: EmulatorServer, path: str, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.get(server.url + path, headers=headers or {}, timeout=5)


def _post(url: str, **kwargs: Any) -> requests.Response:
    return requests.post(url, timeout=5, **kwargs)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_missing_authorization_is_401(emulator: EmulatorServer) -> None:
    response = _get(emulator, "/api/2.0/clusters/list")
    assert response.status_code == 401
    assert response.json()["error_code"] == "UNAUTHENTICATED"


def test_malformed_authorization_is_401(emulator: EmulatorServer) -> None:
    for header in ("Bearer", "Bearer ", "Token abc", "Basic !!!notbase64", "dapi0123"):
        assert _get(emulator, "/api/2.0/clusters/list", {"Authorization": header}).status_code == 401, header


def test_unknown_token_is_403_invalid_access_token(emulator: EmulatorServer) -> None:
    response = _get(emulator, "/api/2.0/clusters/list", _bearer("dapi" + "0" * 32))
    assert response.status_code == 403
    assert response.json() == {"error_code": "PERMISSION_DENIED", "message": "Invalid access token."}


def test_basic_auth_with_the_pat_as_password_is_accepted(emulator: EmulatorServer) -> None:
    credential = base64.b64encode(f"token:{emulator.workspace.user_token}".encode()).decode()
    assert (
        _get(emulator, "/api/2.0/clusters/list", {"Authorization": f"Basic {credential}"}).status_code == 200
    )


def test_unknown_endpoint_is_404_endpoint_not_found(emulator: EmulatorServer) -> None:
    response = _get(emulator, "/api/2.0/nope", _bearer(emulator.workspace.user_token))
    assert (response.status_code, response.json()["error_code"]) == (404, "ENDPOINT_NOT_FOUND")


def test_well_known_config_answers_without_authentication(emulator: EmulatorServer) -> None:
    data = _get(emulator, "/.well-known/databricks-config").json()
    assert data["oidc_endpoint"].startswith("http://127.0.0.1:")
    assert data["workspace_id"] and data["cloud"]


def test_every_request_is_recorded_with_headers_and_body(emulator: EmulatorServer) -> None:
    token = emulator.workspace.user_token
    _post(emulator.url + "/api/2.0/token/create?x=1", json={"comment": "c"}, headers=_bearer(token))
    recorded = emulator.workspace.requests[-1]
    assert (recorded.method, recorded.path, recorded.query) == ("POST", "/api/2.0/token/create", {"x": ["1"]})
    assert recorded.header("authorization") == f"Bearer {token}"
    assert json.loads(recorded.body) == {"comment": "c"}
    emulator.workspace.clear_requests()
    assert emulator.workspace.requests == []


def test_keep_alive_connection_serves_many_requests_quickly(emulator: EmulatorServer) -> None:
    """HTTP/1.1 keep-alive with TCP_NODELAY: 50 calls on one connection take far less than 50 x 40 ms."""
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
    started = time.perf_counter()
    for _ in range(50):
        connection.request("GET", "/api/2.0/clusters/list", headers=_bearer(emulator.workspace.user_token))
        response = connection.getresponse()
        response.read()
        assert response.status == 200
    assert time.perf_counter() - started < 1.0
    connection.close()


def test_malformed_json_gets_400_and_the_server_keeps_serving(emulator: EmulatorServer) -> None:
    headers = {**_bearer(emulator.workspace.user_token), "Content-Type": "application/json"}
    for _ in range(3):
        response = _post(emulator.url + "/api/2.0/token/create", data=b"{oops", headers=headers)
        assert (response.status_code, response.json()["error_code"]) == (400, "MALFORMED_REQUEST")
    assert _get(emulator, "/api/2.0/clusters/list", headers).status_code == 200


def test_chunked_request_bodies_are_read(emulator: EmulatorServer) -> None:
    body = iter([b'{"comment": ', b'"chunked"}'])
    response = _post(
        emulator.url + "/api/2.0/token/create", data=body, headers=_bearer(emulator.workspace.user_token)
    )
    assert response.json()["token_info"]["comment"] == "chunked"


def test_clusters_2_0_list_returns_all(emulator: EmulatorServer) -> None:
    clusters = _get(emulator, "/api/2.0/clusters/list", _bearer(emulator.workspace.user_token)).json()[
        "clusters"
    ]
    assert len(clusters) == 30 == len(emulator.workspace.clusters)


def test_clusters_2_1_list_pages_with_page_token(emulator: EmulatorServer) -> None:
    seen, token, pages = [], None, 0
    while True:
        path = "/api/2.1/clusters/list?page_size=7" + (f"&page_token={token}" if token else "")
        data = _get(emulator, path, _bearer(emulator.workspace.user_token)).json()
        seen += [c["cluster_id"] for c in data["clusters"]]
        pages += 1
        token = data.get("next_page_token")
        if not token:
            break
    assert pages == 5
    assert seen == [c["cluster_id"] for c in emulator.workspace.clusters]


def test_clusters_get_and_start_change_state(emulator: EmulatorServer) -> None:
    ws: FakeWorkspace = emulator.workspace
    ws.cluster_start_seconds = 0
    cluster = next(c for c in ws.clusters if c["state"] == "TERMINATED")
    headers = _bearer(ws.user_token)
    started = _post(
        emulator.url + "/api/2.1/clusters/start", json={"cluster_id": cluster["cluster_id"]}, headers=headers
    )
    assert started.status_code == 200
    got = _get(emulator, f"/api/2.1/clusters/get?cluster_id={cluster['cluster_id']}", headers).json()
    assert got["state"] == "RUNNING"
    again = _post(
        emulator.url + "/api/2.0/clusters/start", json={"cluster_id": cluster["cluster_id"]}, headers=headers
    )
    assert (again.status_code, again.json()["error_code"]) == (400, "INVALID_STATE")


def test_clusters_get_unknown_id_is_invalid_parameter(emulator: EmulatorServer) -> None:
    response = _get(emulator, "/api/2.0/clusters/get?cluster_id=nope", _bearer(emulator.workspace.user_token))
    assert (response.status_code, response.json()["error_code"]) == (400, "INVALID_PARAMETER_VALUE")


def test_scim_me_puts_admins_in_the_admins_group(emulator: EmulatorServer) -> None:
    ws = emulator.workspace
    admin = _get(emulator, "/api/2.0/preview/scim/v2/Me", _bearer(ws.admin_token)).json()
    user = _get(emulator, "/api/2.0/preview/scim/v2/Me", _bearer(ws.user_token)).json()
    assert admin["userName"] == ws.admin_user_name
    assert "admins" in [g["display"] for g in admin["groups"]]
    assert "admins" not in [g["display"] for g in user["groups"]]


def test_stop_closes_idle_keep_alive_connections(workspace: FakeWorkspace) -> None:
    server = EmulatorServer(workspace).start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request("GET", "/.well-known/databricks-config")
    connection.getresponse().read()
    server.stop()
    assert connection.sock is not None
    connection.sock.settimeout(2)
    assert connection.sock.recv(1) == b""  # closed by the server, not left hanging
    connection.close()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", int(connection.port))) != 0


def test_foreign_server_records_requests(foreign_server) -> None:  # type: ignore[no-untyped-def]
    requests.get(foreign_server.url + "/steal?x=1", headers={"Authorization": "Bearer leaked"}, timeout=5)
    assert foreign_server.requests[0].header("Authorization") == "Bearer leaked"
    assert foreign_server.requests[0].query == {"x": ["1"]}
