"""Sections 4-6: the scripts other parts own, called through the interface in `benchmarks/__init__.py`.

A missing script, or one that fails, becomes a "not measured: <why>" row instead of stopping the run.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import io
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from benchmarks import Check, Row, Section

SCRIPTS = {
    "panel_scale": "4. %dbtoken panel with 10, 100 and 1,000 tokens",
    "bulk_revoke": "5. Admin bulk revoke of 200 tokens, --latency-ms 50",
    "emulator_throughput": "6. Emulator throughput",
}
# Targets checked here when a script reports rows but no Check for them:
# (row name fragment, target, limit, unit, at_least); the fragment matches the row's name and unit.
FALLBACK_TARGETS: dict[str, list[tuple[str, str, float, str, bool]]] = {
    "bulk_revoke": [("speedup", "bulk revoke >= 5x the sequential SDK loop", 5.0, "x", True)],
    "emulator_throughput": [("req/s", "emulator >= 2,000 req/s", 2000.0, "req/s", True)],
}


def run(name: str, quick: bool) -> Section:
    title = SCRIPTS[name]
    section = Section(title)
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
    _fallback_checks(name, section)
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


def _fallback_checks(name: str, section: Section) -> None:
    for fragment, target, limit, unit, at_least in FALLBACK_TARGETS.get(name, []):
        if any(c.target.lower().startswith(target.split()[0].lower()) for c in section.checks):
            continue
        matches = [
            r for r in section.rows if r.value is not None and fragment in f"{r.name} {r.unit}".lower()
        ]
        section.check(target, matches[0].value if matches else None, limit, unit, at_least=at_least)
