"""Scoped tokens: the scope map, the call recorder, `%dbtoken generate --scopes`, `%dbtoken scopes`, the
least-privileged token for what a notebook called, and the hint on a refusal (emulator over loopback,
real IPython shell)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from test_dbtoken_magic import dbtoken
from tokensupport import session_for

from notebook_tokens.core import scopes
from notebook_tokens.core.errors import ApiError, InputError
from notebook_tokens.credentials.stores.netrcstore import NetrcStore
from notebook_tokens.http.recorder import RECORDER, CallRecorder
from notebook_tokens.lifecycle.rotation import rotate
from notebook_tokens.lifecycle.tokens import TokenManager

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fresh_record() -> Iterator[None]:
    RECORDER.reset()
    yield
    RECORDER.reset()


# -- the map (pure) ------------------------------------------------------------------------------------
def test_get_only_clusters_calls_need_clusters_read() -> None:
    """An area seen only with GET/HEAD gets its :read form; SCIM Me needs no scope."""
    calls = [("GET", "/api/2.0/clusters/list"), ("HEAD", "/api/2.1/clusters/get"),
             ("GET", "/api/2.0/preview/scim/v2/Me")]
    assert scopes.minimal_scopes(calls) == (["clusters:read"], [])


def test_one_write_needs_the_full_scope() -> None:
    assert scopes.minimal_scopes([("GET", "/api/2.0/clusters/list"), ("POST", "/api/2.0/clusters/start"),
                                  ("GET", "/api/2.0/secrets/list")]) == (["clusters", "secrets:read"], [])


def test_unmapped_paths_are_reported() -> None:
    assert scopes.minimal_scopes([("GET", "/api/2.1/jobs/list")]) == ([], ["/api/2.1/jobs/list"])


def test_unknown_scope_name_suggests_the_closest() -> None:
    with pytest.raises(InputError, match="did you mean clusters"):
        scopes.check_scopes(["cluster"])
    with pytest.raises(InputError, match="unknown scope 'sql:write'"):
        scopes.check_scopes(["sql:write"])


def test_platform_spellings_are_accepted() -> None:
    names = ["clusters", "clusters:read", "sql", "sql:read:restricted-query", "unity-catalog",
             "authentication"]
    assert scopes.check_scopes(names) == names


def test_the_map_agrees_with_the_emulator() -> None:
    """Both read the one scopes.json: every name the extension accepts, the emulator accepts."""
    from notebook_tokens.testing import scopes as emulated

    assert emulated.validate_scopes(scopes.known_scopes()) == scopes.known_scopes()


def test_scopes_json_ships_in_the_wheel(tmp_path: Path) -> None:
    """hatchling puts package data in the wheel: core/scopes.json is there, so the loader finds it."""
    pytest.importorskip("hatchling", reason="builds the wheel without isolation: needs the dev extra")
    pytest.importorskip("pip", reason="builds the wheel with pip: needs the dev extra")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(REPO)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("notebook_tokens-*.whl"))
    assert "notebook_tokens/core/scopes.json" in zipfile.ZipFile(wheel).namelist()


# -- the recorder ----------------------------------------------------------------------------------
def test_recorder_keeps_no_query_and_no_host() -> None:
    rec = CallRecorder()
    rec.record("get", "https://h.example/api/2.0/secrets/get?scope=s&key=k", 200)
    rec.record("GET", "https://h.example/api/2.0/secrets/get?scope=t&key=v", 200)
    assert [tuple(c) for c in rec.calls()] == [("GET", "/api/2.0/secrets/get", 200, 2)]


def test_session_calls_are_recorded(db_env: Any) -> None:
    """`session()` requests pass WorkspaceSession.send, which records method, path and status."""
    session = session_for(db_env.url, db_env.workspace.admin_token)
    session.get("/api/2.0/clusters/list", params={"x": "secret-value"})
    session.get("/api/2.0/nosuch")
    calls = {(c.method, c.path, c.status) for c in RECORDER.calls()}
    assert ("GET", "/api/2.0/clusters/list", 200) in calls
    assert any(c[1] == "/api/2.0/nosuch" and c[2] == 404 for c in calls)
    assert "secret-value" not in repr(RECORDER.calls())


# -- the acceptance story ------------------------------------------------------------------------------
def test_least_privilege_story(ip: InteractiveShell, db_env: Any, tmp_path: Path) -> None:
    """A notebook calls only GET clusters endpoints; --scopes observed gives clusters:read; the token it
    stores lists clusters, is refused clusters/start and every secrets call; both lists show its scopes."""
    dbtoken(ip, "scopes --reset")
    ip.run_line_magic("dbrest", "GET /api/2.0/clusters/list -q")
    ip.run_line_magic("dbrest", "GET /api/2.1/clusters/list -q")
    text, html = dbtoken(ip, "scopes")
    assert "clusters:read" in text and "Least scopes for these calls: clusters:read" in text
    assert "/api/2.1/clusters/list" in html
    netrc = tmp_path / "netrc"
    text, _ = dbtoken(ip, f"generate --store netrc:{netrc} --comment bi --scopes observed")
    assert text.index("Scopes observed in this kernel's calls: clusters:read") < text.index("Generated")
    token = NetrcStore(netrc).read(db_env.url)
    assert token is not None
    scoped = session_for(db_env.url, token)
    assert scoped.get("/api/2.0/clusters/list").status_code == 200
    with pytest.raises(ApiError) as refused:
        scoped.api("POST", "/api/2.0/clusters/start", json={"cluster_id": "x"})
    assert refused.value.status == 403 and "needs the scope clusters " in refused.value.hint
    assert "%dbtoken generate --store SPEC --scopes clusters" in refused.value.hint
    for method, path in [("GET", "/api/2.0/secrets/scopes/list"), ("GET", "/api/2.0/secrets/list"),
                         ("POST", "/api/2.0/secrets/put"), ("POST", "/api/2.0/secrets/scopes/create")]:
        assert scoped.request(method, path, json={}).status_code == 403, path
    listed, _ = dbtoken(ip, "list")
    assert "clusters:read" in listed and "all APIs" in listed
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.service.settings import PublicTokenInfo

    sdk = WorkspaceClient(host=db_env.url, token=db_env.workspace.admin_token)
    mine = [t for t in sdk.tokens.list() if (t.comment or "").startswith("bi ")]
    if "scopes" in PublicTokenInfo.__dataclass_fields__:  # SDKs before token scopes (DBR 14.3-16.4) drop them
        assert [t.scopes for t in mine] == [["clusters:read"]]


def test_unknown_scope_is_refused_before_calling(ip: InteractiveShell, db_env: Any,
                                                 tmp_path: Path) -> None:
    before = len(db_env.workspace.requests)
    with pytest.raises(UsageError, match="did you mean clusters:read"):
        dbtoken(ip, f"generate --store netrc:{tmp_path / 'n'} --scopes clusters:reed")
    assert len(db_env.workspace.requests) == before


def test_observed_with_nothing_recorded_is_refused(ip: InteractiveShell, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no recorded call needs a scope"):
        dbtoken(ip, f"generate --store netrc:{tmp_path / 'n'} --scopes observed")


def test_set_replaces_a_tokens_scopes(ip: InteractiveShell, db_env: Any, tmp_path: Path) -> None:
    """`%dbtoken scopes ID --set` PATCHes the token; `%dbtoken scopes ID` then shows the new set."""
    text, _ = dbtoken(ip, f"generate --store netrc:{tmp_path / 'n'} --comment x --scopes clusters")
    token_id = text.split("Token ID ")[1].split(")")[0]
    text, _ = dbtoken(ip, f"scopes {token_id} --set sql,clusters:read")
    assert "now has the scopes sql, clusters:read (was clusters)" in text
    assert dbtoken(ip, f"scopes {token_id}")[0].strip().endswith("sql, clusters:read")


def test_autoscope_state_is_shown(ip: InteractiveShell, tmp_path: Path) -> None:
    text, _ = dbtoken(ip, f"generate --store netrc:{tmp_path / 'n'} --comment auto --autoscope")
    assert "scopes: all APIs; autoscope running" in text


def test_status_card_shows_the_scopes(ip: InteractiveShell) -> None:
    text, html = dbtoken(ip, "")
    assert "Scopes" in text and "all APIs" in text and "<th>Scopes</th>" in html


# -- rotation --------------------------------------------------------------------------------------
def _scoped_manager(db_env: Any, tmp_path: Path, token_scopes: list[str]) -> tuple[TokenManager, NetrcStore]:
    admin = TokenManager(session_for(db_env.url, db_env.workspace.admin_token))
    store = NetrcStore(tmp_path / "netrc")
    admin.generate("scoped", "7d", store=store, scopes=token_scopes)
    token = store.read(db_env.url)
    assert token is not None
    return TokenManager(session_for(db_env.url, token, store=store)), store


def _scopes_of(db_env: Any, token_id: str) -> list[str]:
    with db_env.workspace.lock:
        return list(db_env.workspace.tokens[token_id].scopes)


def test_rotation_keeps_the_scopes(db_env: Any, tmp_path: Path) -> None:
    manager, _ = _scoped_manager(db_env, tmp_path, ["authentication", "clusters:read"])
    result = rotate(manager)
    assert _scopes_of(db_env, result.new_id) == ["authentication", "clusters:read"]
    assert result.scopes == ("authentication", "clusters:read")


def test_rotation_takes_new_scopes_when_given(db_env: Any, tmp_path: Path) -> None:
    manager, _ = _scoped_manager(db_env, tmp_path, ["authentication", "clusters:read"])
    result = rotate(manager, scopes=["authentication", "clusters"])
    assert _scopes_of(db_env, result.new_id) == ["authentication", "clusters"]


# -- the panel ---------------------------------------------------------------------------------------
def test_panel_picker_presets_and_observed(db_env: Any) -> None:
    """The Generate form's picker: all APIs (None), "BI tools" (sql), the kernel's observed set, a list."""
    from notebook_tokens.notebook.panel.scopepicker import OBSERVED, ScopePicker

    picker = ScopePicker()
    assert picker.scopes() is None
    picker.choice.value = "preset:BI tools"
    assert picker.scopes() == ["sql"]
    picker.choice.value = OBSERVED
    with pytest.raises(InputError, match="no call that needs a scope"):
        picker.scopes()
    session_for(db_env.url, db_env.workspace.admin_token).get("/api/2.0/clusters/list")
    assert picker.scopes() == ["clusters:read"]
    picker.choice.value = "choose"
    picker.names.value = ("secrets:read", "sql")
    assert picker.scopes() == ["secrets:read", "sql"]


def test_panel_generates_a_scoped_token_and_shows_its_scopes(db_env: Any, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Generate with "BI tools" makes a token with `sql`; the panel's table then shows it."""
    import notebook_tokens
    from notebook_tokens.notebook.panel.tokenpanel import TokenPanel

    monkeypatch.setenv("NT_PANEL_TABLE", "html")
    panel = TokenPanel(TokenManager(notebook_tokens.session()), background=False)
    panel.form.store_kind.value = "netrc"
    panel.form.store_spec.value = str(tmp_path / "netrc")
    panel.form.comment.value = "bi tool"
    panel.form.scopes.choice.value = "preset:BI tools"
    panel.form.button.click()
    assert "scopes: sql" in str(panel.status.value), panel.status.value
    (info,) = [i for i in panel.infos if i.comment.startswith("bi tool")]
    assert info.scopes == ("sql",)
    assert "<th>Scopes</th>" in panel.table.value and ">sql</td>" in panel.table.value


def test_admin_list_shows_scopes(ip: InteractiveShell, tmp_path: Path) -> None:
    """The admin view (token management) shows each token's scopes too."""
    dbtoken(ip, f"generate --store netrc:{tmp_path / 'n'} --comment adm --scopes scim:read")
    text, html = dbtoken(ip, "list --all-users")
    assert "scim:read" in text and "<th>Scopes</th>" in html
