"""`%dbrest` knows the API: completion through IPython's completer, did you mean, --doc, and --as forms
that run as they are (curl against the emulator, Python in a fresh process), in a real IPython shell."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from apiindexsupport import api_cache, api_cache_dir  # noqa: F401 - fixtures
from IPython.core.completer import provisionalcompleter
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from notebook_tokens.notebook.rest import complete
from notebook_tokens.notebook.rest.render import RestResult

pytestmark = pytest.mark.usefixtures("api_cache")
REPO = Path(__file__).parents[1]


def run(ip: InteractiveShell, cell: str) -> tuple[Any, list[Any]]:
    with capture_output() as captured:
        result = InteractiveShell.run_cell(ip, cell, store_history=True)
    result.raise_error()
    return result.result, captured.outputs


def completions(ip: InteractiveShell, text: str) -> list[Any]:
    with provisionalcompleter():
        return list(ip.Completer.completions(text, len(text)))


def _texts(ip: InteractiveShell, text: str) -> list[str]:
    return [c.text for c in completions(ip, text)]


# -- completion ---------------------------------------------------------------------------------------
def test_completion_offers_the_path_a_prefix_starts(ip: InteractiveShell) -> None:
    line = "%dbrest GET /api/2.0/clusters/li"
    found = completions(ip, line)
    assert "/api/2.0/clusters/list" in [c.text for c in found]
    assert {c.start for c in found} == {len("%dbrest GET ")}  # the whole path word is replaced


def test_completion_offers_the_query_names_of_the_endpoint(ip: InteractiveShell) -> None:
    offered = _texts(ip, "%dbrest GET /api/2.1/clusters/list ")
    assert "page_size==" in offered and "page_token==" in offered
    assert "page_size==" not in _texts(ip, "%dbrest GET /api/2.1/clusters/list page_size==5 pa")


def test_completion_offers_methods_then_paths_in_a_cell_magic(ip: InteractiveShell) -> None:
    assert _texts(ip, "%%dbrest PO") == ["POST"]
    assert "/api/2.0/token/" in _texts(ip, "%%dbrest POST /api/2.0/tok")


def test_completion_offers_id_templates(ip: InteractiveShell) -> None:
    offered = _texts(ip, "%dbrest GET /api/2.0/permissions/clusters/")
    # the parameter's name is the installed SDK's ({cluster_id} today, {request_object_id} in 0.1.6)
    assert any(re.fullmatch(r"/api/2\.0/permissions/clusters/\{\w+\}", path) for path in offered), offered


def test_completion_leaves_other_lines_alone(ip: InteractiveShell) -> None:
    assert "/api/2.0/clusters/list" not in _texts(ip, "x = '/api/2.0/clusters/li")


def test_unload_removes_the_completer(ip: InteractiveShell) -> None:
    ip.run_line_magic("unload_ext", "notebook_tokens")
    try:
        assert complete._matcher not in ip.Completer.custom_matchers
    finally:
        ip.run_line_magic("load_ext", "notebook_tokens")
    assert complete._matcher in ip.Completer.custom_matchers


def test_load_ext_neither_imports_the_sdk_nor_builds_the_index(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "InteractiveShell.instance().run_line_magic('load_ext', 'notebook_tokens')\n"
        "print('databricks.sdk' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split()[-1] == "False"
    assert not (tmp_path / "notebook-tokens").exists()


# -- did you mean -------------------------------------------------------------------------------------
def test_a_mistyped_path_shows_the_404_and_the_closest_path(ip: InteractiveShell) -> None:
    value, _ = run(ip, "%dbrest GET /api/2.0/clusters/lst")
    assert isinstance(value, RestResult) and value.status_code == 404
    assert value.error_code == "ENDPOINT_NOT_FOUND"
    assert "Did you mean /api/2.0/clusters/list" in value.text()
    assert "/api/2.0/clusters/list" in value._repr_mimebundle_()[0]["text/html"]


def test_an_unknown_path_is_noted_before_sending_and_still_sent(ip: InteractiveShell, db_env: Any) -> None:
    """Paths outside the SDK exist (previews, older versions): the note warns, the call goes out."""
    _, outputs = run(ip, "%dbrest GET /api/2.0/clusters/lst")
    assert "Sending it anyway" in outputs[0].data["text/plain"]
    assert [r.path for r in db_env.workspace.requests] == ["/api/2.0/clusters/lst"]


def test_a_known_path_gets_no_note(ip: InteractiveShell) -> None:
    _, outputs = run(ip, "%dbrest GET /api/2.0/clusters/list")
    assert len(outputs) == 1 and "note:" not in outputs[0].data["text/plain"]


def test_a_wrong_method_names_the_methods_allowed(ip: InteractiveShell) -> None:
    value, _ = run(ip, "%dbrest POST /api/2.0/token/list")
    assert value.status_code == 404
    assert "/api/2.0/token/list takes GET, not POST." in value.text()


# -- --doc --------------------------------------------------------------------------------------------
def test_doc_shows_summary_and_parameters_and_sends_nothing(ip: InteractiveShell, db_env: Any) -> None:
    value, _ = run(ip, "%dbrest --doc /api/2.1/clusters/list")
    text = value.text()
    # the summary and the full parameter list are the installed databricks-sdk's, and change with it
    assert text.startswith("GET /api/2.1/clusters/list\n  ") and "(from databricks-sdk " in text
    query = next(line for line in text.splitlines() if line.strip().startswith("query: "))
    assert {"page_size", "page_token"} <= set(query.split(":", 1)[1].replace(",", " ").split())
    assert db_env.workspace.requests == []


def test_doc_of_an_unknown_path_suggests_the_closest(ip: InteractiveShell) -> None:
    with pytest.raises(UsageError, match=r"Did you mean /api/2\.0/clusters/list"):
        ip.run_line_magic("dbrest", "--doc /api/2.0/clusters/lst")


# -- --as ---------------------------------------------------------------------------------------------
def _netrc(home: Path, url: str, token: str) -> Path:
    """A hand-written entry for the emulator: its `account` names the port (a bare `machine` entry is for
    https on port 443 only); curl ignores the account."""
    path = home / "work.netrc"
    path.write_text(f"machine 127.0.0.1 login token password {token} account {url}\n")
    path.chmod(0o600)
    return path


def test_as_curl_with_a_netrc_store_runs_against_the_emulator(
    ip: InteractiveShell, db_env: Any, isolated_home: Path
) -> None:
    token = db_env.workspace.admin_token
    netrc = _netrc(isolated_home, db_env.url, token)
    value, _ = run(ip, f"%dbrest GET /api/2.1/clusters/list page_size==3 --store netrc:{netrc} --as curl")
    code = str(value)
    assert f"--netrc-file {netrc}" in code and token not in code
    assert db_env.workspace.requests == []  # nothing was sent
    env = {k: v for k, v in os.environ.items() if k != "DATABRICKS_TOKEN"}
    done = subprocess.run(["bash", "-c", code], capture_output=True, text=True, env=env, timeout=30)
    assert done.returncode == 0, done.stderr
    assert '"next_page_token"' in done.stdout and len(db_env.workspace.requests) == 1


def test_as_curl_without_netrc_reads_the_token_from_the_shell(ip: InteractiveShell, db_env: Any) -> None:
    ip.user_ns["cid"] = db_env.workspace.clusters[0]["cluster_id"]
    value, _ = run(ip, '%%dbrest POST /api/2.0/clusters/start --as curl\n{"cluster_id": "$cid"}')
    code = str(value)
    assert '-H "Authorization: Bearer $DATABRICKS_TOKEN"' in code
    assert db_env.workspace.admin_token not in code and ip.user_ns["cid"] in code
    done = subprocess.run(["bash", "-c", code], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert db_env.workspace.requests[-1].path == "/api/2.0/clusters/start"


@pytest.mark.parametrize("form", ["python", "sdk"])
def test_as_python_runs_in_a_fresh_process(ip: InteractiveShell, db_env: Any, form: str) -> None:
    ip.user_ns["size"] = 4
    value, _ = run(ip, f"%dbrest GET /api/2.1/clusters/list page_size==$size --as {form}")
    code = str(value)
    assert db_env.workspace.admin_token not in code
    assert db_env.workspace.requests == []
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "next_page_token" in done.stdout
    sent = db_env.workspace.requests[-1]
    assert sent.path == "/api/2.1/clusters/list" and sent.query == {"page_size": ["4"]}
