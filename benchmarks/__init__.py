"""`make bench`: notebook-tokens side by side with what users would use instead, against the emulator.

Every section returns a `Section`: `Row`s (a median over at least 5 runs, or a ratio measured pair by pair in
the same run) and `Check`s (one per target, holding or not). `python -m benchmarks` runs them all, prints the
table and writes `benchmarks/results.md`.

Interface for the section scripts other parts own (`emulator_throughput.py`, `bulk_revoke.py`,
`panel_scale.py`): define `run(quick: bool = False)` returning a `Section`, a list of `Row` / `Check` (or of
dicts with their field names), or None (what it printed is then kept as the section's text). Without `run`,
`main()` is called the same way. A missing or failing script becomes a "not measured: <why>" row.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["Check", "Row", "Section", "interleaved", "median", "ratios", "timed_calls"]


@dataclass
class Row:
    """One measured line of the table: `value` in `unit` ("ms", "µs", "req/s", "x", "count")."""

    section: str
    name: str
    value: float | None
    unit: str
    runs: int = 0
    note: str = ""


@dataclass
class Check:
    """One target: `holds` is None when it could not be measured (then `measured` says why)."""

    target: str
    measured: str
    holds: bool | None


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    text: str = ""

    def add(self, name: str, value: float | None, unit: str, runs: int = 0, note: str = "") -> Row:
        row = Row(self.title, name, value, unit, runs, note)
        self.rows.append(row)
        return row

    def check(
        self, target: str, value: float | None, limit: float, unit: str, *, at_least: bool = False
    ) -> None:
        if value is None:
            self.checks.append(Check(target, "not measured", None))
            return
        holds = value >= limit if at_least else value <= limit
        self.checks.append(Check(target, f"{fmt(value)} {unit}", holds))

    def not_measured(self, name: str, why: str) -> None:
        self.rows.append(Row(self.title, name, None, "", 0, f"not measured: {why}"))


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def timed_calls(call: Callable[[], object], count: int) -> float:
    """Seconds per call over `count` back-to-back calls (garbage collected first: no pause lands inside)."""
    gc.collect()
    start = time.perf_counter()
    for _ in range(count):
        call()
    return (time.perf_counter() - start) / count


def interleaved(
    calls: dict[str, Callable[[], object]], runs: int, count: int | dict[str, int]
) -> dict[str, list[float]]:
    """Seconds per call for each candidate, `runs` times; the order rotates every run, so every pair is
    measured side by side under the same machine load and a slow moment hits all candidates alike."""
    names = list(calls)
    counts = count if isinstance(count, dict) else dict.fromkeys(names, count)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for run in range(runs):
        shift = run % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(timed_calls(calls[name], counts[name]))
    return samples


def ratios(samples: dict[str, list[float]], candidate: str, baseline: str) -> float:
    """Median of per-run ratios candidate/baseline: each ratio compares two batches from the same run."""
    pairs = zip(samples[candidate], samples[baseline], strict=True)
    return median([mine / theirs for mine, theirs in pairs])
