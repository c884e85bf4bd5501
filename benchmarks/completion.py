"""Section 7, completion: `%dbrest` tab completion through IPython's completer, as a front end asks for it.

Each sample is a fresh Python process with the extension loaded (the API index read from its cache, as it
is after the first completion ever):
- the first completion of `%dbrest GET /api/2.0/clusters/li` in that process (reads the cached index);
- the median of the following completions of a path, and of `name==` query names.
And once, in a fresh cache folder: building the index from databricks-sdk's source (once per SDK version).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from typing import Any

from benchmarks import Section, median
from benchmarks.workspace import bench_env

TARGET_MS = 50
LINE = "%dbrest GET /api/2.0/clusters/li"
QUERY_LINE = "%dbrest GET /api/2.1/clusters/list pa"
REPEATS = 50

SCRIPT = f"""
import json, statistics, time
from IPython.core.completer import provisionalcompleter
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_line_magic("load_ext", "notebook_tokens")
def complete(text):
    with provisionalcompleter():
        start = time.perf_counter()
        found = [c.text for c in shell.Completer.completions(text, len(text))]
        return time.perf_counter() - start, found
first, found = complete({LINE!r})
assert "/api/2.0/clusters/list" in found, found
paths = [complete({LINE!r})[0] for _ in range({REPEATS})]
names = [complete({QUERY_LINE!r})[0] for _ in range({REPEATS})]
assert "page_size==" in complete({QUERY_LINE!r})[1]
print(json.dumps({{"first": first, "path": statistics.median(paths), "query": statistics.median(names)}}))
"""

BUILD = """
import json, time
from notebook_tokens.notebook.rest import apicache
start = time.perf_counter()
index = apicache.index()
print(json.dumps({"build": time.perf_counter() - start, "endpoints": len(index)}))
"""


def _run(script: str, **env: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=bench_env(**env),
        timeout=180,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"exit status {done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(runs: int) -> Section:
    section = Section("7. Completion in %dbrest lines (a fresh process per run)")
    first = warm = None
    with tempfile.TemporaryDirectory(prefix="nbt-bench-cache-") as cache:
        try:
            built = _run(BUILD, XDG_CACHE_HOME=cache)
            note = f"{built['endpoints']} endpoints; once per databricks-sdk version, at the first completion"
            section.add(
                "build the API index from databricks-sdk's source", built["build"] * 1e3, "ms", 1, note
            )
            samples = [_run(SCRIPT, XDG_CACHE_HOME=cache) for _ in range(runs)]
        except (RuntimeError, ValueError, subprocess.TimeoutExpired) as error:
            section.not_measured("completion", str(error))
            samples = []
    if samples:
        first = median([s["first"] * 1e3 for s in samples])
        warm = max(median([s["path"] * 1e3 for s in samples]), median([s["query"] * 1e3 for s in samples]))
        section.add("first completion in a fresh process (index cached)", first, "ms", runs, LINE)
        section.add(
            "next completions of a path",
            median([s["path"] * 1e3 for s in samples]),
            "ms",
            runs,
            f"{REPEATS} each",
        )
        section.add(
            "next completions of name== query names",
            median([s["query"] * 1e3 for s in samples]),
            "ms",
            runs,
            QUERY_LINE,
        )
    section.check(f"first completion, index cached <= {TARGET_MS} ms", first, TARGET_MS, "ms")
    section.check(f"completion <= {TARGET_MS} ms", warm, TARGET_MS, "ms")
    return section
