"""Run an example notebook headless against the emulator, then scan what it left on disk for tokens.

`run_notebook()` executes a notebook with nbclient the way CI and papermill do: widget state stored into
the notebook (`store_widget_state=True`), IPython history on (its `history.sqlite` in a temporary
IPYTHONDIR), HOME / NETRC / the keyring file pointing into a temporary directory, and
DATABRICKS_HOST / DATABRICKS_TOKEN naming the emulator's admin user, as `make demo` does. The keyring is
`notebook_tokens.testing.filekeyring.FileKeyring`, which stands in for a desktop keyring.
With `runtime=True` the kernel instead
gets DATABRICKS_RUNTIME_VERSION and a stand-in `dbutils` (`standin_dbutils`, through an IPython startup
file) whose notebook context carries the workspace URL and token, and no DATABRICKS_HOST / _TOKEN.

`NotebookRun.leaks()` then reads the executed .ipynb (outputs, metadata, widget state) and every byte of
the history database: any `dapi` + 32 hex, or any raw token / secret value the emulator holds, is a leak.
"""

from __future__ import annotations

import base64
import json
import os
import re
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from notebook_tokens.testing import EmulatorServer, FakeWorkspace

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
TESTS = Path(__file__).resolve().parent
PAT_RE = re.compile(rb"dapi[0-9a-f]{32}")
# OAuth values by shape: a service principal's secret (`dose` + 32 hex, the platform's shape) and a JWT access
# token (`eyJ…` header, `.`, `eyJ…` claims): the emulator keeps only their SHA-256, so they are found by shape
OAUTH_RE = re.compile(rb"dose[0-9a-f]{32}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}")
# the form fields of /oidc/v1/token and /revoke that carry a secret (client secret, refresh token, code)
_OAUTH_FIELDS = ("client_secret", "refresh_token", "token", "code", "code_verifier")
# `make compat` runs the stand-in runtime as the environment under test (tests/runtimes/*.txt)
RUNTIME_VERSION = os.environ.get("NOTEBOOK_TOKENS_TEST_RUNTIME_VERSION", "15.4.x-scala2.12")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
_DROPPED_ENV = ("NETRC", "PYTHON_KEYRING_BACKEND", "JPY_SESSION_NAME", "PYTHONSTARTUP")


@dataclass
class NotebookRun:
    """An executed notebook, where its traces are, and the workspace it ran against."""

    notebook: Any  # nbformat.NotebookNode
    executed_path: Path
    ipython_dir: Path
    workspace: FakeWorkspace
    home: Path
    dbutils_log: Path | None = None
    extra_secrets: list[str] = field(default_factory=list)
    error: Exception | None = None  # the CellExecutionError when run with raise_errors=False

    @property
    def history_files(self) -> list[Path]:
        return sorted((self.ipython_dir / "profile_default").glob("history.sqlite*"))

    def history_inputs(self) -> list[str]:
        """The cell sources IPython recorded, to prove history was on."""
        db = self.ipython_dir / "profile_default" / "history.sqlite"
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # read-only: never creates the file
        try:
            return [row[0] for row in connection.execute("SELECT source_raw FROM history")]
        finally:
            connection.close()

    def secret_values(self) -> list[str]:
        """Every raw token and secret value in play after the run: the emulator's users' tokens, its secret
        scopes' values, the tokens the run sent, and what it wrote to the keyring file and netrc files (the
        emulator keeps only token ids, the SHA-256 of each value, so generated values are found where they
        travelled or were stored)."""
        values = set(workspace_secrets(self.workspace)) | set(self.extra_secrets)
        values |= pats_in_files(self.executed_path.parent, skip=[self.executed_path, *self.history_files])
        return sorted(v for v in values if len(v) >= 8)

    def leaks(self) -> list[str]:
        """Where a token shows up: 'file: what' lines, empty when clean. Never includes the value."""
        return scan([self.executed_path, *self.history_files], self.secret_values())


def scan(paths: Iterable[Path], values: Iterable[str]) -> list[str]:
    """Look in `paths` for anything PAT-shaped, and for each of `values` in its plain and base64 forms
    (`/api/2.0/secrets/get` answers base64, which the PAT pattern cannot see). Returns 'file: what' lines,
    empty when clean; never the value itself."""
    needles: list[tuple[str, bytes]] = []
    for i, value in enumerate(v for v in values if len(v) >= 8):
        raw = value.encode()
        needles.append((f"raw value #{i}", raw))
        needles.append((f"base64 of value #{i}", base64.b64encode(raw).rstrip(b"=")[:-2]))
    found: list[str] = []
    for path in paths:
        data = path.read_bytes()
        found.extend(f"{path.name}: PAT-shaped string at byte {m.start()}" for m in PAT_RE.finditer(data))
        found.extend(f"{path.name}: OAuth-shaped string at byte {m.start()}" for m in OAUTH_RE.finditer(data))
        found.extend(f"{path.name}: {what}" for what, needle in needles if needle in data)
    return found


def pats_in_files(root: Path, *, skip: Iterable[Path] = ()) -> set[str]:
    """PAT-shaped strings in the files under `root` (keyring file, netrc files): values the run stored."""
    skipped = {p.resolve() for p in skip}
    found: set[str] = set()
    for path in root.rglob("*"):
        if path.is_file() and path.resolve() not in skipped and path.stat().st_size < 1_000_000:
            data = path.read_bytes()
            found.update(m.decode() for m in PAT_RE.findall(data))
            found.update(m.decode() for m in OAUTH_RE.findall(data))
    return found


def workspace_secrets(ws: FakeWorkspace) -> Iterable[str]:
    """The emulator users' seeded token values, every secret scope value, every bearer value the run sent
    and every PAT-shaped string in a request body (e.g. a secrets/put of a generated token)."""
    yield ws.admin_token
    yield ws.user_token
    with ws.lock:
        for scope in ws.scopes.values():
            for raw, _updated in scope.secrets.values():
                yield raw.decode("utf-8", "replace")
        recorded = list(ws.requests)
    for request in recorded:
        for name, value in request.headers.items():
            if name.lower() == "authorization" and value.startswith("Bearer "):
                yield value.removeprefix("Bearer ").strip()
        yield from (m.decode() for m in PAT_RE.findall(request.body or b""))
        yield from (m.decode() for m in OAUTH_RE.findall(request.body or b""))
        if request.path.startswith("/oidc/"):
            yield from oauth_form_values(request.body or b"")


def oauth_form_values(body: bytes) -> list[str]:
    """The secret fields of an OIDC form post: what a grant sent (client secret, refresh token, code)."""
    from urllib.parse import parse_qs

    fields = parse_qs(body.decode("utf-8", "replace"))
    return [value for name in _OAUTH_FIELDS for value in fields.get(name, [])]


def load(name_or_path: str | Path) -> Any:
    path = Path(name_or_path)
    if not path.suffix:
        path = NOTEBOOKS / f"{name_or_path}.ipynb"
    elif not path.is_absolute() and not path.exists():
        path = NOTEBOOKS / path
    return nbformat.read(path, as_version=4)


def kernel_env(
    tmp: Path, url: str, ws: FakeWorkspace, *, runtime: bool = False, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The kernel's environment: nothing from the machine's Databricks setup, everything else in tmp."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_") and k not in _DROPPED_ENV}
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    (tmp / "tmpdir").mkdir(exist_ok=True)
    env.update(
        TMPDIR=str(tmp / "tmpdir"),
        HOME=str(home),
        IPYTHONDIR=str(tmp / "ipython"),
        NETRC=str(home / ".netrc"),
        PYTHON_KEYRING_BACKEND="notebook_tokens.testing.filekeyring.FileKeyring",
        NOTEBOOK_TOKENS_KEYRING_FILE=str(tmp / "keyring.json"),
        PYTHONPATH=os.pathsep.join(p for p in (str(TESTS), str(REPO), env.get("PYTHONPATH", "")) if p),
        JUPYTER_PLATFORM_DIRS="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    if runtime:
        env["DATABRICKS_RUNTIME_VERSION"] = RUNTIME_VERSION
    else:
        env.update(DATABRICKS_HOST=url, DATABRICKS_TOKEN=ws.admin_token)
    env.update(extra or {})
    return env


def install_standin_dbutils(tmp: Path, url: str, token: str) -> tuple[dict[str, str], Path]:
    """Write the stand-in's config and an IPython startup file that puts `dbutils` in the namespace."""
    log = tmp / "dbutils-calls.jsonl"
    config = tmp / "standin-dbutils.json"
    config.write_text(json.dumps({"api_url": url, "api_token": token, "log": str(log)}), encoding="utf-8")
    config.chmod(0o600)
    startup = tmp / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-standin-dbutils.py").write_text(
        "# Stands in for the Databricks runtime, which defines dbutils before the first cell.\n"
        "import standin_dbutils as _standin\n_standin.install(get_ipython())\ndel _standin\n",
        encoding="utf-8",
    )
    return {"NT_STANDIN_DBUTILS": str(config)}, log


def code_cell(source: str) -> Any:
    return nbformat.v4.new_code_cell(source)


def run_notebook(
    notebook: str | Path | Any,
    tmp: Path,
    *,
    workspace: FakeWorkspace | None = None,
    runtime: bool = False,
    prepend: Sequence[str] = (),
    append: Sequence[str] = (),
    timeout: int = 60,
    raise_errors: bool = True,
) -> NotebookRun:
    """Execute `notebook` (a name under notebooks/, a path or a NotebookNode) against a fresh emulator
    (FakeWorkspace(seed="demo") unless given). The first failing cell stops the run: CellExecutionError is
    raised, or kept in `NotebookRun.error` with `raise_errors=False` (the executed copy is written anyway)."""
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else load(notebook)
    name = Path(str(notebook)).stem if not isinstance(notebook, nbformat.NotebookNode) else "notebook"
    nb.cells = [code_cell(s) for s in prepend] + list(nb.cells) + [code_cell(s) for s in append]
    ws = workspace or FakeWorkspace(seed="demo")
    tmp.mkdir(parents=True, exist_ok=True)
    work = tmp / "work"
    work.mkdir(exist_ok=True)
    with EmulatorServer(ws, port=0) as server:
        extra: dict[str, str] = {}
        log = None
        if runtime:
            extra, log = install_standin_dbutils(tmp, server.url, ws.admin_token)
        env = kernel_env(tmp, server.url, ws, runtime=runtime, extra=extra)
        client = NotebookClient(
            nb,
            kernel_name="python3",
            timeout=timeout,
            startup_timeout=60,
            store_widget_state=True,
            record_timing=False,
            # nbclient defaults to ":memory:"; a real file is what a user's kernel writes, and what we scan.
            ipython_hist_file=str(tmp / "ipython" / "profile_default" / "history.sqlite"),
            resources={"metadata": {"path": str(work)}},
        )
        error: Exception | None = None
        try:
            client.execute(env=env, cwd=str(work))
        except CellExecutionError as failure:
            if raise_errors:
                raise
            error = failure
        finally:
            executed = tmp / f"{name}.executed.ipynb"
            nbformat.write(nb, executed)
    return NotebookRun(nb, executed, tmp / "ipython", ws, tmp / "home", log, error=error)


def error_outputs(nb: Any) -> list[str]:
    """Every `error` output of an executed notebook, as 'cell N: ename: evalue'."""
    errors = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
    return errors


if __name__ == "__main__":  # `python tests/notebook_runner.py quickstart`: run one by hand, report leaks
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        run = run_notebook(sys.argv[1], Path(directory))
        print("\n".join(run.leaks()) or "clean", "| executed copy:", run.executed_path)
