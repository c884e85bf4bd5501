"""`python -m benchmarks --quick`: the harness runs end to end and writes a results table.

Asserts the shape of the output, never a timing: speed is what `make bench` reports, not what a test gates.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


RESULTS = ROOT / "benchmarks" / "results.md"


def _snapshot() -> bytes | None:
    return RESULTS.read_bytes() if RESULTS.exists() else None


@pytest.fixture(scope="module")
def quick_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path, bool]:
    out = tmp_path_factory.mktemp("bench") / "results.md"
    before = _snapshot()
    done = subprocess.run(
        # Not section 4: it starts JupyterLab and Chromium (its own browser tests cover those); 5 and 6
        # take the same path through the runner for the other parts' scripts.
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "1,2,3,5,6,7", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    return done, out, _snapshot() == before


def test_quick_run_exits_cleanly(quick_run: tuple[subprocess.CompletedProcess[str], Path, bool]) -> None:
    """Missing or failing parts become "not measured" rows; the harness itself never crashes."""
    done, _, _ = quick_run
    assert done.returncode == 0, done.stderr[-2000:]


def test_quick_run_writes_the_table_with_machine_and_targets(
    quick_run: tuple[subprocess.CompletedProcess[str], Path, bool],
) -> None:
    """The file holds the machine line, every section and the targets table, as printed."""
    done, out, _ = quick_run
    text = out.read_text()
    assert text == done.stdout
    assert text.startswith("# notebook-tokens benchmarks")
    assert "Machine: " in text and "CPython" in text
    for title in (
        "## 1. Cold start",
        "## 2. Per call",
        "## 3. --all over",
        "## 5.",
        "## 6.",
        "## 7. Completion",
        "## Targets",
    ):
        assert title in text
    assert "| target | measured | holds |" in text


def test_quick_run_measures_the_floor_rows(
    quick_run: tuple[subprocess.CompletedProcess[str], Path, bool],
) -> None:
    """The rows that need nothing but the emulator get a number (the machinery works end to end)."""
    _, out, _ = quick_run
    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip()
        for line in out.read_text().splitlines()
        if line.startswith("| ") and line.count("|") >= 6
    }
    for name in (
        "http.client (floor)",
        "requests.Session, header by hand",
        "hand-written requests.Session page loop",
    ):
        assert rows[name] not in ("", "-"), rows


def test_quick_run_leaves_results_md_alone(
    quick_run: tuple[subprocess.CompletedProcess[str], Path, bool],
) -> None:
    """--quick writes only to --out, never over benchmarks/results.md: tiny counts are not for quoting."""
    _, _, unchanged = quick_run
    assert unchanged
