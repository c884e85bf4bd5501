"""`python -m notebook_tokens demo` (`make demo`): emulator + JupyterLab, and the headless --execute mode."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import requests

from notebook_tokens.programs.demo import ensure_quickstart, repo_root

ROOT = repo_root()


def _notebook(path: Path, *sources: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, path)


def test_ensure_quickstart_writes_a_placeholder_with_kernelspec(tmp_path: Path) -> None:
    path = ensure_quickstart(tmp_path / "notebooks")
    notebook = json.loads(path.read_text())
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    assert "%load_ext notebook_tokens" in "".join(notebook["cells"][1]["source"])


def test_ensure_quickstart_keeps_an_existing_notebook(tmp_path: Path) -> None:
    (tmp_path / "quickstart.ipynb").write_text("mine")
    ensure_quickstart(tmp_path)
    assert (tmp_path / "quickstart.ipynb").read_text() == "mine"


@pytest.mark.slow
def test_demo_serves_quickstart_and_ctrl_c_stops_both() -> None:
    demo = subprocess.Popen(
        [sys.executable, "-m", "notebook_tokens", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert demo.stdout is not None
        host = demo.stdout.readline().strip().split("=", 1)[1]
        token = demo.stdout.readline().strip().split("=", 1)[1]
        lab_line = demo.stdout.readline().strip()
        assert lab_line.startswith("JupyterLab: http://127.0.0.1:"), lab_line
        lab_url = lab_line.split(" ", 1)[1]
        headers = {"Authorization": f"Bearer {token}"}
        clusters = requests.get(f"{host}/api/2.0/clusters/list", headers=headers, timeout=10)
        assert len(clusters.json()["clusters"]) == 30
        assert requests.get(lab_url, timeout=10).status_code == 200
        lab_root = lab_url.split("/lab/", 1)[0]
        content = requests.get(f"{lab_root}/api/contents/notebooks/quickstart.ipynb", timeout=10)
        assert content.json()["type"] == "notebook"
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=30) == 0
        for url in (host, lab_root):
            port = int(url.rsplit(":", 1)[1])
            with socket.socket() as probe:
                assert probe.connect_ex(("127.0.0.1", port)) != 0, f"{url} still listening"
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        for stream in (demo.stdout, demo.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.slow
def test_execute_runs_each_notebook_against_the_emulator(tmp_path: Path) -> None:
    notebooks, output = tmp_path / "nb", tmp_path / "out"
    notebooks.mkdir()
    _notebook(
        notebooks / "quickstart.ipynb",
        "import os, requests",
        "r = requests.get(os.environ['DATABRICKS_HOST'] + '/api/2.0/clusters/list',\n"
        "                 headers={'Authorization': 'Bearer ' + os.environ['DATABRICKS_TOKEN']})\n"
        "print(len(r.json()['clusters']), 'clusters')",
    )
    _notebook(notebooks / "broken.ipynb", "raise ValueError('on purpose')")
    result = subprocess.run(
        [sys.executable, "-m", "notebook_tokens", "demo", "--execute", "--notebooks", str(notebooks),
         "--output", str(output)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 1  # broken.ipynb failed
    assert "broken.ipynb: FAILED: ValueError: on purpose" in result.stdout
    assert "quickstart.ipynb: ok" in result.stdout
    executed = nbformat.read(output / "quickstart.ipynb", as_version=4)
    assert executed.cells[1].outputs[0]["text"] == "30 clusters\n"
    assert (output / "broken.ipynb").exists()
    assert "without encryption" not in result.stdout + result.stderr  # ipc kernels, not TCP
    assert sorted(p.name for p in notebooks.iterdir()) == ["broken.ipynb", "quickstart.ipynb"]
    assert nbformat.read(notebooks / "quickstart.ipynb", as_version=4).cells[1].outputs == []


def _run_in_kernel(kernel_id: str, code: str) -> str:
    """Run code in a demo kernel through its connection file (Unix sockets, as JupyterLab talks to it)."""
    from jupyter_client import BlockingKernelClient

    client = BlockingKernelClient()
    client.load_connection_file(str(ROOT / ".demo" / "runtime" / f"kernel-{kernel_id}.json"))
    assert client.transport == "ipc"
    client.start_channels()
    printed: list[str] = []
    try:
        client.wait_for_ready(timeout=60)
        client.execute_interactive(code, timeout=60, output_hook=lambda msg: printed.append(
            msg["content"].get("text", "")))  # fmt: skip
    finally:
        client.stop_channels()
    return "".join(printed)


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout


def _tracked_notebooks() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in (ROOT / "notebooks").glob("*.ipynb")}


@pytest.mark.slow
def test_a_demo_session_changes_nothing_outside_dot_demo() -> None:
    """Open quickstart, run a kernel, save the notebook with an output: the save lands in .demo/notebooks,
    git status and the tracked notebooks are as before, the kernel warned of no TCP, JupyterLab's news
    is off and no workspace (tabs) was restored."""
    if not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout")
    before, tracked = _git_status(), _tracked_notebooks()
    stale = ROOT / ".demo" / "lab" / "workspaces"
    stale.mkdir(parents=True, exist_ok=True)
    (stale / "default-37a8.jupyterlab-workspace").write_text('{"data": {}, "metadata": {"id": "default"}}')
    demo = subprocess.Popen([sys.executable, "-m", "notebook_tokens", "demo"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)  # fmt: skip
    try:
        assert demo.stdout is not None
        lines = [demo.stdout.readline().strip() for _ in range(3)]
        lab_root = lines[2].split(" ", 1)[1].split("/lab/", 1)[0]
        lab = requests.Session()
        page = lab.get(f"{lab_root}/lab", timeout=10).text
        assert '"news": {"disabled": true}' in page
        assert not stale.exists() or not any(stale.iterdir())
        xsrf = {"X-XSRFToken": lab.cookies["_xsrf"]}
        session = {"path": "notebooks/quickstart.ipynb", "type": "notebook", "name": "q",
                   "kernel": {"name": "python3"}}  # fmt: skip
        started = lab.post(f"{lab_root}/api/sessions", headers=xsrf, timeout=30, json=session)
        assert started.status_code == 201, started.text
        kernel = started.json()["kernel"]["id"]
        url = f"{lab_root}/api/contents/notebooks/quickstart.ipynb"
        notebook = lab.get(url, timeout=10).json()["content"]
        notebook["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "saved\n"}]
        notebook["cells"][0]["cell_type"] = "code"
        notebook["cells"][0]["execution_count"] = 1
        saved = lab.put(url, headers=xsrf, timeout=10, json={"type": "notebook", "content": notebook})
        assert saved.status_code == 200, saved.text
        assert _run_in_kernel(kernel, "import os; print(os.environ['IPYTHONDIR'])").startswith(
            str(ROOT / ".demo")
        )
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=30) == 0
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        for stream in (demo.stdout, demo.stderr):
            if stream is not None:
                stream.close()
    assert "saved" in (ROOT / ".demo" / "notebooks" / "quickstart.ipynb").read_text()
    assert _tracked_notebooks() == tracked
    assert _git_status() == before
    log = (ROOT / ".demo" / "jupyterlab.log").read_text()
    assert "Kernel started" in log and "without encryption" not in log
