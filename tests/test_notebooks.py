"""The example notebooks run headless, as CI and papermill run them, against a fresh demo emulator.

Each notebook is executed once per module by nbclient (widget state stored, IPython history on); the
tests then look at that one run: every cell succeeded, no token in the saved notebook or the history
database, and the workspace ended as the notebook says it would.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from notebook_runner import KERNELSPEC, NOTEBOOKS, NotebookRun, error_outputs, run_notebook

from notebook_tokens.core.scopes import needed_scope
from notebook_tokens.testing import FakeWorkspace

NAMES = ("quickstart", "token-lifecycle", "admin-tokens", "least-privilege", "oauth")
PANEL_NOTEBOOKS = ("token-lifecycle", "admin-tokens")
# Appended after Run All of a notebook with a panel: click the notebook's own panel's Refresh button, as a
# reader would, wait for the answer and print the My tokens status line (class nt-status-line) for the test
# to read; before that, whether the header (the panel's first child) shows the token the notebook now uses.
CLICK_REFRESH = """
import re, time, ipywidgets
def _nt_all(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _nt_all(child)
# the notebook's own panel: the first root built by %dbtoken panel
_nt_live = getattr(ipywidgets.widgets.widget, "_instances", None) or ipywidgets.Widget.widgets  # 8 / 7
_nt_root = next(w for w in list(_nt_live.values())
                if "nt-panel" in getattr(w, "_dom_classes", ()))
_nt_status = next(w for w in _nt_all(_nt_root) if "nt-status-line" in getattr(w, "_dom_classes", ()))
def _nt_wait():
    deadline = time.monotonic() + 30
    while "nt-status working" in _nt_status.value and time.monotonic() < deadline:
        time.sleep(0.1)
_nt_wait()
from notebook_tokens.notebook.extension import get_context
_nt_masked = get_context(get_ipython()).session().credentials.token.masked
print("PANEL SHOWS THE TOKEN IN USE:", _nt_masked in _nt_root.children[0].value)  # the header, before Refresh
_nt_status.value = ""  # so what is read below is the Refresh's own answer
next(w for w in _nt_all(_nt_root) if isinstance(w, ipywidgets.Button) and "Refresh" in w.description).click()
time.sleep(0.2)
_nt_wait()
_nt_found = re.search(r'nt-status (\\w+)">(.*?)</div>', _nt_status.value)
print("PANEL REFRESH:", *(_nt_found.groups() if _nt_found else ("none", _nt_status.value)))
"""


class _Runs:
    """Runs each notebook once per module, on first use."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.done: dict[str, NotebookRun] = {}

    def __getitem__(self, name: str) -> NotebookRun:
        if name not in self.done:
            append = [CLICK_REFRESH] if name in PANEL_NOTEBOOKS else []
            self.done[name] = run_notebook(name, self.factory.mktemp(name), append=append, raise_errors=False)
        return self.done[name]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> _Runs:
    return _Runs(tmp_path_factory)


@pytest.fixture(params=NAMES)
def run(request: pytest.FixtureRequest, runs: _Runs) -> NotebookRun:
    return runs[request.param]


@pytest.fixture
def quickstart(runs: _Runs) -> NotebookRun:
    return runs["quickstart"]


@pytest.fixture
def lifecycle(runs: _Runs) -> NotebookRun:
    return runs["token-lifecycle"]


@pytest.fixture
def admin(runs: _Runs) -> NotebookRun:
    return runs["admin-tokens"]


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_clean(name: str) -> None:
    """Committed notebooks carry a python3 kernelspec and no outputs or execution counts."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.language_info.name == "python"
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)
    assert "widgets" not in nb.metadata


SHOWN = {
    "quickstart": ("%load_ext notebook_tokens", "%dbtoken", "%%dbrest GET /api/2.0/clusters/list",
                   "--all", "page_size==", "-e ", "-o ", '"$cluster_id"', "notebook_tokens.session()",
                   "nosuchcluster"),
    "token-lifecycle": ("--store secret:", "--store keyring", "--store netrc:", "--lifetime 7d", "!curl",
                        "--netrc-file", "%dbtoken revoke", "%dbtoken rotate", "%dbtoken panel"),
    "oauth": ("/api/2.0/preview/scim/v2/ServicePrincipals", "%dbtoken sp secret create",
              "--store secret:ops/sp", "%dbrest --store m2m:", "%dbtoken use m2m:", "%dbtoken status",
              "%dbtoken conf --disable", "%dbtoken conf --enable"),
    "admin-tokens": ("%dbtoken list --all-users", "--expired", "--unused-days", "bulk_revoke",
                     "TokenManager(notebook_tokens.session())", "%dbtoken conf", "%dbtoken panel"),
    "least-privilege": ("%dbtoken scopes --reset", "%dbtoken scopes", "--scopes observed",
                        "sdk.tokens.list()", "POST /api/2.0/clusters/start", "/api/2.0/secrets/",
                        "%dbtoken list"),
}


@pytest.mark.parametrize("name", NAMES)
def test_notebook_shows_what_it_promises(name: str) -> None:
    """Each notebook's code cells still show the features issue 7 lists for it."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    assert [item for item in SHOWN[name] if item not in code] == []


@pytest.fixture
def least(runs: _Runs) -> NotebookRun:
    return runs["least-privilege"]


def test_every_cell_succeeds(run: NotebookRun) -> None:
    """The notebook runs top to bottom without a failing cell or an error output."""
    assert run.error is None, str(run.error)[-3000:]
    assert error_outputs(run.notebook) == []
    code = [cell for cell in run.notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)


def test_no_token_in_saved_notebook_or_history(run: NotebookRun) -> None:
    """Neither the executed .ipynb (outputs, metadata, widget state) nor history.sqlite holds a token."""
    assert run.history_files, "IPython history was not written"
    assert run.leaks() == []


def test_history_was_recorded(run: NotebookRun) -> None:
    """History was on during the run, so the scan above looked at real input history."""
    inputs = run.history_inputs()
    assert any("%load_ext notebook_tokens" in source for source in inputs)


@pytest.mark.parametrize("name", ["token-lifecycle", "admin-tokens"])
def test_panel_widget_state_is_saved(name: str, runs: _Runs) -> None:
    """The notebooks showing the panel save its widget state, which the scan then covers."""
    run = runs[name]
    assert any("%dbtoken panel" in c.source for c in run.notebook.cells if c.cell_type == "code")
    state = run.notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    assert state.get("state"), "no widget state stored"


def test_quickstart_post_started_the_cluster(quickstart: NotebookRun) -> None:
    """The `$cluster_id` POST started the cluster the notebook chose, and only that one."""
    ws = quickstart.workspace
    started = [r for r in ws.requests if r.method == "POST" and r.path == "/api/2.0/clusters/start"]
    chosen = [r.body for r in started if b"nosuchcluster" not in r.body]
    assert len(chosen) == 1
    moving = [c["cluster_id"] for c in ws.clusters if c["state"] in ("PENDING", "RUNNING")
              and c["cluster_id"].encode() in chosen[0]]
    assert len(moving) == 1


def test_quickstart_all_followed_every_page(quickstart: NotebookRun) -> None:
    """`--all` over /api/2.1/clusters/list with page_size==10 fetched the 30 clusters in 3 pages."""
    pages = [r for r in quickstart.workspace.requests if r.path == "/api/2.1/clusters/list"]
    assert len([r for r in pages if r.query.get("page_size") == ["10"]]) >= 3


def _comments(run: NotebookRun) -> set[str]:
    """The comments of the tokens the workspace still holds."""
    ws = run.workspace
    with ws.lock:
        return {t.comment for t in ws.tokens.values()}


def test_lifecycle_leaves_no_token_behind(lifecycle: NotebookRun) -> None:
    """Every token the lifecycle notebook generated (and the rotated one) is revoked at its end."""
    assert lifecycle.error is None, str(lifecycle.error)[-2000:]
    made = {"nightly job", "laptop", "curl"}
    comments = _comments(lifecycle)
    assert not comments & made
    assert not [c for c in comments if c.startswith("rotated by notebook-tokens")]


def test_lifecycle_revokes_nothing_it_did_not_make(lifecycle: NotebookRun) -> None:
    """The clean-up spares the tokens that existed before, the admin's own included."""
    ws = lifecycle.workspace
    assert {"terraform", "stale: unused since spring", "laptop CLI"} <= _comments(lifecycle)
    assert ws.is_token_active(ws.admin_token)


def test_lifecycle_stores_were_written_then_cleaned(lifecycle: NotebookRun) -> None:
    """A token went into the secret scope and the keyring; the clean-up removed both entries."""
    puts = [r for r in lifecycle.workspace.requests if r.path == "/api/2.0/secrets/put"]
    assert any(b'"nightly"' in r.body for r in puts)
    assert lifecycle.workspace.secret_value("demo", "nightly") is None
    keyring_file = lifecycle.home.parent / "keyring.json"
    assert keyring_file.exists()
    entries = json.loads(keyring_file.read_text())
    assert entries["notebook-tokens-demo"] == {}  # written under the notebook's own service, then deleted
    assert "databricks" not in entries  # the user's usual service was never touched


def test_lifecycle_curl_used_the_netrc_entry(lifecycle: NotebookRun) -> None:
    """curl's requests reached the emulator (first accepted, then 403 after the revoke)."""
    curl = [r for r in lifecycle.workspace.requests
            if r.path == "/api/2.0/preview/scim/v2/Me"
            and {k.lower(): v for k, v in r.headers.items()}.get("user-agent", "").startswith("curl/")]
    assert len(curl) == 2


def test_admin_bulk_revoke_removed_expired_and_stale(admin: NotebookRun) -> None:
    """The seed's expired and stale tokens are gone; the fresh ones stay."""
    assert admin.error is None, str(admin.error)[-2000:]
    comments = _comments(admin)
    assert "old notebook job" not in comments
    assert "stale: unused since spring" not in comments
    assert {"laptop CLI", "terraform"} <= comments


def test_admin_restores_workspace_settings(admin: NotebookRun) -> None:
    """The notebook puts maxTokenLifetimeDays back to what it was: 730, a new workspace's default (the 2020
    platform's default was 0, no limit)."""
    assert admin.workspace.conf["maxTokenLifetimeDays"] == "730"


def test_executed_copies_are_kept(run: NotebookRun) -> None:
    """The executed copy exists for a reader without a browser (`make demo EXECUTE=1` writes the same)."""
    assert Path(run.executed_path).stat().st_size > 0


def test_scanner_knows_the_generated_tokens(lifecycle: NotebookRun) -> None:
    """The scan looks for the tokens the notebook generated, not only the seeded ones."""
    ws = lifecycle.workspace
    seeded = {ws.admin_token, ws.user_token, (ws.secret_value("demo", "pat") or b"").decode()}
    assert len(set(lifecycle.secret_values()) - seeded) >= 3


def test_scanner_catches_a_leak(tmp_path: Path) -> None:
    """Negative control: a token typed into a cell, printed, and printed as base64 is found in the
    saved notebook and in history.sqlite."""
    ws = FakeWorkspace(seed="demo")
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [
        nbformat.v4.new_code_cell(f'pasted = "{ws.user_token}"'),
        nbformat.v4.new_code_cell(
            "import base64, os\nprint(base64.b64encode(os.environ['DATABRICKS_TOKEN'].encode()))"
        ),
    ]
    leaks = run_notebook(nb, tmp_path, workspace=ws).leaks()
    assert any(line.startswith("notebook.executed.ipynb: PAT-shaped") for line in leaks)
    assert any(line.startswith("history.sqlite: PAT-shaped") for line in leaks)
    assert any("base64" in line for line in leaks)


def test_admin_keeps_an_existing_lifetime_limit(tmp_path: Path) -> None:
    """On a workspace that already caps token lifetimes, the admin notebook puts that cap back."""
    ws = FakeWorkspace(seed="demo")
    ws.conf["maxTokenLifetimeDays"] = "30"
    run = run_notebook("admin-tokens", tmp_path, workspace=ws)
    assert run.workspace.conf["maxTokenLifetimeDays"] == "30"


@pytest.mark.parametrize("name", PANEL_NOTEBOOKS)
def test_panel_is_live_after_run_all(name: str, runs: _Runs) -> None:
    """After Run All, Refresh on the notebook's panel lists tokens: its token was not revoked by the
    notebook's own clean-up (the panel used to hold the keyring token that the clean-up revokes)."""
    run = runs[name]
    assert run.error is None, str(run.error)[-2000:]
    outputs = run.notebook.cells[-1].outputs
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "PANEL SHOWS THE TOKEN IN USE: True" in printed, printed  # not stale rows for a revoked token
    assert re.search(r"PANEL REFRESH: info \d+ tokens?\.", printed), printed
def _api_paths(source: str) -> set[str]:
    return {m.rstrip(".,") for m in re.findall(r"/api/[A-Za-z0-9_./{}-]+", source)}


@pytest.mark.parametrize("name", NAMES)
def test_every_path_a_notebook_uses_maps_to_a_scope(name: str) -> None:
    """Each /api/ path written in a notebook's code maps to a scope (or is allowed by every scope), so
    `%dbtoken scopes` can tell what a token for it needs."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    paths = set().union(*(_api_paths(c.source) for c in nb.cells if c.cell_type == "code"))
    assert [p for p in sorted(paths) if needed_scope("GET", p) is None] == []


def test_every_call_a_notebook_made_maps_to_a_scope(run: NotebookRun) -> None:
    """The API calls the workspace saw from a run (the extension's own included) all map to a scope (the
    OIDC endpoints authenticate the client themselves and take no scope)."""
    paths = {r.path for r in run.workspace.requests if r.path.startswith("/api/")}
    assert paths and [p for p in sorted(paths) if needed_scope(next(
        r.method for r in run.workspace.requests if r.path == p), p) is None] == []


def _outputs(run: NotebookRun) -> str:
    texts = []
    for cell in run.notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", "") + str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


def test_least_privilege_mints_clusters_read(least: NotebookRun) -> None:
    """GET clusters calls only: the observed set is clusters:read, and the token made has exactly it."""
    assert least.error is None, str(least.error)[-2000:]
    shown = _outputs(least)
    assert "Least scopes for these calls: clusters:read" in shown
    assert "Scopes observed in this kernel's calls: clusters:read" in shown
    assert "did you mean clusters:read" in shown
    created = [r for r in least.workspace.requests if r.path == "/api/2.0/token/create"]
    assert len(created) == 1 and json.loads(created[0].body)["scopes"] == ["clusters:read"]


def test_least_privilege_token_is_refused_writes_and_secrets(least: NotebookRun) -> None:
    """The scoped token listed clusters, got 403 for clusters/start and every secrets call; the refusal
    named the missing scope."""
    shown = _outputs(least)
    assert "needs the scope clusters " in shown
    assert "'/api/2.0/secrets/scopes/list': 403" in shown and "'/api/2.0/secrets/put': 403" in shown
    assert "[('cluster report', ['clusters:read'])]" in shown  # the SDK's token list
    assert "clusters:read" in shown and "all APIs" in shown  # %dbtoken list


def test_least_privilege_leaves_no_token_behind(least: NotebookRun) -> None:
    assert not [c for c in _comments(least) if c.startswith("cluster report")]


@pytest.fixture
def oauth(runs: _Runs) -> NotebookRun:
    return runs["oauth"]


def test_oauth_notebook_leaves_the_workspace_as_it_found_it(oauth: NotebookRun) -> None:
    """PATs on again; the principal, its secrets and the ops scope it made are gone."""
    assert oauth.error is None, str(oauth.error)[-2000:]
    ws = oauth.workspace
    assert ws.conf["enableTokensConfig"] == "true"
    made = [app for app, sp in ws.service_principals.items() if sp.get("displayName") == "ops-automation"]
    assert made == [] and "ops" not in ws.scopes
    assert all(secrets == [] for secrets in ws.oauth.sp_secrets.values())


def test_oauth_notebook_worked_with_pats_disabled(oauth: NotebookRun) -> None:
    """With PATs off the admin's PAT got 403; the principal called SCIM Me with its OAuth access token."""
    printed = "".join(o.get("text", "") for c in oauth.notebook.cells for o in c.get("outputs", []))
    assert "with the PAT: 403" in printed
    bearers = [r for r in oauth.workspace.requests
               if (r.header("authorization") or "").startswith("Bearer eyJ") and r.path.endswith("/Me")]
    assert bearers


def test_oauth_values_are_in_the_scanned_set(oauth: NotebookRun) -> None:
    """The scan looks for the client secret (sent to /oidc/v1/token) and every access token the run used."""
    values = set(oauth.secret_values())
    assert any(v.startswith("dose") for v in values)
    assert any(v.startswith("eyJ") for v in values)
    assert oauth.leaks() == []
