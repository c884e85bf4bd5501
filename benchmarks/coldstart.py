"""Section 1, cold start: each sample is a fresh Python process, timed from inside (interpreter start-up
excluded, it is the same for everyone).

- `%load_ext notebook_tokens` in a fresh IPython shell, asserting it imported neither requests, nor
  databricks.sdk, nor ipywidgets;
- the first `%dbrest GET /api/2.0/clusters/list -q` right after it (lazy imports, credentials, connect);
- `import databricks.sdk`, and the SDK's first call: import + `WorkspaceClient` + `api_client.do` of
  the same GET;
- a bare cold `import requests; requests.get(...)` of the same GET, the floor for the first call.
Ours, the SDK's and the bare processes alternate, run by run. The API index is cached beforehand (as it is
once a user has completed one path), so the first %dbrest includes reading it for its pre-send check.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from benchmarks import Check, Section, median
from benchmarks.workspace import bench_env

HEAVY = ("requests", "databricks.sdk", "ipywidgets")
PATH = "/api/2.0/clusters/list"
IMPORT_TARGET = "%load_ext imports none of requests, databricks.sdk, ipywidgets"

OURS = f"""
import json, sys, time
from IPython.core.interactiveshell import InteractiveShell
heavy = {HEAVY!r}
def loaded():
    return sorted(m for m in heavy if any(k == m or k.startswith(m + ".") for k in sys.modules))
shell = InteractiveShell.instance()
before = loaded()
cpu_start, start = time.process_time(), time.perf_counter()
shell.run_line_magic("load_ext", "notebook_tokens")
cpu_loaded, loaded_at = time.process_time(), time.perf_counter()
imported = [m for m in loaded() if m not in before]
result = shell.run_line_magic("dbrest", "GET {PATH} -q")
cpu_done, done = time.process_time(), time.perf_counter()
status = getattr(result, "status_code", None)
print(json.dumps({{"load": loaded_at - start, "call": done - loaded_at, "imported": imported,
                  "load_cpu": cpu_loaded - cpu_start, "call_cpu": cpu_done - cpu_loaded,
                  "preloaded": before, "status": status}}))
"""

SDK = f"""
import json, os, time
cpu_start, start = time.process_time(), time.perf_counter()
import databricks.sdk
cpu_imported, imported = time.process_time(), time.perf_counter()
from databricks.sdk import WorkspaceClient
client = WorkspaceClient(host=os.environ["DATABRICKS_HOST"], token=os.environ["DATABRICKS_TOKEN"])
client.api_client.do("GET", "{PATH}")
cpu_done, done = time.process_time(), time.perf_counter()
print(json.dumps({{"import": imported - start, "call": done - start,
                  "import_cpu": cpu_imported - cpu_start, "call_cpu": cpu_done - cpu_start}}))
"""


BARE = f"""
import json, os, time
cpu_start, start = time.process_time(), time.perf_counter()
import requests
response = requests.get(os.environ["DATABRICKS_HOST"] + "{PATH}",
                        headers={{"Authorization": "Bearer " + os.environ["DATABRICKS_TOKEN"]}})
response.json()
cpu_done, done = time.process_time(), time.perf_counter()
print(json.dumps({{"call": done - start, "call_cpu": cpu_done - cpu_start, "status": response.status_code}}))
"""
# builds the API index into the benchmark HOME's cache (once per SDK version; later runs only check it)
CACHE_INDEX = "from notebook_tokens.notebook.rest import apicache; apicache.index()"


def _sample(script: str, host: str, token: str) -> dict[str, Any]:
    env = bench_env(DATABRICKS_HOST=host, DATABRICKS_TOKEN=token)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"exit status {done.returncode}")
    sample: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return sample


def _samples(script: str, host: str, token: str, into: list[dict[str, Any]], errors: list[str]) -> None:
    try:
        into.append(_sample(script, host, token))
    except (RuntimeError, ValueError, IndexError, subprocess.TimeoutExpired) as error:
        errors.append(str(error))


def _add(section: Section, name: str, samples: list[dict[str, Any]], *keys: str, note: str = "") -> float:
    """A row: the median wall time of `keys` summed, in ms. The note gives the minimum and the median CPU
    time of the process: on a busy machine they show what the work itself costs, while the median is what
    a user would see under that load."""
    wall = [sum(s[k] for k in keys) * 1e3 for s in samples]
    cpu = median([sum(s[f"{k}_cpu"] for k in keys) * 1e3 for s in samples])
    value = median(wall)
    notes = [f"min {min(wall):.1f} ms, CPU {cpu:.1f} ms", note]
    section.add(name, value, "ms", len(samples), "; ".join(filter(None, notes)))
    return value


def run(host: str, token: str, runs: int) -> Section:
    section = Section("1. Cold start (a fresh process per run)")
    ours: list[dict[str, Any]] = []
    sdk: list[dict[str, Any]] = []
    bare: list[dict[str, Any]] = []
    ours_errors: list[str] = []
    sdk_errors: list[str] = []
    bare_errors: list[str] = []
    env = bench_env(DATABRICKS_HOST=host, DATABRICKS_TOKEN=token)
    subprocess.run([sys.executable, "-c", CACHE_INDEX], env=env, timeout=120, check=False)
    for _ in range(runs):  # alternate, so a slow moment of the machine hits every side alike
        _samples(OURS, host, token, ours, ours_errors)
        _samples(SDK, host, token, sdk, sdk_errors)
        _samples(BARE, host, token, bare, bare_errors)
    load = call = None
    if ours_errors:
        section.not_measured("%load_ext notebook_tokens, first %dbrest", ours_errors[-1])
        section.checks.append(Check(IMPORT_TARGET, "not measured", None))
    else:
        imported = sorted({name for s in ours for name in s["imported"]})
        statuses = sorted({str(s["status"]) for s in ours})
        what = f"imported: {', '.join(imported)}" if imported else f"imported none of {', '.join(HEAVY)}"
        load = _add(section, "%load_ext notebook_tokens", ours, "load", note=what)
        call = _add(
            section,
            "first %dbrest GET, right after %load_ext",
            ours,
            "call",
            note=f"HTTP {', '.join(statuses)}",
        )
        _add(section, "%load_ext + first %dbrest", ours, "load", "call")
        section.checks.append(Check(IMPORT_TARGET, ", ".join(imported) or "none imported", not imported))
    if sdk_errors:
        section.not_measured("databricks-sdk import, first call", sdk_errors[-1])
    else:
        _add(section, "import databricks.sdk", sdk, "import")
        _add(section, "SDK first call: import + WorkspaceClient + api_client.do", sdk, "call")
    if not ours_errors and not sdk_errors:
        section.add(
            "SDK first call / ours (%load_ext + first %dbrest)",
            median([b["call"] / (a["load"] + a["call"]) for a, b in zip(ours, sdk, strict=True)]),
            "x",
            runs,
            "ratio per pair of processes run back to back",
        )
    first_ratio = _bare_rows(section, ours, bare, bare_errors, ours_errors)
    section.check("%load_ext <= 30 ms", load, 30, "ms")
    section.check("first %dbrest call <= 150 ms", call, 150, "ms")
    section.check("first %dbrest call <= 1.5x bare cold requests.get", first_ratio, 1.5, "x")
    return section


def _bare_rows(
    section: Section,
    ours: list[dict[str, Any]],
    bare: list[dict[str, Any]],
    bare_errors: list[str],
    ours_errors: list[str],
) -> float | None:
    """The bare cold `requests.get` row, and the first %dbrest over it (per pair of processes)."""
    if bare_errors:
        section.not_measured("bare cold import requests; requests.get", bare_errors[-1])
        return None
    _add(section, "bare cold import requests; requests.get", bare, "call")
    if ours_errors:
        return None
    ratio = median([a["call"] / b["call"] for a, b in zip(ours, bare, strict=True)])
    section.add(
        "first %dbrest / bare cold requests.get",
        ratio,
        "x",
        len(bare),
        "ratio per pair of processes run back to back",
    )
    return ratio
