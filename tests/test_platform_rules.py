"""Today's token platform, as the emulator models it, seen through the official databricks-sdk client and
through `%dbrest`: default lifetime, the 730-day cap, inactivity on a moved clock, scopes (with :read),
PATCH, on-behalf-of tokens, workspace-conf keys and the error shapes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.common.types.fieldmask import FieldMask
from databricks.sdk.config import Config
from databricks.sdk.errors import BadRequest, PermissionDenied
from databricks.sdk.service.settings import PublicTokenInfo
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from traitlets.config import Config as ShellConfig

from notebook_tokens.testing import EmulatorServer, FakeWorkspace
from notebook_tokens.testing.conf_api import CONF_KEYS
from notebook_tokens.testing.seed import SERVICE_PRINCIPAL_ID

DAY_MS = 86_400_000


def client(server: EmulatorServer, token: str) -> WorkspaceClient:
    return WorkspaceClient(config=Config(host=server.url, token=token, retry_timeout_seconds=5))


@pytest.fixture
def admin(emulator: EmulatorServer) -> WorkspaceClient:
    return client(emulator, emulator.workspace.admin_token)


@pytest.fixture
def user(emulator: EmulatorServer) -> WorkspaceClient:
    return client(emulator, emulator.workspace.user_token)


# -- lifetimes ------------------------------------------------------------------------------------------
def test_a_token_without_lifetime_lasts_two_years(user: WorkspaceClient) -> None:
    info = user.tokens.create(comment="no lifetime").token_info
    assert info is not None and info.expiry_time is not None and info.creation_time is not None
    assert info.expiry_time - info.creation_time == 730 * DAY_MS


def test_lifetimes_over_the_730_day_cap_zero_or_negative_are_refused(user: WorkspaceClient) -> None:
    for seconds in (731 * 86_400, 0, -60):
        with pytest.raises(BadRequest):
            user.tokens.create(comment="bad", lifetime_seconds=seconds)


def test_the_cap_is_at_most_730_and_applies_to_new_tokens_only(
    admin: WorkspaceClient, user: WorkspaceClient, workspace: FakeWorkspace
) -> None:
    with pytest.raises(BadRequest, match="at most 730 days"):
        admin.workspace_conf.set_status({"maxTokenLifetimeDays": "731"})
    before = user.tokens.create(comment="before", lifetime_seconds=200 * 86_400).token_info
    admin.workspace_conf.set_status({"maxTokenLifetimeDays": "30"})
    after = user.tokens.create(comment="after").token_info
    assert after is not None and after.expiry_time and after.creation_time
    assert after.expiry_time - after.creation_time == 30 * DAY_MS
    with pytest.raises(BadRequest, match="30 days"):
        user.tokens.create(comment="long", lifetime_seconds=31 * 86_400)
    kept = {t.token_id: t.expiry_time for t in user.tokens.list()}
    assert before is not None and kept[before.token_id] == before.expiry_time  # an existing token keeps it


def test_every_documented_workspace_conf_key_answers_with_a_default(admin: WorkspaceClient) -> None:
    answer = admin.workspace_conf.get_status(keys=",".join(CONF_KEYS))
    assert set(answer) == set(CONF_KEYS)
    assert answer["maxTokenLifetimeDays"] == "730" and answer["enableTokensConfig"] == "true"


# -- inactivity -----------------------------------------------------------------------------------------
def test_tokens_unused_for_90_days_are_revoked_and_used_ones_stay(
    emulator: EmulatorServer, user: WorkspaceClient, workspace: FakeWorkspace
) -> None:
    idle = user.tokens.create(comment="idle", lifetime_seconds=365 * 86_400)
    busy = user.tokens.create(comment="busy", lifetime_seconds=365 * 86_400)
    assert idle.token_value and busy.token_value and idle.token_info and busy.token_info
    workspace.clock.advance(days=80)
    list(client(emulator, busy.token_value).clusters.list())  # used on day 80: last_used_day moves
    assert workspace.tokens[str(busy.token_info.token_id)].last_used_day == workspace.today_ms()
    workspace.clock.advance(days=11)  # idle: 91 days unused; busy: 11
    listed = {t.comment for t in client(emulator, busy.token_value).tokens.list()}
    assert "busy" in listed and "idle" not in listed
    with pytest.raises(PermissionDenied, match="Invalid access token"):
        list(client(emulator, idle.token_value).clusters.list())


def test_the_demo_seed_holds_no_token_unused_for_90_days_and_one_for_80() -> None:
    ws = FakeWorkspace(seed="demo")
    used = [t.last_used_day for t in ws.tokens.values() if t.last_used_day is not None]
    unused = [(ws.today_ms() - day) // DAY_MS for day in used]
    assert max(unused) == 80
    ws.clock.advance(days=11)
    ws.revoke_inactive()
    assert "stale: unused since spring" not in {t.comment for t in ws.tokens.values()}


# -- scopes ---------------------------------------------------------------------------------------------
def test_a_read_scope_allows_get_only_and_unlisted_apis_are_refused(
    emulator: EmulatorServer, user: WorkspaceClient
) -> None:
    made = user.tokens.create(comment="reader", lifetime_seconds=3600, scopes=["clusters:read"])
    assert made.token_value and made.token_info and made.token_info.scopes == ["clusters:read"]
    reader = client(emulator, made.token_value)
    assert list(reader.clusters.list())
    assert reader.current_user.me().user_name == "user@example.com"  # every scope allows SCIM Me
    with pytest.raises(PermissionDenied, match="not a read"):
        reader.clusters.delete("any")
    with pytest.raises(PermissionDenied, match="needs authentication"):
        list(reader.tokens.list())


def test_the_token_api_needs_the_authentication_scope_and_unscoped_tokens_reach_everything(
    emulator: EmulatorServer, user: WorkspaceClient
) -> None:
    made = user.tokens.create(comment="minter", lifetime_seconds=3600, scopes=["authentication"])
    assert made.token_value
    minter = client(emulator, made.token_value)
    assert any(t.comment == "minter" for t in minter.tokens.list())
    with pytest.raises(PermissionDenied):
        list(minter.clusters.list())
    assert list(user.clusters.list()) and list(user.tokens.list())  # the seeded token has no scopes


def test_unknown_scopes_are_refused(user: WorkspaceClient) -> None:
    with pytest.raises(BadRequest, match="Invalid scope"):
        user.tokens.create(comment="x", lifetime_seconds=60, scopes=["everything"])


def test_patch_updates_comment_and_scopes(emulator: EmulatorServer, user: WorkspaceClient) -> None:
    made = user.tokens.create(comment="before", lifetime_seconds=3600)
    assert made.token_info and made.token_info.token_id and made.token_value
    user.tokens.update(made.token_info.token_id, PublicTokenInfo(comment="after", scopes=["clusters:read"]),
                       FieldMask(["comment", "scopes"]))
    [info] = [t for t in user.tokens.list() if t.token_id == made.token_info.token_id]
    assert info.comment == "after" and info.scopes == ["clusters:read"]
    assert info.autoscope_state is not None and info.autoscope_state.value == "AUTOSCOPE_STATE_USER_SELECTED"
    with pytest.raises(PermissionDenied):
        client(emulator, made.token_value).clusters.delete("any")


def test_autoscope_collects_the_scopes_a_token_uses(emulator: EmulatorServer, user: WorkspaceClient) -> None:
    made = user.tokens.create(comment="auto", lifetime_seconds=3600, autoscope_enabled=True)
    assert made.token_value and made.token_info
    list(client(emulator, made.token_value).clusters.list())
    [info] = [t for t in user.tokens.list() if t.token_id == made.token_info.token_id]
    assert info.autoscope_state is not None and info.autoscope_state.value == "AUTOSCOPE_STATE_RUNNING"
    assert info.inferred_scopes == ["clusters"]


# -- on-behalf-of tokens --------------------------------------------------------------------------------
def test_an_admin_makes_a_token_on_behalf_of_a_service_principal(
    emulator: EmulatorServer, admin: WorkspaceClient, user: WorkspaceClient, workspace: FakeWorkspace
) -> None:
    made = admin.token_management.create_obo_token(SERVICE_PRINCIPAL_ID, lifetime_seconds=3600, comment="etl")
    assert made.token_value and made.token_info and made.token_info.token_id
    sp = workspace.service_principals[SERVICE_PRINCIPAL_ID]
    assert made.token_info.owner_id == int(sp["id"])
    assert made.token_info.created_by_username == workspace.admin_user_name
    assert list(client(emulator, made.token_value).clusters.list())
    listed = {t.token_id: t for t in admin.token_management.list()}
    assert listed[made.token_info.token_id].comment == "etl"
    with pytest.raises(PermissionDenied):
        user.token_management.create_obo_token(SERVICE_PRINCIPAL_ID, lifetime_seconds=60)


# -- %dbrest --------------------------------------------------------------------------------------------
@pytest.fixture
def ip(db_env: Any) -> Iterator[InteractiveShell]:
    config = ShellConfig()
    config.HistoryManager.hist_file = ":memory:"
    shell = InteractiveShell.instance(config=config)
    shell.run_line_magic("load_ext", "notebook_tokens")
    yield shell
    shell.run_line_magic("unload_ext", "notebook_tokens")


def dbrest(ip: InteractiveShell, line: str, body: str = "") -> Any:
    cell = f"%%dbrest {line}\n{body}" if body else f"%dbrest {line}"
    with capture_output():
        result = InteractiveShell.run_cell(ip, cell, store_history=True)
    result.raise_error()
    return result.result


def scoped_env(db_env: Any, monkeypatch: pytest.MonkeyPatch, scopes: list[str]) -> None:
    ws = db_env.workspace
    reply = ws.call("POST", "/api/2.0/token/create", token=ws.user_token,
                    json={"comment": "scoped", "lifetime_seconds": 3600, "scopes": scopes})
    monkeypatch.setenv("DATABRICKS_TOKEN", reply.data()["token_value"])


def test_dbrest_shows_a_scope_refusal_as_403(
    ip: InteractiveShell, db_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    scoped_env(db_env, monkeypatch, ["clusters:read"])
    assert dbrest(ip, "GET /api/2.0/clusters/list").ok
    refused = dbrest(ip, "POST /api/2.0/clusters/delete", '{"cluster_id": "x"}')
    assert refused.status_code == 403 and "lacks permission" in refused.text()
    assert dbrest(ip, "GET /api/2.0/token/list").status_code == 403


def test_dbrest_patches_a_token(ip: InteractiveShell, db_env: Any) -> None:
    ws = db_env.workspace
    _, token_id = ws.issue_token(ws.admin_user_name, comment="old", lifetime_seconds=3600)
    assert dbrest(ip, f"PATCH /api/2.0/token/{token_id}",
                  '{"token": {"comment": "new"}, "update_mask": "comment"}').ok
    assert ws.tokens[token_id].comment == "new"


@pytest.mark.parametrize("style", ["numeric", "details", "req_id", "all"])
def test_invalid_token_hint_survives_every_error_shape(
    ip: InteractiveShell, db_env: Any, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    ws = db_env.workspace
    for name in ("numeric_auth_code", "details", "req_id"):
        setattr(ws.error_style, name, style in (name.split("_")[0], name, "all"))
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi" + "0" * 32)
    text = dbrest(ip, "GET /api/2.0/clusters/list").text()
    assert text.startswith("403 ") and "Invalid access token." in text and "\nThe token from" in text
    if style in ("req_id", "all"):
        assert "[ReqId: " in text
    if style == "details":
        assert text.startswith("403 PERMISSION_DENIED")
