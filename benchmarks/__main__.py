"""`python -m benchmarks [--quick] [--only 1,2,...,7] [--out FILE]`: run every section, print the table and
write it to benchmarks/results.md (with --quick, only to --out when given: tiny counts are not for quoting).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from benchmarks import Section, coldstart, completion, external, pagination, percall, report
from benchmarks.workspace import EmulatorProcess, launcher_command, unpin, use_workspace

RESULTS = Path(__file__).with_name("results.md")
FULL = {"cold_runs": 9, "call_runs": 7, "calls": 300, "page_runs": 5, "walks": 3, "pages": pagination.PAGES}
QUICK = {"cold_runs": 1, "call_runs": 2, "calls": 10, "page_runs": 2, "walks": 1, "pages": 3}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny counts: checks the harness, not the speed")
    parser.add_argument(
        "--only", default="1,2,3,4,5,6,7", help="comma-separated section numbers (default: all)"
    )
    parser.add_argument("--out", type=Path, help=f"where to write the table (default: {RESULTS})")
    return parser.parse_args(argv)


def _shell() -> Any:
    """A plain IPython shell with the extension loaded, or the reason it could not load (as a str)."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        # reload after an earlier section: a fresh context, so a fresh session for this section's workspace
        loaded = "notebook_tokens" in shell.extension_manager.loaded
        shell.run_line_magic("reload_ext" if loaded else "load_ext", "notebook_tokens")
    except Exception as error:  # the %dbrest rows then say "not measured" with this reason
        return f"%load_ext notebook_tokens failed: {type(error).__name__}: {error}"
    return shell


def _own_sections(only: set[str], counts: dict[str, int], info: dict[str, str]) -> list[Section]:
    sections: list[Section] = []
    emulator = EmulatorProcess()
    try:
        emulator.start()
    except (OSError, RuntimeError) as error:
        print(
            f"python -m notebook_tokens emulator did not start ({error}); using the launcher", file=sys.stderr
        )
        emulator = EmulatorProcess(command=launcher_command(sys.executable))
        emulator.start()
    with emulator:
        use_workspace(emulator.host, emulator.token)
        if "1" in only:
            sections.append(coldstart.run(emulator.host, emulator.token, counts["cold_runs"]))
        if "2" in only:
            shell = _shell()
            sections.append(
                percall.run(
                    emulator.host,
                    emulator.token,
                    emulator.netloc,
                    shell,
                    counts["call_runs"],
                    counts["calls"],
                )
            )
    if "3" in only:
        command = pagination.server_command(sys.executable, counts["pages"])
        with EmulatorProcess(command=command) as emulator:
            use_workspace(emulator.host, emulator.token)
            shell = _shell()
            sections.append(
                pagination.run(
                    emulator.host,
                    emulator.token,
                    shell,
                    counts["page_runs"],
                    counts["walks"],
                    counts["pages"],
                )
            )
    _unload()
    unpin()
    return sections


def _unload() -> None:
    """Take the extension's output hooks off this process before the other sections run."""
    from IPython.core.interactiveshell import InteractiveShell

    if InteractiveShell.initialized():
        shell = InteractiveShell.instance()
        if "notebook_tokens" in shell.extension_manager.loaded:  # else IPython prints into the table
            shell.run_line_magic("unload_ext", "notebook_tokens")


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    only = {part.strip() for part in args.only.split(",")}
    counts = QUICK if args.quick else FULL
    warnings.simplefilter("ignore")  # a deprecation notice mid-table helps nobody reading timings
    started = time.perf_counter()
    info = report.machine()  # before the emulator pins this process to fewer CPUs
    sections = _own_sections(only, counts, info)
    for number, name in zip("4567", external.SCRIPTS, strict=True):
        if number in only:
            print(f"running {external.SCRIPTS[name]} ...", file=sys.stderr, flush=True)
            sections.append(external.run(name, args.quick, timeout=120 if args.quick else 180))
    if "7" in only:
        sections.append(completion.run(counts["cold_runs"]))
    text = report.render(sections, info, quick=args.quick, seconds=time.perf_counter() - started)
    sys.stdout.write(text)
    out = args.out or (None if args.quick else RESULTS)
    if out is not None:
        out.write_text(text)
        print(f"\nwritten to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
