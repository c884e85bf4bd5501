"""`make tour`: README's "A 60-second tour" on a plain install, the way a new user meets the package.

Builds the wheel, installs it with NO extras into a fresh venv (so a module that only the dev extra brings,
as jmespath once was, fails here and not in a user's notebook), starts that venv's emulator on loopback and
runs each tour cell in that venv's real IPython. Exit status 1 when a cell fails or shows an error.

    python tests/plain_install/run_tour.py [--keep DIR]

Only loopback and the configured package index are used; HOME, NETRC and IPython's history are private to
the run, so it never touches your own ~/.netrc, keyring or history.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOUR_HEADING = "## A 60-second tour"
DRIVER = Path(__file__).with_name("tour_driver.py")


def tour_cells(readme: str) -> list[str]:
    """The fenced code blocks of README's tour section, each one a notebook cell, in order."""
    section = readme.split(TOUR_HEADING, 1)[1].split("\n## ", 1)[0]
    return [block.strip("\n") for block in re.findall(r"```[a-z]*\n(.*?)```", section, re.S)]


def run(command: list[str], **kwargs: object) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, **kwargs)  # type: ignore[call-overload]


def build_venv(work: Path) -> Path:
    """A fresh venv holding the wheel built from this checkout, installed without extras."""
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"), str(ROOT)])
    wheels = sorted((work / "dist").glob("notebook_tokens-*.whl"))
    run([str(python), "-m", "pip", "install", "-q", str(wheels[-1])])
    return python


def tour(python: Path, work: Path, cells: list[str]) -> int:
    """Start the venv's emulator, then run the cells in the venv's IPython against it."""
    home = work / "home"
    home.mkdir(exist_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABRICKS_", "PYTHON"))}
    env.update(HOME=str(home), NETRC=str(home / ".netrc"), IPYTHONDIR=str(home / ".ipython"))
    emulator = subprocess.Popen(
        [str(python), "-m", "notebook_tokens", "emulator", "--port", "0"],
        stdout=subprocess.PIPE, text=True, env=env, cwd=home,
    )  # fmt: skip
    try:
        assert emulator.stdout is not None
        for _ in range(2):  # DATABRICKS_HOST=..., DATABRICKS_TOKEN=...
            key, _, value = emulator.stdout.readline().strip().partition("=")
            env[key] = value
        cells_file = work / "cells.txt"
        cells_file.write_text("\n\0\n".join(cells))
        ipython = python.parent / "ipython"
        return subprocess.run(
            [str(ipython), "--no-banner", "--HistoryManager.enabled=False", "--colors=nocolor",
             str(DRIVER), str(cells_file)],
            env=env, cwd=home, check=False,
        ).returncode  # fmt: skip
    finally:
        emulator.terminate()
        emulator.wait(timeout=15)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="work in DIR and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    cells = tour_cells((ROOT / "README.md").read_text())
    if not cells:
        print(f"README.md has no code blocks under {TOUR_HEADING!r}", file=sys.stderr)
        return 1
    work = args.keep or Path(tempfile.mkdtemp(prefix="nt-tour-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return tour(build_venv(work), work, cells)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
