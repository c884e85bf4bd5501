"""No credential reaches another origin: asserted on the foreign server's own request log."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from notebook_tokens.core.errors import ForeignOriginError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.http.workspace import WorkspaceSession


def make(emulator: Any) -> WorkspaceSession:
    return WorkspaceSession(Credentials(emulator.url, "test", Token(emulator.workspace.admin_token)))


def netrc(home: Path, text: str) -> None:
    path = home / ".netrc"
    path.write_text(text)
    path.chmod(0o600)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_to_another_origin_is_not_followed_and_names_the_target(
    emulator: Any, foreign_server: Any, status: int
) -> None:
    target = foreign_server.url + "/steal?x=1"
    emulator.workspace.faults.redirect(target, status=status, path="/api/2.0/token/create")
    with pytest.raises(ForeignOriginError) as info:
        make(emulator).post("/api/2.0/token/create", json={"comment": "c"})
    assert str(info.value) == (
        f"The workspace answered POST /api/2.0/token/create with a {status} redirect to {target}, outside "
        f"{emulator.url}: not followed, and no credential was sent there. Check the workspace URL "
        "(DATABRICKS_HOST) and any proxy in between."
    )
    assert foreign_server.requests == []


def test_scheme_relative_redirect_to_another_origin_is_refused(emulator: Any, foreign_server: Any) -> None:
    emulator.workspace.faults.redirect("//" + urlsplit(foreign_server.url).netloc + "/x")
    with pytest.raises(ForeignOriginError, match="redirect to"):
        make(emulator).get("/api/2.0/token/list")
    assert foreign_server.requests == []


@pytest.mark.parametrize(
    "shape",
    [
        "{foreign}/x",
        "//{fnetloc}/x",
        "http://{wnetloc}:@{fnetloc}/",
        "http://token:pw@{fnetloc}/x",
        "{foreign}",
    ],
)
def test_foreign_urls_are_refused_before_anything_is_sent(
    emulator: Any, foreign_server: Any, shape: str
) -> None:
    url = shape.format(
        foreign=foreign_server.url,
        fnetloc=urlsplit(foreign_server.url).netloc,
        wnetloc=urlsplit(emulator.url).netloc,
    )
    with pytest.raises(ForeignOriginError, match="Refusing"):
        make(emulator).get(url)
    assert foreign_server.requests == []
    assert emulator.workspace.requests == []


def test_prepared_request_to_another_origin_is_refused_by_send(emulator: Any, foreign_server: Any) -> None:
    db = make(emulator)
    prepared = requests.Request("GET", foreign_server.url + "/x").prepare()
    with pytest.raises(ForeignOriginError):
        db.send(prepared)
    assert foreign_server.requests == []


def test_netrc_default_entry_never_reaches_the_redirect_target(
    emulator: Any, foreign_server: Any, isolated_home: Path
) -> None:
    netrc(isolated_home, "default login anyone password default-secret-123\n")
    emulator.workspace.faults.redirect(foreign_server.url + "/x", status=307)
    with pytest.raises(ForeignOriginError):
        make(emulator).get("/api/2.0/token/list")
    assert foreign_server.requests == []
    sent = emulator.workspace.requests[-1].header("Authorization")
    assert sent == "Bearer " + emulator.workspace.admin_token


def test_netrc_entry_for_the_workspace_does_not_replace_our_bearer(
    emulator: Any, isolated_home: Path
) -> None:
    """requests with trust_env would send Basic auth from this entry; we send our bearer."""
    netrc(isolated_home, f"machine {urlsplit(emulator.url).hostname} login other password other-password-9\n")
    make(emulator).get("/api/2.0/token/list")
    sent = emulator.workspace.requests[-1].header("Authorization")
    assert sent == "Bearer " + emulator.workspace.admin_token
    assert base64.b64encode(b"other:other-password-9").decode() not in str(emulator.workspace.requests)


def test_a_plain_requests_session_would_have_leaked(
    emulator: Any, foreign_server: Any, isolated_home: Path
) -> None:
    """The problem this layer exists for: requests' default session sends the netrc default entry to the
    redirect target (kept as a guard: if requests changes, the matrix above still holds)."""
    netrc(isolated_home, "default login anyone password default-secret-123\n")
    emulator.workspace.faults.redirect(foreign_server.url + "/x")
    plain = requests.Session()
    plain.headers["Authorization"] = "Bearer " + emulator.workspace.admin_token
    plain.get(emulator.url + "/api/2.0/token/list", timeout=5)
    assert foreign_server.requests and foreign_server.requests[0].header(
        "Authorization",
    ).startswith("Basic ")
