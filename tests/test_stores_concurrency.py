"""Stores shared by several processes (two kernels of one user): every writer's entries survive.

Real processes, started together behind a start file, each writing its own entries into one file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from notebook_tokens.core.errors import StoreError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores.filelock import exclusive
from notebook_tokens.credentials.stores.netrcstore import NetrcStore
from notebook_tokens.testing.filekeyring import ENV_FILE, FileKeyring

WORKERS, ENTRIES = 6, 10
REPO = Path(__file__).resolve().parent.parent

NETRC_WRITER = """
import sys, time, pathlib
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores.netrcstore import NetrcStore
path, worker, go = sys.argv[1], int(sys.argv[2]), pathlib.Path(sys.argv[3])
store = NetrcStore(path)
while not go.exists():
    time.sleep(0.001)
for i in range(int(sys.argv[4])):
    store.write(f"https://w{worker}-{i}.example", Token(f"dapi{worker * 1000 + i:032x}"))
"""

KEYRING_WRITER = """
import sys, time, pathlib
from notebook_tokens.testing.filekeyring import FileKeyring
worker, go = int(sys.argv[1]), pathlib.Path(sys.argv[2])
backend = FileKeyring()
while not go.exists():
    time.sleep(0.001)
for i in range(int(sys.argv[3])):
    backend.set_password("svc", f"w{worker}-{i}", f"secret-{worker}-{i}")
"""


def run_together(script: str, args: list[list[str]], go: Path, env: dict[str, str]) -> None:
    """Start one process per argument list, release them at once, and require each to succeed."""
    processes = [
        subprocess.Popen([sys.executable, "-c", script, *a], env=env, stderr=subprocess.PIPE, text=True)
        for a in args
    ]
    time.sleep(0.5)  # let every process import and reach the start line
    go.touch()
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err


def child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), **extra}


def test_netrc_writers_in_six_processes_keep_all_sixty_entries(tmp_path: Path) -> None:
    path = tmp_path / "netrc"
    go = tmp_path / "go"
    workers = [[str(path), str(w), str(go), str(ENTRIES)] for w in range(WORKERS)]
    run_together(NETRC_WRITER, workers, go, child_env())
    store = NetrcStore(path)
    for worker in range(WORKERS):
        for i in range(ENTRIES):
            expected = Token(f"dapi{worker * 1000 + i:032x}")
            assert store.read(f"https://w{worker}-{i}.example") == expected, (worker, i)


def test_file_keyring_writers_in_six_processes_keep_all_sixty_passwords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring_file = tmp_path / "keyring.json"
    go = tmp_path / "go"
    env = child_env(**{ENV_FILE: str(keyring_file)})
    run_together(KEYRING_WRITER, [[str(w), str(go), str(ENTRIES)] for w in range(WORKERS)], go, env)
    monkeypatch.setenv(ENV_FILE, str(keyring_file))
    backend = FileKeyring()
    for worker in range(WORKERS):
        for i in range(ENTRIES):
            assert backend.get_password("svc", f"w{worker}-{i}") == f"secret-{worker}-{i}", (worker, i)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["go", "keyring.json", "keyring.json.lock"]


def test_netrc_write_waits_for_the_lock_then_names_the_file(tmp_path: Path) -> None:
    """A writer that cannot get the lock in time changes nothing and says which lock file is held."""
    path = tmp_path / "netrc"
    what = NetrcStore(path).description
    with exclusive(path, "holder"), pytest.raises(StoreError) as info, exclusive(path, what, 0.2):
        pass  # pragma: no cover - never reached
    assert str(info.value) == (
        f"netrc {path}: another process has held the lock {path}.lock for over 0.2 s, so nothing was "
        "changed. Try again; if no other kernel is writing tokens, that process is stuck."
    )
    assert not path.exists()


def test_netrc_write_holds_the_lock_while_it_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The read-modify-replace runs inside the lock: another locker is refused meanwhile."""
    path = tmp_path / "netrc"
    store = NetrcStore(path)
    seen: list[str] = []
    from notebook_tokens.credentials.stores import netrcfile

    real_write = netrcfile.write_atomic

    def probe(target: Path, text: str) -> None:
        try:
            with exclusive(target, "probe", timeout=0):
                seen.append("free")
        except StoreError:
            seen.append("held")
        real_write(target, text)

    monkeypatch.setattr(netrcfile, "write_atomic", probe)
    store.write("https://h.example", Token("dapi" + "ab" * 16))
    assert seen == ["held"]


def test_a_second_emulator_on_one_state_file_is_refused(tmp_path: Path) -> None:
    """Two emulators saving one --state file would overwrite each other's tokens: the second one stops."""
    state = tmp_path / "state.json"
    command = [sys.executable, "-m", "notebook_tokens", "emulator", "--state", str(state), "--port", "0"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert first.stdout is not None
        assert first.stdout.readline().startswith("DATABRICKS_HOST=")
        second = subprocess.run(command, capture_output=True, text=True, timeout=20)
        assert second.returncode == 2
        assert second.stdout == ""
        assert f"another emulator is using --state {state} (it holds {state}.lock)" in second.stderr
    finally:
        first.terminate()
        first.communicate(timeout=10)
    assert first.returncode == 0
