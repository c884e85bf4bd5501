"""The scan's worker processes: real interpreters over a real tree, what crosses the pipe, their shutdown."""

from __future__ import annotations

import base64
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from notebook_tokens.core.redact import PAT_PATTERN, Token
from notebook_tokens.lifecycle.leaks.encoded import PAT_BYTES
from notebook_tokens.lifecycle.leaks.files import Tally, local_files, scan_paths
from notebook_tokens.lifecycle.leaks.matcher import Matcher
from notebook_tokens.lifecycle.leaks.parallel import scan_files, scan_tree
from notebook_tokens.lifecycle.leaks.worker import CHUNK, KEEP, holds_pat
from notebook_tokens.lifecycle.leaks.workers import WorkerPool, worker_command

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for children")


def pat() -> str:
    return "dapi" + os.urandom(16).hex()


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(child) for child in (task / "children").read_text().split())
    return found


def tree(root: Path, count: int = 40) -> list[str]:
    """`count` files, a PAT in every 7th (one raw, across the 1 MiB buffer's end), one base64; the values."""
    values = []
    for number in range(count):
        body = f"x = {number}\n" * 50
        if number % 7 == 0:
            values.append(pat())
            body += f"t = '{values[-1]}'\n"
        (root / f"f{number:02}.py").write_text(body)
    values.append(pat())
    (root / "b.txt").write_bytes(b"Basic " + base64.b64encode(f"token:{values[-1]}".encode()))
    values.append(pat())
    (root / "big.txt").write_bytes(b"." * (CHUNK + KEEP - 20) + values[-1].encode() + b"." * 100)
    return values


def test_the_workers_pattern_is_the_redaction_pattern() -> None:
    """worker.py does not import core (so that it starts fast); its copy of the PAT shape must not drift."""
    assert PAT_BYTES.pattern == PAT_PATTERN.pattern.encode()


@pytest.mark.parametrize("prefix", [b"", b"t", b"to", b"token:"])
def test_a_worker_finds_a_pat_and_its_base64_across_every_buffer_boundary(prefix: bytes) -> None:
    value = pat().encode()
    small = bytearray(KEEP + 50)  # reads of 50 bytes after the carried tail
    for blob in (value, base64.b64encode(prefix + value), base64.urlsafe_b64encode(prefix + value)):
        for offset in range(0, 200):
            data = b"=" * offset + blob + b"\n"
            assert holds_pat(io.BytesIO(data), small)[0], (blob, offset)
    near_misses = b"dapi" + b"0" * 31 + b" " + base64.b64encode(b"dapi") + b"x" * 500
    assert holds_pat(io.BytesIO(near_misses), small) == (False, len(near_misses))
    assert holds_pat(io.BytesIO(base64.b64encode(b"token:" + value)), small, base64=False)[0] is False


def test_a_worker_answers_only_positions_counts_and_problems(tmp_path: Path) -> None:
    """No value, encoded form or offset crosses the pipe: only which of the paths sent hold a hit."""
    values = tree(tmp_path, 8)
    names = [tmp_path / "f00.py", tmp_path / "f01.py", tmp_path / "b.txt", tmp_path / "big.txt",
             tmp_path / "missing.py", tmp_path / "f07.py"]
    stdin = b"".join(os.fsencode(name) + b"\0" for name in names)
    done = subprocess.run(worker_command(base64=True), input=stdin, capture_output=True, check=True,
                          timeout=60)
    size = sum(name.stat().st_size for name in names if name.exists())
    assert done.stdout.decode().splitlines() == [
        "F 0", "F 2", "F 3", "P 4 No such file or directory", "F 5", f"N 5 {size}"]
    for value in values:
        assert value.encode() not in done.stdout
        assert base64.b64encode(value.encode())[:8] not in done.stdout
    assert done.stderr == b""
    plain = subprocess.run(worker_command(base64=False), input=stdin, capture_output=True, check=True,
                           timeout=60)
    assert "F 2" not in plain.stdout.decode().splitlines()  # the base64 one needs --base64


@pytest.mark.parametrize("own_share", [0.0, 1.0])
def test_workers_find_the_hits_one_process_finds_in_the_same_order(tmp_path: Path, own_share: float) -> None:
    """With or without a share of the files scanned in this process, as scan_paths finds them alone."""
    tree(tmp_path)
    (tmp_path / "locked.py").write_text("x")
    (tmp_path / "locked.py").chmod(0)
    alone_tally = Tally()
    alone = [(h.where, h.line, h.token.reveal()) for h in scan_paths([tmp_path], Matcher(), alone_tally)]
    tally = Tally()
    files = [(path, path.stat().st_size) for path in local_files(tmp_path, tally)]
    parallel = scan_files(iter(files), Matcher(), tally, workers=2, threshold=0, own_share=own_share)
    assert [(h.where, h.line, h.token.reveal()) for h in parallel] == alone and len(alone) == 8
    assert (tally.files, tally.bytes) == (alone_tally.files, alone_tally.bytes)
    if os.geteuid() != 0:  # root reads a mode-0 file
        assert tally.problems == alone_tally.problems == [f"{tmp_path / 'locked.py'}: Permission denied"]


def test_known_non_pat_tokens_never_go_to_a_worker(tmp_path: Path) -> None:
    tree(tmp_path, 3)
    oauth = Token("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")
    assert scan_tree(tmp_path, Matcher([oauth]), Tally(), workers=2, threshold=0) is None


def test_a_failed_worker_loses_no_file(tmp_path: Path) -> None:
    """A worker killed mid-scan: the files sent to it come back to be scanned in this process."""
    tree(tmp_path, 14)
    names = sorted(str(path) for path in tmp_path.iterdir())
    with WorkerPool(2, base64=True, own_share=0) as pool:
        for index, name in enumerate(names):
            assert pool.offer(index, name, 1000)
        os.kill(pool.pids[0], signal.SIGKILL)
        flagged, again = pool.results(names, Tally())
    assert again and set(again) | flagged >= {names.index(str(tmp_path / n)) for n in ("f00.py", "f07.py")}
    assert not flagged & set(again)


def test_workers_start_during_the_walk_and_ctrl_c_leaves_no_process(tmp_path: Path) -> None:
    """A script without a main guard (spawn would run it again in each worker) is interrupted mid-walk, its
    workers busy (each blocked on a FIFO): they are killed, not left behind."""
    tree(tmp_path, 5)
    script = tmp_path / "scan_script.py"
    script.write_text(textwrap.dedent(f"""\
        import sys, time
        from pathlib import Path
        from notebook_tokens.lifecycle.leaks.files import Tally
        from notebook_tokens.lifecycle.leaks.matcher import Matcher
        from notebook_tokens.lifecycle.leaks.parallel import scan_files
        print("started", flush=True)

        def walk():
            for path in sorted(Path({str(tmp_path)!r}).glob("f*.py")):
                yield path, path.stat().st_size
            for number in range(2):  # a FIFO without a writer: each worker blocks opening one
                yield Path({str(tmp_path)!r}) / f"fifo{{number}}", 1 << 20
            print("ready", flush=True)
            time.sleep(120)  # a walk that goes on: Ctrl-C comes here

        print(len(list(scan_files(walk(), Matcher(), Tally(), workers=2, threshold=0, own_share=0))))
        """))
    for number in range(2):
        os.mkfifo(tmp_path / f"fifo{number}")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "started\n"
        assert proc.stdout.readline() == "ready\n"
        workers = children(proc.pid)
        assert len(workers) == 2  # started before the walk ended
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert "KeyboardInterrupt" in err and proc.returncode != 0
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_a_script_without_a_main_guard_scans_with_workers(tmp_path: Path) -> None:
    (tmp_path / "tree").mkdir()
    values = tree(tmp_path / "tree", 10)
    script = tmp_path / "no_guard.py"
    script.write_text(textwrap.dedent(f"""\
        from pathlib import Path
        from notebook_tokens.lifecycle.leaks.files import Tally
        from notebook_tokens.lifecycle.leaks.matcher import Matcher
        from notebook_tokens.lifecycle.leaks.parallel import scan_tree
        print("hits", len(list(scan_tree(Path({str(tmp_path / "tree")!r}), Matcher(), Tally(), workers=2,
                                         threshold=0))))
        """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert (done.returncode, done.stdout) == (0, f"hits {len(values)}\n"), done.stderr


def test_workers_run_inside_a_real_ipython_kernel(tmp_path: Path) -> None:
    """In a Jupyter kernel `__main__` is ipykernel_launcher: the workers must neither import it nor linger."""
    from jupyter_client.manager import start_new_kernel

    values = tree(tmp_path, 10)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    manager, client = start_new_kernel(kernel_name="python3", env=env)
    try:
        printed: list[str] = []
        code = textwrap.dedent(f"""\
            import os
            from pathlib import Path
            from notebook_tokens.lifecycle.leaks.files import Tally
            from notebook_tokens.lifecycle.leaks.matcher import Matcher
            from notebook_tokens.lifecycle.leaks.parallel import scan_tree
            hits = list(scan_tree(Path({str(tmp_path)!r}), Matcher(), Tally(), workers=2, threshold=0))
            print(len(hits), os.getpid())
            """)
        reply = client.execute_interactive(code, timeout=60, output_hook=lambda msg: printed.append(
            msg["content"].get("text", "")))
        assert reply["content"]["status"] == "ok"
        count, pid = "".join(printed).split()
        assert int(count) == len(values)
        assert children(int(pid)) == set()
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_scan_files_stays_in_process_below_the_threshold(tmp_path: Path) -> None:
    tree(tmp_path, 5)
    files = [(path, path.stat().st_size) for path in sorted(tmp_path.iterdir())]
    before = children(os.getpid())
    hits = list(scan_files(iter(files), Matcher(), Tally(), workers=2, threshold=1 << 30))
    assert len(hits) == 3 and children(os.getpid()) == before


@pytest.mark.parametrize("interpreter", ["missing", "/bin/false"])
def test_no_worker_to_be_had_still_scans_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     interpreter: str) -> None:
    """No interpreter at sys.executable (Popen fails), or one that exits 1 at once (an embedded Python whose
    executable is the host program): the scan finds every hit in this process."""
    values = tree(tmp_path, 10)
    files = [(path, path.stat().st_size) for path in sorted(tmp_path.iterdir())]
    before = children(os.getpid())
    executable = str(tmp_path / "python") if interpreter == "missing" else interpreter
    monkeypatch.setattr(sys, "executable", executable)
    hits = list(scan_files(iter(files), Matcher(), Tally(), workers=2, threshold=0))
    assert sorted(h.token.reveal() for h in hits) == sorted(values)
    assert children(os.getpid()) == before
