"""Section 2, per call: a keep-alive GET /api/2.0/clusters/list, response parsed as JSON, in a warm process.

Candidates take turns call by call (see `benchmarks.interleaved`); a run's value is the median of its
calls, and each ratio the median of per-run ratios, so both sides of a pair always ran under the same load:
- `http.client` (the floor), `requests.Session` with the bearer header set by hand (the floor for a
  requests-based helper; also with `trust_env=False`, which skips the per-call netrc and proxy lookups, as
  WorkspaceSession does), `notebook_tokens.session().get`, `%dbrest ... -q` through `run_line_magic`,
  databricks-sdk `api_client.do`, and `curl -n --netrc-file` (a process per call: what a shell user pays).

Every candidate runs as code in a notebook cell does: inside IPython's builtin trap, which `run_cell` holds
while a cell runs. Outside a cell, each `run_line_magic` would install and remove `get_ipython`, `exit` and
`quit` in builtins on every call (about 250 bytecodes, and it resets the interpreter's cached global
lookups), a cost no `%dbrest` in a notebook pays.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import subprocess
from collections.abc import Callable
from typing import Any

from benchmarks import Section, interleaved, median, ratios
from benchmarks.workspace import netrc_file

PATH = "/api/2.0/clusters/list"
OURS = ("notebook_tokens.session().get", "%dbrest -q via run_line_magic")
CURL_EVERY = 10  # a process per call, ~10 ms: once every 10 rounds is plenty


def _http_client(address: tuple[str, int], token: str) -> Callable[[], object]:
    connection = http.client.HTTPConnection(*address)
    headers = {"Authorization": f"Bearer {token}"}

    def call() -> object:
        connection.request("GET", PATH, headers=headers)
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, response.status
        return json.loads(body)

    return call


def _requests_session(host: str, token: str, *, trust_env: bool = True) -> Callable[[], object]:
    import requests

    session = requests.Session()
    session.trust_env = trust_env
    session.headers["Authorization"] = f"Bearer {token}"
    url = host + PATH

    def call() -> object:
        response = session.get(url)
        response.raise_for_status()
        return response.json()

    return call


def _ours_session() -> Callable[[], object]:
    import notebook_tokens

    db = notebook_tokens.session()

    def call() -> object:
        response = db.get(PATH)
        response.raise_for_status()
        return response.json()

    return call


def _dbrest(shell: Any) -> Callable[[], object]:
    if isinstance(shell, str):  # why %load_ext failed
        raise RuntimeError(shell)
    line = f"GET {PATH} -q"

    def call() -> object:
        result = shell.run_line_magic("dbrest", line)
        assert result.status_code == 200, result.status_code
        return result.data

    return call


def _sdk(host: str, token: str) -> Callable[[], object]:
    from databricks.sdk import WorkspaceClient

    client = WorkspaceClient(host=host, token=token)

    def call() -> object:
        return client.api_client.do("GET", PATH)

    return call


def _curl(host: str, token: str) -> Callable[[], object]:
    command = ["curl", "-sS", "--fail", "-n", "--netrc-file", str(netrc_file(host, token)), host + PATH]

    def call() -> object:
        return json.loads(subprocess.run(command, capture_output=True, check=True).stdout)

    return call


def _as_in_a_cell(shell: Any) -> Any:
    """IPython's builtin trap, held as `run_cell` holds it while a cell runs (no shell: nothing)."""
    return contextlib.nullcontext() if isinstance(shell, str) else shell.builtin_trap


def run(host: str, token: str, address: tuple[str, int], shell: Any, runs: int, rounds: int) -> Section:
    section = Section("2. Per call: keep-alive GET /api/2.0/clusters/list, JSON parsed")
    builders: dict[str, Callable[[], Callable[[], object]]] = {
        "http.client (floor)": lambda: _http_client(address, token),
        "requests.Session, header by hand": lambda: _requests_session(host, token),
        "requests.Session, header by hand, trust_env=False": lambda: _requests_session(
            host, token, trust_env=False
        ),
        "notebook_tokens.session().get": _ours_session,
        "%dbrest -q via run_line_magic": lambda: _dbrest(shell),
        "databricks-sdk api_client.do": lambda: _sdk(host, token),
        "curl -n --netrc-file (process per call)": lambda: _curl(host, token),
    }
    calls: dict[str, Callable[[], object]] = {}
    failures: dict[str, str] = {}
    for name, build in builders.items():
        try:
            call = build()
            for _ in range(3):  # connect, fill caches, and prove it works before timing it
                call()
        except Exception as error:  # any failure is reported as a row, never a crash
            failures[name] = f"{type(error).__name__}: {error}"[:200]
            continue
        calls[name] = call
    every = {name: CURL_EVERY for name in calls if name.startswith("curl")}
    with _as_in_a_cell(shell):
        samples = interleaved(calls, runs, rounds, every)
    base, floor = "requests.Session, header by hand", "http.client (floor)"
    no_env = "requests.Session, header by hand, trust_env=False"
    for name in builders:
        if name in failures:
            section.not_measured(name, failures[name])
            continue
        seconds = samples[name]
        note = f"{rounds // every.get(name, 1)} calls x {runs} runs"
        if floor in samples and name != floor:
            extra = median([(a - b) * 1e6 for a, b in zip(seconds, samples[floor], strict=True)])
            note += f"; {extra:+.0f} µs over http.client"
        if base in samples and name != base:
            note += f"; {ratios(samples, name, base):.3f}x requests.Session"
        if no_env in samples and name in OURS:
            note += f", {ratios(samples, name, no_env):.3f}x with trust_env=False"
        section.add(name, median(seconds) * 1e6, "µs", runs, note)
    # The targets compare like with like: WorkspaceSession runs with trust_env=False (it merges the proxies
    # and CA bundle once per session instead), so its base is requests.Session with trust_env=False too.
    session_ratio = dbrest_ratio = None
    if no_env in samples:
        if "notebook_tokens.session().get" in samples:
            session_ratio = ratios(samples, "notebook_tokens.session().get", no_env)
        if "%dbrest -q via run_line_magic" in samples:
            dbrest_ratio = ratios(samples, "%dbrest -q via run_line_magic", no_env)
    section.check("session().get <= 1.05x requests.Session (both trust_env=False)", session_ratio, 1.05, "x")
    section.check("%dbrest <= 1.10x requests.Session (both trust_env=False)", dbrest_ratio, 1.10, "x")
    return section
