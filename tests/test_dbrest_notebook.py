"""A notebook of `%%dbrest` cells run by nbclient in a real ipykernel against the emulator, then saved.

One run per module (`tests/notebook_runner.py`: IPython history on, in a temporary IPYTHONDIR); the tests
read that run: the cells worked, and neither the .ipynb nor history.sqlite holds the token.
"""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from notebook_runner import NotebookRun, run_notebook

from notebook_tokens.testing import FakeWorkspace

CELLS = [
    "%load_ext notebook_tokens",
    "%%dbrest GET /api/2.0/clusters/list",
    "%%dbrest GET /api/2.1/clusters/list page_size==5 --all -e 'clusters[].cluster_id' -o ids -q\n",
    "listing = %dbrest GET /api/2.0/clusters/list -q\n"
    "cid = next(c['cluster_id'] for c in listing.data['clusters'] if c['state'] == 'TERMINATED')",
    '%%dbrest POST /api/2.0/clusters/start\n{"cluster_id": "$cid"}',
    "%dbrest -v GET /api/2.0/clusters/get cluster_id=={cid}",
    "%dbrest GET /api/2.0/clusters/get cluster_id==nope",
    "import notebook_tokens\nprint(notebook_tokens.session().credentials.token.reveal())",
    "raise ValueError(notebook_tokens.session().credentials.token.reveal())",  # last: it stops the run
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> NotebookRun:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return run_notebook(
        notebook,
        tmp_path_factory.mktemp("dbrest-notebook"),
        workspace=FakeWorkspace(seed="minimal"),
        raise_errors=False,
    )


def outputs(run: NotebookRun, index: int) -> list[Any]:
    return list(run.notebook.cells[index].outputs)


def test_every_cell_ran_until_the_deliberate_error(run: NotebookRun) -> None:
    errors = [(i, o) for i, c in enumerate(run.notebook.cells) for o in c.outputs if o.output_type == "error"]
    assert [i for i, _ in errors] == [len(CELLS) - 1]


def test_cell_without_body_shows_the_clusters_tree(run: NotebookRun) -> None:
    (shown,) = outputs(run, 1)
    assert len(shown.data["application/json"]["clusters"]) == 30
    assert shown.metadata["application/json"]["root"] == "/api/2.0/clusters/list"


def test_quiet_cells_display_nothing(run: NotebookRun) -> None:
    assert outputs(run, 2) == [] and outputs(run, 3) == []


def test_post_with_dollar_var_started_the_cluster(run: NotebookRun) -> None:
    started = [r for r in run.workspace.requests if r.path == "/api/2.0/clusters/start"]
    assert len(started) == 1
    cluster_id = started[0].body.decode().split('"')[3]
    assert next(c for c in run.workspace.clusters if c["cluster_id"] == cluster_id)["state"] != "TERMINATED"


def test_verbose_request_shows_a_masked_header(run: NotebookRun) -> None:
    text = outputs(run, 5)[0].data["text/plain"]
    assert f"Authorization: Bearer dapi…{run.workspace.admin_token[-4:]}" in text


def test_http_error_is_a_block_not_a_failed_cell(run: NotebookRun) -> None:
    (shown,) = outputs(run, 6)
    assert shown.output_type in ("display_data", "execute_result")
    assert shown.data["text/plain"].startswith("400 INVALID_PARAMETER_VALUE")


def test_printed_token_is_redacted(run: NotebookRun) -> None:
    (stream,) = outputs(run, 7)
    assert stream.text == "[REDACTED]\n"


def test_traceback_with_the_token_is_redacted(run: NotebookRun) -> None:
    (error,) = outputs(run, 8)
    assert error.evalue == "[REDACTED]"


def test_history_was_recorded(run: NotebookRun) -> None:
    assert any(source.startswith("%%dbrest POST") for source in run.history_inputs())


def test_neither_notebook_nor_history_holds_the_token(run: NotebookRun) -> None:
    assert run.leaks() == []
