"""WorkspaceSession against the emulator: paths, the per-request bearer, refusals, errors, pagination."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from notebook_tokens.core.apierrors import HINT_DISABLED, api_error, hint_for
from notebook_tokens.core.errors import (
    ApiError,
    ForeignOriginError,
    InputError,
    InsecureTransportError,
    TransportError,
)
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.http.workspace import DEFAULT_TIMEOUT, WorkspaceSession, session


def make(emulator: Any, token: str | None = None, **kw: Any) -> WorkspaceSession:
    value = token or emulator.workspace.admin_token
    return WorkspaceSession(Credentials(emulator.url, "test", Token(value)), **kw)


def test_relative_path_joins_the_host_and_sends_our_bearer(emulator: Any) -> None:
    db = make(emulator)
    assert db.get("/api/2.0/token/list").status_code == 200
    sent = emulator.workspace.requests[-1]
    assert sent.path == "/api/2.0/token/list"
    assert sent.header("Authorization") == "Bearer " + emulator.workspace.admin_token


def test_absolute_url_on_the_workspace_origin_is_accepted(emulator: Any) -> None:
    assert make(emulator).get(emulator.url + "/api/2.0/token/list").status_code == 200


def test_bearer_is_never_kept_in_session_headers(emulator: Any) -> None:
    db = make(emulator)
    db.get("/api/2.0/token/list")
    assert "Authorization" not in db.headers
    assert db.trust_env is False


def test_api_returns_parsed_json(emulator: Any) -> None:
    data = make(emulator).api("GET", "/api/2.0/token/list")
    assert isinstance(data["token_infos"], list)


def test_session_function_uses_the_credential_chain(db_env: Any) -> None:
    db = session()
    assert db.host == db_env.url and db.source == "env DATABRICKS_TOKEN"
    assert repr(db) == f"<WorkspaceSession {db_env.url} via env DATABRICKS_TOKEN>"


def test_use_switches_the_token_for_later_requests(emulator: Any) -> None:
    db = make(emulator)
    db.use(Credentials(emulator.url, "other", Token(emulator.workspace.user_token)))
    db.get("/api/2.0/token/list")
    assert (
        emulator.workspace.requests[-1].header("Authorization") == "Bearer " + emulator.workspace.user_token
    )
    assert db.source == "other"


def test_header_provider_is_called_per_request(emulator: Any) -> None:
    tokens = iter([emulator.workspace.admin_token, emulator.workspace.user_token])
    creds = Credentials(
        emulator.url, "refreshing", None, None, lambda: {"Authorization": "Bearer " + next(tokens)}
    )
    db = WorkspaceSession(creds)
    db.get("/api/2.0/token/list")
    db.get("/api/2.0/token/list")
    sent = [r.header("Authorization") for r in emulator.workspace.requests[-2:]]
    assert sent == ["Bearer " + emulator.workspace.admin_token, "Bearer " + emulator.workspace.user_token]


def test_same_origin_redirect_is_followed_with_the_bearer(emulator: Any) -> None:
    emulator.workspace.faults.redirect(emulator.url + "/api/2.0/token/list", path="/api/2.0/old")
    response = make(emulator).get("/api/2.0/old")
    assert response.status_code == 200 and "token_infos" in response.json()
    assert (
        emulator.workspace.requests[-1].header(
            "Authorization",
        )
        == "Bearer " + emulator.workspace.admin_token
    )


def test_default_timeouts_are_connect_10_read_60(emulator: Any) -> None:
    assert make(emulator).timeout == DEFAULT_TIMEOUT == (10.0, 60.0)


def test_read_timeout_is_configurable(emulator: Any) -> None:
    emulator.workspace.faults.delay(1.0, path="/api/2.0/token/list")
    with pytest.raises(requests.exceptions.ReadTimeout):
        make(emulator, timeout=(2.0, 0.2)).get("/api/2.0/token/list")


def test_a_changed_session_timeout_applies_to_the_next_call(emulator: Any) -> None:
    """The session builds its urllib3 Timeout once per value: assigning .timeout must still take effect."""
    emulator.workspace.faults.delay(0.5, times=3, path="/api/2.0/token/list")
    db = make(emulator, timeout=(2.0, 5.0), retries=0)
    assert db.get("/api/2.0/token/list").status_code == 200
    db.timeout = (2.0, 0.1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        db.get("/api/2.0/token/list")
    db.timeout = 5.0  # a single number: connect and read
    assert db.get("/api/2.0/token/list").status_code == 200


def test_a_malformed_session_timeout_gets_requests_own_error(emulator: Any) -> None:
    db = make(emulator)
    db.timeout = (1.0, 2.0, 3.0)  # type: ignore[assignment]
    with pytest.raises(ValueError, match="Pass a \\(connect, read\\) timeout tuple"):
        db.get("/api/2.0/token/list")


def test_api_wraps_a_timeout_with_what_to_do(emulator: Any) -> None:
    emulator.workspace.faults.delay(1.0, path="/api/2.0/token/list")
    with pytest.raises(
        TransportError,
        match=r"did not answer GET /api/2.0/token/list in time \(ReadTimeout\): "
        r"try again, or pass a longer timeout=",
    ):
        make(emulator, timeout=(2.0, 0.2)).api("GET", "/api/2.0/token/list")


def test_unreachable_host_error_says_what_to_check() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = WorkspaceSession(Credentials(f"http://127.0.0.1:{port}", "t", Token("x" * 12)), retries=0)
    with pytest.raises(
        TransportError,
        match=r"Could not reach http://127.0.0.1:\d+ \(ConnectionError\) for GET /x: "
        "check the host name, your network and proxy settings, then try again.",
    ):
        db.api("GET", "/x")


# -- refusals ------------------------------------------------------------------------------------


def test_plain_http_to_a_non_loopback_host_is_refused_before_connecting() -> None:
    with pytest.raises(
        InsecureTransportError,
        match=r"Refusing plain http:// to example.com: the token would "
        r"travel unencrypted\. Use https://",
    ):
        WorkspaceSession(Credentials("http://example.com", "t", Token("x" * 12)))


@pytest.mark.parametrize("host", ["http://localhost:8080", "http://127.0.0.2", "http://[::1]:9"])
def test_plain_http_to_loopback_is_allowed(host: str) -> None:
    WorkspaceSession(Credentials(host, "t", Token("x" * 12)))


def test_verify_false_is_refused(emulator: Any) -> None:
    db = make(emulator)
    message = r"Refusing verify=False: without TLS verification anyone on the path could read the token"
    with pytest.raises(InsecureTransportError, match=message):
        db.get("/api/2.0/token/list", verify=False)
    db.verify = False
    with pytest.raises(InsecureTransportError, match=message):
        db.get("/api/2.0/token/list")
    assert emulator.workspace.requests == []


def test_auth_argument_is_refused(emulator: Any) -> None:
    with pytest.raises(InputError, match="auth= is not accepted: the session adds the workspace credentials"):
        make(emulator).get("/api/2.0/token/list", auth=("token", "x"))


def test_positional_auth_and_timeout_get_the_same_rules_as_keywords(emulator: Any) -> None:
    """request()'s positional auth is refused and a positional timeout is honoured, not a TypeError."""
    db = make(emulator)
    with pytest.raises(InputError, match="auth= is not accepted"):
        db.request("GET", "/api/2.0/token/list", None, None, None, None, None, ("token", "x"))
    response = db.request("GET", "/api/2.0/token/list", None, None, None, None, None, None, (5.0, 5.0))
    assert response.status_code == 200


def test_foreign_url_error_says_what_to_use(emulator: Any, foreign_server: Any) -> None:
    with pytest.raises(ForeignOriginError) as info:
        make(emulator).get(foreign_server.url + "/x")
    assert str(info.value) == (
        f"Refusing {foreign_server.url}/x: it is outside the workspace {emulator.url}, "
        "and this session sends requests (and its token) only there. "
        "Use a path such as /api/2.0/..., or a plain requests.Session for other hosts."
    )


def test_userinfo_url_error_says_what_to_use(emulator: Any) -> None:
    url = emulator.url.replace("http://", "http://user:pw@") + "/x"
    with pytest.raises(
        ForeignOriginError, match=r"URLs with a user name or password \(user:pass@host\) are not sent"
    ):
        make(emulator).get(url)


def test_proxies_and_ca_bundle_come_from_the_environment_once(
    emulator: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "ca.pem"))
    db = make(emulator)
    assert db.proxies.get("http") == "http://proxy.invalid:3128"
    assert db.verify == str(tmp_path / "ca.pem")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert "http" not in make(emulator).proxies


# -- errors ----------------------------------------------------------------------------------------


def test_invalid_token_gives_403_with_a_hint(emulator: Any) -> None:
    db = WorkspaceSession(Credentials(emulator.url, "keyring service databricks", Token("dapi" + "0" * 32)))
    with pytest.raises(ApiError) as info:
        db.api("GET", "/api/2.0/token/list")
    error = info.value
    assert (error.status, error.error_code, error.message) == (
        403,
        "PERMISSION_DENIED",
        "Invalid access token.",
    )
    assert error.hint == (
        "The token from keyring service databricks is expired, revoked or mistyped: generate a new one "
        "(User Settings > Developer > Access tokens, or %dbtoken generate with another credential) "
        "and save it to the store, or check which store is in use."
    )
    assert "0" * 32 not in str(error)


def test_missing_header_gives_401_with_the_same_hint(emulator: Any) -> None:
    db = WorkspaceSession(Credentials(emulator.url, "nothing", None, None, dict))
    with pytest.raises(ApiError) as info:
        db.api("GET", "/api/2.0/token/list")
    assert info.value.status == 401 and "expired, revoked or mistyped" in info.value.hint


def test_tokens_disabled_hint_says_the_administrator_must_enable_them(emulator: Any) -> None:
    emulator.workspace.conf["enableTokensConfig"] = "false"
    with pytest.raises(ApiError) as info:
        make(emulator).api("GET", "/api/2.0/token/list")
    assert info.value.hint == HINT_DISABLED
    assert "your administrator must enable them" in str(info.value)


def test_no_permission_and_other_403_hints() -> None:
    assert "Can Use permission" in hint_for(
        403, "PERMISSION_DENIED", "User does not have permission to use tokens."
    )
    assert hint_for(403, "PERMISSION_DENIED", "Only admins", "env X") == (
        "The token from env X is valid but lacks permission for this call: ask a workspace admin."
    )
    assert hint_for(404, "NOT_FOUND", "x") == ""


def fake_response(status: int, body: str, content_type: str = "text/html") -> requests.Response:
    response = requests.Response()
    response.status_code, response._content, response.reason = status, body.encode(), "Forbidden"
    response.headers["Content-Type"] = content_type
    return response


def test_html_error_page_is_reduced_to_its_pre_text_and_redacted() -> None:
    secret = "dapi" + "1" * 32
    page = f"<html><body><h2>HTTP ERROR 403</h2><pre>Invalid access token. {secret}</pre></body></html>"
    error = api_error(fake_response(403, page))
    assert error.message == "Invalid access token. [REDACTED]"
    assert "expired, revoked" in error.hint and secret not in str(error)


def test_json_error_message_is_redacted() -> None:
    secret = "dapi" + "2" * 32
    body = json.dumps({"error_code": "BAD", "message": f"token {secret} bad"})
    assert str(api_error(fake_response(400, body, "application/json"))) == "400 BAD: token [REDACTED] bad"


# -- pagination ----------------------------------------------------------------------------------------


def test_paginate_follows_next_page_token(emulator: Any) -> None:
    clusters = list(make(emulator).paginate("/api/2.1/clusters/list", "clusters", page_size=7))
    assert len(clusters) == 30 and len({c["cluster_id"] for c in clusters}) == 30
    tokens = [r.query.get("page_token") for r in emulator.workspace.requests]
    assert tokens[0] is None and all(tokens[1:]) and len(tokens) == 5


def test_paginate_stops_at_max_pages(emulator: Any) -> None:
    assert (
        len(list(make(emulator).paginate("/api/2.1/clusters/list", "clusters", page_size=7, max_pages=2)))
        == 14
    )


def test_iter_pages_raises_api_error_on_a_bad_page(emulator: Any) -> None:
    with pytest.raises(ApiError):
        list(make(emulator).iter_pages("GET", "/api/2.1/nope"))


def test_a_host_that_is_no_url_is_refused() -> None:
    with pytest.raises(InputError, match=r"^The workspace host must start with https:// \(got ftp://\)\.$"):
        WorkspaceSession(Credentials("ftp://h", "t", Token("x" * 12)))


@contextlib.contextmanager
def _json_server(answer: Callable[[str, Any], dict[str, Any]]) -> Iterator[str]:
    """A loopback server for list endpoints the emulator has none of: `answer(path, json body or None)`
    gives each JSON response."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._reply(None)

        def do_POST(self) -> None:
            self._reply(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))

        def _reply(self, sent: Any) -> None:
            body = json.dumps(answer(self.path, sent)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _jobs_by_offset(path: str, sent: Any) -> dict[str, Any]:
    """jobs/list 2.0 style: paged by offset/limit with `has_more`."""
    query = parse_qs(urlsplit(path).query)
    offset, limit = int(query.get("offset", ["0"])[0]), int(query.get("limit", ["4"])[0])
    jobs = [{"job_id": i} for i in range(offset, min(offset + limit, 10))]
    return {"jobs": jobs, "has_more": offset + limit < 10}


def test_paginate_follows_has_more_with_offset() -> None:
    with _json_server(_jobs_by_offset) as url:
        db = WorkspaceSession(Credentials(url, "t", Token("x" * 12)))
        jobs = list(db.paginate("/api/2.0/jobs/list", "jobs", limit=4))
    assert [job["job_id"] for job in jobs] == list(range(10))


def test_iter_pages_of_a_post_sends_the_page_token_in_the_body() -> None:
    bodies: list[Any] = []

    def by_body_token(path: str, sent: Any) -> dict[str, Any]:
        bodies.append(sent)
        page = int(sent.get("page_token", "0"))
        return {"res": [page], "next_page_token": str(page + 1)} if page < 2 else {"res": [page]}

    with _json_server(by_body_token) as url:
        db = WorkspaceSession(Credentials(url, "t", Token("x" * 12)))
        items = [r.json()["res"][0] for r in db.iter_pages("POST", "/api/2.0/list", json={"filter": "f"})]
    assert items == [0, 1, 2]
    assert bodies == [{"filter": "f"}, {"filter": "f", "page_token": "1"}, {"filter": "f", "page_token": "2"}]


def test_a_host_with_slash_or_workspace_id_is_normalised(emulator: Any) -> None:
    db = WorkspaceSession(Credentials(emulator.url + "/?o=123", "t", Token(emulator.workspace.admin_token)))
    assert db.host == emulator.url
    assert db.get("/api/2.0/token/list").status_code == 200
    assert emulator.workspace.requests[-1].path == "/api/2.0/token/list"
