"""The results table: the machine it ran on, one table per section, and which targets hold."""

from __future__ import annotations

import datetime as dt
import os
import platform
from pathlib import Path

from benchmarks import Check, Section, fmt


def machine() -> dict[str, str]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    return {
        "load": _load_average(),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "cpu": model or platform.processor() or "unknown",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": f"{platform.system()} {platform.release()}",
    }


def _load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(sections: list[Section], info: dict[str, str], *, quick: bool, seconds: float) -> str:
    lines = [
        "# notebook-tokens benchmarks",
        "",
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['python']}, {info['os']}; run {info['date']}"
        f" in {seconds:.0f} s{' (--quick: tiny counts, not for quoting)' if quick else ''};"
        f" 1-minute load average {info['load']} at the start, {_load_average()} at the end.",
        "Medians over the runs shown; candidates compared in a section take turns within each run, and a"
        " ratio is the median of per-run ratios.",
        f"The emulator ({info.get('emulator', 'python -m notebook_tokens emulator')}) has its own process,"
        " pinned to its own CPU when there are two or more.",
        "Reproduce with `make bench`.",
        "",
    ]
    for section in sections:
        lines += [f"## {section.title}", ""]
        if section.rows:
            lines += ["| | median | unit | runs | note |", "|---|---:|---|---:|---|"]
            for row in section.rows:
                runs = row.runs or ""
                lines.append(
                    f"| {_cell(row.name)} | {fmt(row.value)} | {row.unit} | {runs} | {_cell(row.note)} |"
                )
            lines.append("")
        if section.text:
            lines += ["```", section.text.rstrip(), "```", ""]
    lines += ["## Targets", "", "| target | measured | holds |", "|---|---|---|"]
    for check in [c for s in sections for c in s.checks]:
        lines.append(f"| {_cell(check.target)} | {_cell(check.measured)} | {_verdict(check)} |")
    return "\n".join(lines) + "\n"


def _verdict(check: Check) -> str:
    return {True: "yes", False: "**NO**", None: "not measured"}[check.holds]
