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

from notebook_tokens.programs.demo import ensure_quickstart


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
