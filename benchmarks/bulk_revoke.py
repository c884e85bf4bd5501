"""Admin bulk revoke: `lifecycle.admin.bulk_revoke` against a sequential databricks-sdk loop.

    python -m benchmarks.bulk_revoke [--tokens 200] [--runs 5] [--latency-ms 50] [--concurrency 8]

Each run seeds `--tokens` expired tokens into an in-process emulator answering every request after
`--latency-ms` (a workspace across a network), then revokes them all: ours with bounded concurrency over one
WorkspaceSession, the baseline with `WorkspaceClient.token_management.delete` in a loop (what a script
would do). Both go through token-management DELETE. The order of the two alternates run by run; each
run's ratio compares the two batches of that run. Target: at least 5x faster.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from notebook_tokens.lifecycle.admin import bulk_revoke

TARGET = 5.0


def _seed(ws: Any, count: int) -> list[str]:
    now = ws.now_ms()
    owners = [ws.admin_user_name, ws.user_user_name]
    return [
        ws.issue_token(owners[n % 2], comment=f"stale {n}", expiry_time_ms=now - 86_400_000)[1]
        for n in range(count)
    ]


def _ours(url: str, token: str, concurrency: int) -> Callable[[list[str]], None]:
    from notebook_tokens.core.redact import Token
    from notebook_tokens.credentials.creds import Credentials
    from notebook_tokens.http.workspace import WorkspaceSession
    from notebook_tokens.lifecycle.tokens import TokenManager

    manager = TokenManager(WorkspaceSession(Credentials(host=url, source="benchmark", token=Token(token))))

    def revoke(ids: list[str]) -> None:
        results = bulk_revoke(manager, ids, concurrency=concurrency)
        failed = [r for r in results if not r.ok]
        if failed:
            raise RuntimeError(f"{len(failed)} revokes failed: {failed[0].message}")

    return revoke


def _sdk(url: str, token: str) -> Callable[[list[str]], None]:
    from databricks.sdk import WorkspaceClient

    client = WorkspaceClient(host=url, token=token)

    def revoke(ids: list[str]) -> None:
        for token_id in ids:
            client.token_management.delete(token_id)

    return revoke


def measure(tokens: int, runs: int, latency_ms: float, concurrency: int) -> dict[str, list[float]]:
    """Seconds per batch of `tokens` revokes, for "ours" and "sdk", `runs` times each (alternating)."""
    from notebook_tokens.testing import EmulatorServer, FakeWorkspace

    ws = FakeWorkspace(seed="minimal")
    samples: dict[str, list[float]] = {"ours": [], "sdk": []}
    with EmulatorServer(ws, latency_ms=latency_ms) as server:
        candidates = {
            "ours": _ours(server.url, ws.admin_token, concurrency),
            "sdk": _sdk(server.url, ws.admin_token),
        }
        for run in range(runs):
            order = ["ours", "sdk"] if run % 2 == 0 else ["sdk", "ours"]
            for name in order:
                ids = _seed(ws, tokens)
                start = time.perf_counter()
                candidates[name](ids)
                samples[name].append(time.perf_counter() - start)
                left = set(ids) & set(ws.token_ids())
                if left:
                    raise RuntimeError(f"{name} left {len(left)} tokens unrevoked")
    return samples


def run(quick: bool = False) -> Any:
    """The harness entry point (`python -m benchmarks`): a Section with both medians and the ratio."""
    from benchmarks import Section

    tokens, runs = (100, 1) if quick else (200, 5)
    section = Section(f"Bulk revoke of {tokens} tokens, 50 ms latency")
    samples = measure(tokens, runs, 50.0, 8)
    ours, sdk = statistics.median(samples["ours"]), statistics.median(samples["sdk"])
    ratio = statistics.median([s / o for o, s in zip(samples["ours"], samples["sdk"], strict=True)])
    section.add("notebook-tokens bulk_revoke (8 in flight)", ours * 1000, "ms", runs)
    section.add("databricks-sdk token_management.delete loop", sdk * 1000, "ms", runs)
    section.add("speed-up (median of per-run ratios)", ratio, "x", runs)
    target = "bulk revoke at least 5x faster than a sequential SDK loop"
    section.check(target, ratio, TARGET, "x", at_least=True)
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    samples = measure(args.tokens, args.runs, args.latency_ms, args.concurrency)
    for name, values in samples.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name:5s} median {statistics.median(values):6.2f} s   runs: {shown}")
    ratio = statistics.median([s / o for o, s in zip(samples["ours"], samples["sdk"], strict=True)])
    verdict = "holds" if ratio >= TARGET else "MISSED"
    print(f"speed-up {ratio:.1f}x (median of per-run ratios; target >= {TARGET:.0f}x: {verdict})")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
