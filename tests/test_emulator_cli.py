"""`python -m notebook_tokens emulator` as a real subprocess, reached with curl and requests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from notebook_tokens.testing import EmulatorServer

FIXED_TOKEN = "dapi" + "ab" * 16


@contextmanager
def running_emulator(*args: str) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """The CLI in a subprocess; yields (process, host, token) read from its first two lines."""
    process = subprocess.Popen(
        [sys.executable, "-m", "notebook_tokens", "emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        host_line, token_line = process.stdout.readline(), process.stdout.readline()
        assert host_line.startswith("DATABRICKS_HOST=http://127.0.0.1:"), host_line
        assert token_line.startswith("DATABRICKS_TOKEN=dapi"), token_line
        yield process, host_line.strip().split("=", 1)[1], token_line.strip().split("=", 1)[1]
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        process.stderr.close()


def _clusters(host: str, token: str) -> requests.Response:
    return requests.get(
        f"{host}/api/2.0/clusters/list", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )


def test_cli_prints_host_and_token_answers_and_stops_on_sigterm() -> None:
    with running_emulator("--token", FIXED_TOKEN, "--seed", "minimal") as (process, host, token):
        assert token == FIXED_TOKEN
        assert len(_clusters(host, token).json()["clusters"]) == 30
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_cli_stops_on_sigint() -> None:
    with running_emulator("--seed", "minimal") as (process, _, _):
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_state_persists_tokens_across_restarts(tmp_path: Path) -> None:
    state = tmp_path / "emulator.json"
    with running_emulator("--state", str(state)) as (_, host, token):
        created = requests.post(
            f"{host}/api/2.0/token/create",
            json={"comment": "survives restart"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        ).json()
    assert oct(state.stat().st_mode & 0o777) == "0o600"
    assert json.loads(state.read_text())["format"] == 1
    with running_emulator("--state", str(state)) as (_, host2, token2):
        assert token2 == token
        assert _clusters(host2, created["token_value"]).status_code == 200
        infos = requests.get(
            f"{host2}/api/2.0/token/list", headers={"Authorization": f"Bearer {token}"}, timeout=5
        ).json()["token_infos"]
        assert "survives restart" in [i["comment"] for i in infos]


def test_curl_with_netrc_file_lists_clusters(emulator: EmulatorServer, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login token password {emulator.workspace.user_token}\n")
    os.chmod(netrc, 0o600)
    result = subprocess.run(
        ["curl", "-sS", "--fail", "--netrc-file", str(netrc), f"{emulator.url}/api/2.0/clusters/list"],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    assert len(json.loads(result.stdout)["clusters"]) == 30


def test_curl_with_bearer_header_lists_clusters(emulator: EmulatorServer) -> None:
    header = f"Authorization: Bearer {emulator.workspace.user_token}"
    result = subprocess.run(
        ["curl", "-sS", "--fail", "-H", header, f"{emulator.url}/api/2.1/clusters/list?page_size=5"],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    data = json.loads(result.stdout)
    assert len(data["clusters"]) == 5 and data["next_page_token"]


def test_curl_without_credentials_gets_401(emulator: EmulatorServer) -> None:
    result = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"{emulator.url}/api/2.0/clusters/list"],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    assert result.stdout == "401"
