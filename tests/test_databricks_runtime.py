"""The quickstart inside a (stand-in) Databricks runtime: workspace and token from the notebook context.

The kernel gets DATABRICKS_RUNTIME_VERSION and no DATABRICKS_HOST / DATABRICKS_TOKEN. An IPython startup
file puts `standin_dbutils.StandInDbutils` into the user namespace before the first cell, which stands in
for the runtime: Databricks defines `dbutils` the same way. Its notebook context answers `apiUrl()` /
`apiToken()` with the emulator's URL and the admin's token, and its `secrets.get` reads the emulator's
secret scopes. Two runs: the quickstart as it is, and a focused notebook (load, status card, a call
through `--store secret:demo/pat`, read through `dbutils.secrets.get`), so a failure in one does not hide
the other.
"""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from notebook_runner import KERNELSPEC, NotebookRun, error_outputs, run_notebook
from standin_dbutils import USER_AGENT, read_log

FOCUSED_CELLS = (
    "%load_ext notebook_tokens",
    "%dbtoken",
    "%%dbrest GET /api/2.0/clusters/list",
    "%dbrest --store secret:demo/pat -o me_via_secret -q GET /api/2.0/preview/scim/v2/Me\n"
    "print(me_via_secret['userName'])",
)


@pytest.fixture(scope="module")
def runtime_run(tmp_path_factory: pytest.TempPathFactory) -> NotebookRun:
    """The quickstart, unchanged, in the stand-in runtime."""
    return run_notebook("quickstart", tmp_path_factory.mktemp("runtime"), runtime=True, raise_errors=False)


@pytest.fixture(scope="module")
def focused_run(tmp_path_factory: pytest.TempPathFactory) -> NotebookRun:
    """The notebook-context and secret-scope cells alone, in the stand-in runtime."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [nbformat.v4.new_code_cell(source) for source in FOCUSED_CELLS]
    return run_notebook(nb, tmp_path_factory.mktemp("focused"), runtime=True, raise_errors=False)


def _header(request: Any, name: str) -> str:
    return str({k.lower(): v for k, v in request.headers.items()}.get(name, ""))


def _from_extension(run: NotebookRun) -> list[Any]:
    """Requests sent by the extension (not by the stand-in's own secrets calls)."""
    return [r for r in run.workspace.requests if _header(r, "user-agent") != USER_AGENT]


def _calls(run: NotebookRun) -> list[dict[str, str]]:
    return read_log(run.dbutils_log) if run.dbutils_log else []


def test_quickstart_runs_in_the_runtime(runtime_run: NotebookRun) -> None:
    """Every quickstart cell, and the two added ones, succeed with only the runtime's context to go on."""
    assert runtime_run.error is None, str(runtime_run.error)[-3000:]
    assert error_outputs(runtime_run.notebook) == []


def test_workspace_and_token_come_from_the_notebook_context(focused_run: NotebookRun) -> None:
    """The extension asked the notebook context for apiUrl and apiToken, and used that token."""
    assert focused_run.error is None, str(focused_run.error)[-3000:]
    calls = {entry["call"] for entry in _calls(focused_run)}
    assert {"context.apiUrl", "context.apiToken"} <= calls
    admin = f"Bearer {focused_run.workspace.admin_token}"
    listed = [r for r in _from_extension(focused_run) if r.path == "/api/2.0/clusters/list"]
    assert len(listed) == 1
    assert _header(listed[0], "authorization") == admin


def test_status_card_names_the_notebook_context(focused_run: NotebookRun) -> None:
    """`%dbtoken` says the token came from the Databricks notebook context, masked."""
    card = "".join(o.get("data", {}).get("text/plain", "") for o in focused_run.notebook.cells[1].outputs)
    assert "Databricks notebook context" in card
    assert "dapi…" in card


def test_secret_scope_is_read_through_dbutils(focused_run: NotebookRun) -> None:
    """`--store secret:demo/pat` read the PAT with dbutils.secrets.get, not with the Secrets REST API."""
    assert {"call": "secrets.get", "scope": "demo", "key": "pat"} in _calls(focused_run)
    sent = _from_extension(focused_run)
    assert [r for r in sent if r.path.startswith("/api/2.0/secrets/get")] == []
    pat = focused_run.workspace.secret_value("demo", "pat")
    assert pat is not None
    with_pat = [r for r in sent if _header(r, "authorization") == f"Bearer {pat.decode()}"]
    assert [r.path for r in with_pat] == ["/api/2.0/preview/scim/v2/Me"]


def test_secret_call_answered_as_the_secrets_owner(focused_run: NotebookRun) -> None:
    """The cell using the secret-scope token ran as that token's user."""
    cell = focused_run.notebook.cells[-1]
    text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
    assert focused_run.workspace.user_user_name in text


@pytest.mark.parametrize("which", ["runtime_run", "focused_run"])
def test_runtime_runs_scan_clean(which: str, request: pytest.FixtureRequest) -> None:
    """No token in the saved notebooks or the history databases, the secret scope's PAT included."""
    run: NotebookRun = request.getfixturevalue(which)
    assert run.history_files
    assert run.leaks() == []
