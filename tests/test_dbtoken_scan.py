"""`%dbtoken scan` in a real IPython shell against the emulator: finds leaked tokens in files, git history and
workspace notebooks, tells live from dead without sending them anywhere, revokes and redacts."""

from __future__ import annotations

import base64
import json
import logging
import secrets
import subprocess
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from tokensupport import session_for

from notebook_tokens.core.redact import Token
from notebook_tokens.lifecycle.leaks.hits import Hit
from notebook_tokens.lifecycle.leaks.status import Identity, classify, verify_hits
from notebook_tokens.lifecycle.tokens import TokenManager
from notebook_tokens.testing import FakeWorkspace


def dbtoken(ip: InteractiveShell, line: str) -> str:
    """Run `%dbtoken line`; everything shown (stdout, text/plain, text/html) as one string."""
    with capture_output() as captured:
        ip.run_line_magic("dbtoken", line)
    shown = [captured.stdout, captured.stderr]
    for output in captured.outputs:
        shown.extend(str(v) for v in output.data.values())
    return "\n".join(shown)


def _notebook(*cells: dict[str, Any]) -> str:
    return json.dumps({"cells": list(cells), "metadata": {"kernelspec": {"name": "python3"}},
                       "nbformat": 4, "nbformat_minor": 5}, indent=1)


def _code(source: str, output: str = "") -> dict[str, Any]:
    outputs = [{"output_type": "stream", "name": "stdout", "text": [output]}] if output else []
    return {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": [source], "outputs": outputs}


@pytest.fixture
def leaks(tmp_path: Path, workspace: FakeWorkspace) -> dict[str, Any]:
    """A folder of three notebooks and a .env: user@example.com's live PAT printed in an output, a revoked
    PAT in a source cell, a random `dapi…` string in the .env."""
    live, live_id = workspace.issue_token(workspace.user_user_name, comment="pasted by mistake",
                                          lifetime_seconds=86_400)
    revoked, revoked_id = workspace.issue_token(workspace.user_user_name, comment="old")
    del workspace.tokens[revoked_id]
    random = "dapi" + secrets.token_hex(16)
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "live.ipynb").write_text(_notebook(_code("print(token)", f"{live}\n")))
    (folder / "revoked.ipynb").write_text(_notebook(_code(f"token = '{revoked}'")))
    (folder / "clean.ipynb").write_text(_notebook(_code("print(1)", "1\n")))
    (folder / ".env").write_text(f"DATABRICKS_TOKEN={random}\n")
    originals = {p.name: p.read_bytes() for p in folder.iterdir()}
    return {"folder": folder, "live": live, "live_id": live_id, "revoked": revoked, "random": random,
            "values": (live, revoked, random), "originals": originals}


def _no_value_sent(workspace: FakeWorkspace, values: tuple[str, ...]) -> None:
    for request in workspace.requests:
        recorded = json.dumps(request.headers) + json.dumps(request.query) + request.path
        recorded += request.body.decode(errors="replace")
        assert not any(value in recorded for value in values), f"{request.method} {request.path}"


def test_scan_reports_live_not_found_and_unknown_without_sending_any_leaked_token(
    ip: InteractiveShell, leaks: dict[str, Any], workspace: FakeWorkspace, caplog: Any
) -> None:
    with caplog.at_level(logging.DEBUG):
        shown = dbtoken(ip, f"scan {leaks['folder']} -o hits")
    rows = {Path(row["path"]).name: row for row in ip.user_ns["hits"]}
    assert set(rows) == {"live.ipynb", "revoked.ipynb", ".env"}
    live = rows["live.ipynb"]
    assert (live["status"], live["owner"], live["token_id"]) == ("live", "user@example.com", leaks["live_id"])
    assert live["part"] == "cell 1, outputs" and live["comment"] == "pasted by mistake"
    revoked = rows["revoked.ipynb"]
    assert revoked["status"] == "not found" and revoked["part"] == "cell 1, source"
    assert rows[".env"]["status"] in ("not found", "unknown") and rows[".env"]["location"].endswith(".env:1")
    assert "3 hit(s) in 3 place(s)" in shown and "1 live, 2 not found" in shown
    assert leaks["live_id"][:12] in shown and "user@example.com" in shown
    everything = shown + json.dumps(ip.user_ns["hits"]) + caplog.text
    assert not any(value in everything for value in leaks["values"])
    _no_value_sent(workspace, leaks["values"])


def test_revoke_yes_revokes_the_live_one_and_the_sdk_confirms(
    ip: InteractiveShell, leaks: dict[str, Any], workspace: FakeWorkspace, db_env: Any
) -> None:
    shown = dbtoken(ip, f"scan {leaks['folder']} --revoke --yes")
    assert "1 of 1 revoked" in shown
    config = Config(host=db_env.url, token=workspace.admin_token, retry_timeout_seconds=5)
    admin = WorkspaceClient(config=config)
    listed = {info.token_id for info in admin.token_management.list()}
    assert leaks["live_id"] not in listed and workspace.admin_token and workspace.is_token_active(
        workspace.admin_token)  # the token in use was never among the hits: untouched
    assert not workspace.is_token_active(leaks["live"])
    _no_value_sent(workspace, leaks["values"])


def test_revoke_without_yes_asks_and_a_no_revokes_nothing(
    ip: InteractiveShell, leaks: dict[str, Any], workspace: FakeWorkspace
) -> None:
    from notebook_tokens.notebook.tokens.magic import DbTokenMagics

    magics = ip.magics_manager.registry["DbTokenMagics"]
    assert isinstance(magics, DbTokenMagics)
    questions: list[str] = []
    magics.ask = lambda q: questions.append(q) or "n"  # type: ignore[func-returns-value]
    shown = dbtoken(ip, f"scan {leaks['folder']} --revoke")
    assert "Nothing revoked." in shown and len(questions) == 1 and leaks["live_id"][:12] in questions[0]
    assert workspace.is_token_active(leaks["live"])


def test_redact_files_leaves_valid_files_with_no_value_and_every_other_byte(
    ip: InteractiveShell, leaks: dict[str, Any]
) -> None:
    shown = dbtoken(ip, f"scan {leaks['folder']} --redact-files --yes")
    assert shown.count("redacted: ") == 3
    folder: Path = leaks["folder"]
    for path in folder.iterdir():
        data = path.read_bytes()
        assert not any(value.encode() in data for value in leaks["values"])
        if path.suffix == ".ipynb":
            json.loads(data)
        original = leaks["originals"][path.name]
        for value in leaks["values"]:
            original = original.replace(value.encode(), b"[REDACTED]")
        assert data == original
    assert "No token found" in dbtoken(ip, f"scan {folder}")


def test_the_token_in_use_is_rotated_not_revoked_and_refused_when_it_cannot_be(
    ip: InteractiveShell, tmp_path: Path, workspace: FakeWorkspace
) -> None:
    """The session's own token (from env, which cannot be rewritten) is live but left alone, with advice."""
    (tmp_path / "leak.py").write_text(f"token = '{workspace.admin_token}'\n")
    shown = dbtoken(ip, f"scan {tmp_path} --revoke --yes")
    assert "is the token this notebook uses" in shown and "was not revoked" in shown
    assert workspace.is_token_active(workspace.admin_token)
    assert workspace.admin_token not in shown


def test_workspace_finds_a_pat_in_an_imported_notebook_output(
    ip: InteractiveShell, workspace: FakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABRICKS_TOKEN", workspace.user_token)
    leaked, leaked_id = workspace.issue_token(workspace.user_user_name, comment="in a notebook")
    content = base64.b64encode(_notebook(_code("x = 1"), _code("print(t)", f"{leaked}\n")).encode()).decode()
    reply = workspace.call("POST", "/api/2.0/workspace/import", token=workspace.user_token,
                           json={"path": "/Users/user@example.com/leaky", "format": "JUPYTER",
                                 "content": content})
    assert reply.status == 200
    ip.run_line_magic("reload_ext", "notebook_tokens")  # a fresh context for the user's credentials
    shown = dbtoken(ip, "scan --workspace -o found")
    [row] = ip.user_ns["found"]
    # the line is the line in the JUPYTER export
    assert row["location"].startswith("workspace:/Users/user@example.com/leaky:")
    assert row["part"] == "cell 2, outputs"
    assert (row["status"], row["token_id"]) == ("live", leaked_id)
    assert leaked not in shown
    _no_value_sent(workspace, (leaked,))


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                   check=True, capture_output=True)


def test_git_finds_a_pat_committed_then_deleted(ip: InteractiveShell, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    leaked = "dapi" + secrets.token_hex(16)
    (repo / "conf.yml").write_text(f"a: 1\ntoken: {leaked}\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "add config")
    (repo / "conf.yml").write_text("a: 1\n")
    _git(repo, "commit", "-qam", "remove the token")
    assert "No token found" in dbtoken(ip, f"scan {repo}")
    shown = dbtoken(ip, f"scan {repo} --git -o found")
    [row] = ip.user_ns["found"]
    assert row["origin"] == "git" and row["location"].startswith("git:conf.yml:2 (blob ")
    assert "git filter-repo --replace-text" in shown and leaked not in shown


def test_a_line_with_a_token_is_refused_before_any_scan(ip: InteractiveShell, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="looks like a token"):
        ip.run_line_magic("dbtoken", f"scan dapi{secrets.token_hex(16)}")


def test_unknown_identity_stays_unknown_until_verify_uses_it_against_the_workspace_only(
    emulator: Any, workspace: FakeWorkspace, foreign_server: Any
) -> None:
    """Where a miss cannot mean "not found" (IDs not known to be SHA-256), --verify tries the token once,
    against the session's host, and says so."""
    live, _ = workspace.issue_token(workspace.user_user_name)
    dead = "dapi" + secrets.token_hex(16)
    hits = [Hit("file", "f.py", 1, "", "PAT", Token(value)) for value in (live, dead)]
    uncalibrated = Identity({}, "admin@example.com", True, False, "token IDs are of another kind")
    findings = classify(hits, uncalibrated)
    assert [f.status for f in findings] == ["unknown", "unknown"]
    manager = TokenManager(session_for(emulator.url, workspace.admin_token))
    workspace.clear_requests()
    verified = verify_hits(manager, findings)
    assert [(f.status, f.owner) for f in verified] == [("live", "user@example.com"), ("not found", None)]
    assert all(f"against {emulator.url}" in f.note or emulator.url in f.note for f in verified)
    assert [r.path for r in workspace.requests] == ["/api/2.0/preview/scim/v2/Me"] * 2
    assert foreign_server.requests == []


def test_a_headless_notebook_run_of_the_scan_leaves_no_value_in_the_saved_notebook_or_history(
    tmp_path: Path,
) -> None:
    """nbclient runs `%dbtoken scan` (report, -o rows, --revoke --yes, --redact-files --yes) over files
    holding leaked tokens; the executed .ipynb and history.sqlite are then scanned for every value."""
    import nbformat
    from notebook_runner import KERNELSPEC, code_cell, run_notebook

    workspace = FakeWorkspace(seed="demo")
    live, _ = workspace.issue_token(workspace.user_user_name, comment="leaked")
    dead = "dapi" + secrets.token_hex(16)
    work = tmp_path / "run" / "work"
    work.mkdir(parents=True)
    (work / "leak.py").write_text(f"token = '{live}'\nother = '{dead}'\n")
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    notebook.cells = [code_cell(s) for s in (
        "%load_ext notebook_tokens",
        "%dbtoken scan . -o hits",
        "import json; print(json.dumps(hits))",
        "hits",
        "%dbtoken scan . --revoke --yes",
        "%dbtoken scan . --redact-files --yes",
    )]
    run = run_notebook(notebook, tmp_path / "run", workspace=workspace)
    outputs = json.dumps([cell.get("outputs") for cell in run.notebook.cells])
    assert "1 live" in outputs and "1 of 1 revoked" in outputs and "redacted: " in outputs
    assert not workspace.is_token_active(live)
    run.extra_secrets.extend([live, dead])
    assert run.history_files and run.leaks() == []


def test_a_leaked_token_in_use_from_a_writable_store_is_rotated_and_the_notebook_keeps_working(
    ip: InteractiveShell, tmp_path: Path, workspace: FakeWorkspace
) -> None:
    netrc = tmp_path / "netrc"
    dbtoken(ip, f"netrc {netrc}")
    dbtoken(ip, f"use netrc:{netrc}")
    leak = tmp_path / "leak"
    leak.mkdir()
    (leak / "notes.md").write_text(f"curl -H 'Authorization: Bearer {workspace.admin_token}'\n")
    shown = dbtoken(ip, f"scan {leak} --revoke --yes")
    assert "Rotated: dapi…" in shown and "is revoked" in shown
    assert not workspace.is_token_active(workspace.admin_token)
    assert "admin@example.com on" in dbtoken(ip, "whoami")  # through the new token, from the netrc file
    assert workspace.admin_token not in shown


def test_without_credentials_a_local_scan_still_reports_hits_as_unknown(
    shell: InteractiveShell, tmp_path: Path
) -> None:
    """No DATABRICKS_HOST / token anywhere (the isolated HOME has none): the files are still scanned."""
    (tmp_path / "leak.txt").write_text(f"dapi{secrets.token_hex(16)}\n")
    shell.run_line_magic("load_ext", "notebook_tokens")
    try:
        shown = dbtoken(shell, f"scan {tmp_path} -o found")
        assert [row["status"] for row in shell.user_ns["found"]] == ["unknown"]
        assert "no workspace credentials" in shown
        with pytest.raises(UsageError):
            shell.run_line_magic("dbtoken", f"scan {tmp_path} --revoke --yes")
    finally:
        shell.run_line_magic("unload_ext", "notebook_tokens")
