"""`make bench`: notebook-tokens side by side with what users would use instead, against the emulator.

Every section returns a `Section`: `Row`s (a median over at least 5 runs, or a ratio measured pair by pair in
the same run) and `Check`s (one per target, holding or not). `python -m benchmarks` runs them all, prints the
table and writes `benchmarks/results.md`.

Interface for the section scripts other parts own (`emulator_throughput.py`, `bulk_revoke.py`,
`panel_scale.py`): define `run(quick: bool = False)` returning a `Section`, a list of `Row` / `Check` (or of
dicts with their field names), or None (what it printed is then kept as the section's text). Without `run`,
`main()` is called the same way. Each runs in a child process with a time limit (see `external.py`); a
missing, failing or hanging script becomes a "not measured: <why>" row.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["Check", "Row", "Section", "interleaved", "median", "ratios"]


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


def interleaved(
    calls: dict[str, Callable[[], object]], runs: int, rounds: int, every: dict[str, int] | None = None
) -> dict[str, list[float]]:
    """Seconds per call for each candidate: one value per run, the median of its calls in that run.

    A run is `rounds` rounds; each round calls every candidate once, in an order that rotates, so every pair
    is measured side by side, call by call, and a burst of load from elsewhere on the machine hits all
    candidates alike (and a preempted call is an outlier the median ignores). `every[name] = n` calls that
    candidate only every n-th round (for a process per call).
    """
    every = every or {}
    names = list(calls)
    per_run: dict[str, list[float]] = {name: [] for name in names}
    clock = time.perf_counter
    for _ in range(runs):
        durations: dict[str, list[float]] = {name: [] for name in names}
        gc.collect()
        for round_number in range(rounds):
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                if round_number % every.get(name, 1):
                    continue
                start = clock()
                calls[name]()
                durations[name].append(clock() - start)
        for name in names:
            per_run[name].append(median(durations[name]))
    return per_run


def ratios(samples: dict[str, list[float]], candidate: str, baseline: str) -> float:
    """Median of per-run ratios candidate/baseline: each ratio compares two candidates from the same run."""
    pairs = zip(samples[candidate], samples[baseline], strict=True)
    return median([mine / theirs for mine, theirs in pairs])
