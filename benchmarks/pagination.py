"""Section 3, `--all` over 100 pages of GET /api/2.1/clusters/list against a hand-written page loop with
`requests.Session` (the header set by hand; also with `trust_env=False`, as WorkspaceSession is configured),
each walk collecting every cluster.

The emulator for this section runs in its own process, its FakeWorkspace given enough clusters for `PAGES`
pages of `PAGE_SIZE`. Walks alternate between candidates; a run's value is the median of its walks;
ratios are per run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks import Section, interleaved, median, ratios
from benchmarks.workspace import launcher_command

PAGES = 100
PAGE_SIZE = 20
PATH = "/api/2.1/clusters/list"


def server_command(python: str, pages: int = PAGES) -> list[str]:
    """The emulator CLI has no option for a cluster count, so this section's emulator is the launcher."""
    return launcher_command(python, clusters=pages * PAGE_SIZE)


def hand_loop(host: str, token: str, *, trust_env: bool = True) -> Callable[[], list[Any]]:
    """What a user writes without notebook-tokens."""
    import requests

    session = requests.Session()
    session.trust_env = trust_env
    session.headers["Authorization"] = f"Bearer {token}"
    url = host + PATH

    def walk() -> list[Any]:
        clusters: list[Any] = []
        params = {"page_size": str(PAGE_SIZE)}
        while True:
            response = session.get(url, params=params)
            response.raise_for_status()
            page = response.json()
            clusters.extend(page.get("clusters", []))
            next_token = page.get("next_page_token")
            if not next_token:
                return clusters
            params = {"page_size": str(PAGE_SIZE), "page_token": next_token}

    return walk


def dbrest_all(shell: Any) -> Callable[[], list[Any]]:
    if isinstance(shell, str):  # why %load_ext failed
        raise RuntimeError(shell)
    line = f"GET {PATH}?page_size={PAGE_SIZE} --all -e clusters -q"

    def walk() -> list[Any]:
        result = shell.run_line_magic("dbrest", line)
        assert result.status_code == 200, result.status_code
        return list(result.data)

    return walk


def session_paginate() -> Callable[[], list[Any]]:
    import notebook_tokens

    db = notebook_tokens.session()

    def walk() -> list[Any]:
        return list(db.paginate(PATH, "clusters", page_size=PAGE_SIZE))

    return walk


def run(host: str, token: str, shell: Any, runs: int, rounds: int, pages: int = PAGES) -> Section:
    section = Section(f"3. --all over {pages} pages of {PATH} (page_size={PAGE_SIZE})")
    builders: dict[str, Callable[[], Callable[[], list[Any]]]] = {
        "hand-written requests.Session page loop": lambda: hand_loop(host, token),
        "the same loop, trust_env=False": lambda: hand_loop(host, token, trust_env=False),
        "%dbrest --all -e clusters -q": lambda: dbrest_all(shell),
        "notebook_tokens.session().paginate": session_paginate,
    }
    walks: dict[str, Callable[[], object]] = {}
    failures: dict[str, str] = {}
    for name, build in builders.items():
        try:
            walk = build()
            found = len(walk())  # warm up, and prove it walks every page before timing it
            if found != pages * PAGE_SIZE:
                raise RuntimeError(f"collected {found} clusters, expected {pages * PAGE_SIZE}")
        except Exception as error:  # any failure is reported as a row, never a crash
            failures[name] = f"{type(error).__name__}: {error}"[:200]
            continue
        walks[name] = walk
    samples = interleaved(walks, runs, rounds)
    base, no_env = "hand-written requests.Session page loop", "the same loop, trust_env=False"
    for name in builders:
        if name in failures:
            section.not_measured(name, failures[name])
            continue
        note = f"{rounds} walks of {pages} pages x {runs} runs"
        if base in samples and name != base:
            note += f"; {ratios(samples, name, base):.3f}x the hand loop"
        if no_env in samples and name not in (base, no_env):
            note += f", {ratios(samples, name, no_env):.3f}x with trust_env=False"
        section.add(name, median(samples[name]) * 1e3, "ms", runs, note)
    ratio = None
    if base in samples and "%dbrest --all -e clusters -q" in samples:
        ratio = ratios(samples, "%dbrest --all -e clusters -q", base)
    section.check("--all <= 1.05x the hand loop", ratio, 1.05, "x")
    return section
