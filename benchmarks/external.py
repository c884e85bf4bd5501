"""Sections 4-6: the scripts other parts own, called through the interface in `benchmarks/__init__.py`.

Each runs in a child process with a time limit. A missing script, or one that fails or hangs, becomes a
"not measured: <why>" row instead of stopping the run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import importlib.util
import inspect
import io
import json
import os
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from benchmarks import Check, Row, Section

SCRIPTS = {
    "panel_scale": "4. %dbtoken panel with 10, 100 and 1,000 tokens",
    "bulk_revoke": "5. Admin bulk revoke of 200 tokens, --latency-ms 50",
    "emulator_throughput": "6. Emulator throughput",
    "scan": "7. Leak scan (%dbtoken scan) of a 1 GiB tree against grep -rE",
}
MARKER = "@@benchmarks-section@@"


def run(name: str, quick: bool, timeout: float) -> Section:
    """The section from a child process (`python -m benchmarks.external NAME`), so a script that hangs is
    stopped after `timeout` seconds, and none can leave state (warnings filters, sys.path, threads) behind."""
    command = [sys.executable, "-m", "benchmarks.external", name, *(["--quick"] if quick else [])]
    section = Section(SCRIPTS[name])
    if importlib.util.find_spec(f"benchmarks.{name}") is None:
        section.not_measured(name, f"benchmarks/{name}.py is not in the tree yet")
        return section
    # A session of its own, so a timeout stops what the script started too (JupyterLab, a browser, ...).
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        section.not_measured(name, f"benchmarks/{name}.py took more than {timeout:.0f} s: stopped")
        return section
    lines = [line for line in stdout.splitlines() if line.startswith(MARKER)]
    if not lines:
        tail = (stderr.strip().splitlines() or [f"exit status {child.returncode}"])[-1]
        section.not_measured(name, f"benchmarks/{name}.py failed: {tail}"[:300])
        return section
    data = json.loads(lines[-1][len(MARKER) :])
    return Section(
        data["title"],
        [Row(**row) for row in data["rows"]],
        [Check(**check) for check in data["checks"]],
        data["text"],
    )


def run_here(name: str, quick: bool) -> Section:
    section = Section(SCRIPTS[name])
    if importlib.util.find_spec(f"benchmarks.{name}") is None:
        section.not_measured(name, f"benchmarks/{name}.py is not in the tree yet")
        return section
    printed = io.StringIO()
    try:
        module = importlib.import_module(f"benchmarks.{name}")
        entry = getattr(module, "run", None) or getattr(module, "main", None)
        if entry is None:
            section.not_measured(name, f"benchmarks/{name}.py defines neither run() nor main()")
            return section
        with contextlib.redirect_stdout(printed):
            result = _call(entry, quick)
    except BaseException as error:  # SystemExit from a main() too: report, never crash
        last = traceback.format_exception_only(type(error), error)[-1].strip()
        section.not_measured(name, f"benchmarks/{name}.py failed: {last}"[:300])
        section.text = printed.getvalue().strip()[-2000:]
        if isinstance(error, KeyboardInterrupt):
            raise
        return section
    _absorb(section, result)
    if not section.rows and not section.checks:
        section.text = printed.getvalue().strip()
        if not section.text:
            section.not_measured(name, f"benchmarks/{name}.py returned and printed nothing")
    return section


def _call(entry: Callable[..., Any], quick: bool) -> Any:
    parameters = inspect.signature(entry).parameters
    if "quick" in parameters:
        return entry(quick=quick)
    if "argv" in parameters:
        return entry(["--quick"] if quick else [])
    return entry()


def _absorb(section: Section, result: Any) -> None:
    if result is None or isinstance(result, int):  # a main() returning an exit status
        return
    if isinstance(result, Section):
        number = section.title.partition(" ")[0]
        section.title = f"{number} {result.title}" if result.title else section.title
        section.rows.extend(result.rows)
        section.checks.extend(result.checks)
        section.text = result.text
        return
    items: Iterable[Any] = result if isinstance(result, list | tuple) else [result]
    for item in items:
        if isinstance(item, Row):
            section.rows.append(item)
        elif isinstance(item, Check):
            section.checks.append(item)
        elif isinstance(item, dict) and "target" in item:
            section.checks.append(
                Check(str(item["target"]), str(item.get("measured", "")), item.get("holds"))
            )
        elif isinstance(item, dict):
            section.rows.append(_row_from_dict(section.title, item))
        elif hasattr(item, "name") and hasattr(item, "value"):
            section.rows.append(
                Row(
                    section.title,
                    str(item.name),
                    item.value,
                    str(getattr(item, "unit", "")),
                    int(getattr(item, "runs", 0) or 0),
                    str(getattr(item, "note", "")),
                )
            )
        else:
            section.text += f"{item}\n"


def _row_from_dict(title: str, item: dict[str, Any]) -> Row:
    value = item.get("value", item.get("median"))
    return Row(
        title,
        str(item.get("name", "?")),
        None if value is None else float(value),
        str(item.get("unit", "")),
        int(item.get("runs", 0) or 0),
        str(item.get("note", "")),
    )


def main(argv: list[str]) -> int:
    section = run_here(argv[0], "--quick" in argv[1:])
    print(MARKER + json.dumps(dataclasses.asdict(section)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
