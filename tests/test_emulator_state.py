"""--state persistence: the workspace survives a JSON round trip; the write is atomic and private."""

from __future__ import annotations

from pathlib import Path

from notebook_tokens.testing import FakeWorkspace
from notebook_tokens.testing.persist import load, save


def test_state_round_trip_keeps_tokens_scopes_conf_and_clusters(tmp_path: Path) -> None:
    ws = FakeWorkspace(seed="demo")
    ws.conf["maxTokenLifetimeDays"] = "30"
    ws.clusters[0]["state"] = "PENDING"
    path = tmp_path / "state.json"
    save(ws, path)
    restored = load(path)
    assert restored.admin_token == ws.admin_token and restored.is_token_active(ws.user_token)
    assert restored.token_ids() == ws.token_ids()
    assert restored.secret_value("demo", "pat") == ws.secret_value("demo", "pat")
    assert restored.conf == ws.conf
    assert restored.clusters == ws.clusters
    assert restored.users[ws.admin_user_name].admin


def test_save_replaces_atomically_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("old")
    save(FakeWorkspace(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
    assert path.stat().st_mode & 0o777 == 0o600
    assert load(path).admin_token


def test_restored_workspace_answers_requests(tmp_path: Path) -> None:
    ws = FakeWorkspace()
    save(ws, tmp_path / "s.json")
    restored = load(tmp_path / "s.json")
    assert restored.call("GET", "/api/2.0/token/list", token=ws.user_token).status == 200
