"""`python -m notebook_tokens emulator`: serve a local Databricks workspace on 127.0.0.1.

Prints `DATABRICKS_HOST=...` and `DATABRICKS_TOKEN=...` (the admin's PAT) as its first two lines, then
serves until SIGINT or SIGTERM. With `--state FILE` it holds `FILE.lock` for as long as it runs: a second
emulator on the same file would overwrite the first one's tokens with its own every half second, so it is
refused at start instead.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

from notebook_tokens.testing.locking import exclusive
from notebook_tokens.testing.persist import load, save
from notebook_tokens.testing.seed import SEEDS
from notebook_tokens.testing.server import EmulatorServer
from notebook_tokens.testing.workspace import FakeWorkspace

SAVE_INTERVAL = 0.5


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m notebook_tokens emulator", description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--token", help="the admin user's token value (default: a new dapi... token)")
    p.add_argument("--state", type=Path, help="JSON file to load state from and save it to (atomic writes)")
    p.add_argument("--latency-ms", type=float, default=0, help="delay added to every answer")
    p.add_argument("--oauth-ttl", type=int, default=3600, metavar="SECONDS",
                   help="lifetime of OAuth access tokens (default 3600, the platform's hour)")
    p.add_argument("--seed", choices=SEEDS, default="demo", help="data for a new workspace (default: demo)")
    return p


def build_workspace(args: argparse.Namespace) -> FakeWorkspace:
    if args.state is not None and args.state.exists():
        ws = load(args.state)
        if args.token and not ws.is_token_active(args.token):
            ws.admin_token = ws.add_user(ws.admin_user_name, admin=True, token=args.token)
        return ws
    return FakeWorkspace(seed=args.seed, admin_token=args.token)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    with ExitStack() as held:
        if args.state is not None:
            args.state.parent.mkdir(parents=True, exist_ok=True)
            try:
                held.enter_context(exclusive(args.state, timeout=0))
            except TimeoutError:
                print(
                    f"another emulator is using --state {args.state} (it holds {args.state}.lock): stop it, "
                    "or give this one another --state file",
                    file=sys.stderr,
                    flush=True,
                )
                return 2
        ws = build_workspace(args)
        ws.oauth_ttl = args.oauth_ttl
        serve(args, ws)
    print("emulator stopped", file=sys.stderr, flush=True)
    return 0


def serve(args: argparse.Namespace, ws: FakeWorkspace) -> None:
    """Serve until SIGINT or SIGTERM, saving `--state` whenever the workspace changed."""
    ws.record_limit = 10_000  # a demo left running for days must not grow without bound
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    with EmulatorServer(ws, port=args.port, latency_ms=args.latency_ms) as server:
        print(f"DATABRICKS_HOST={server.url}", flush=True)
        print(f"DATABRICKS_TOKEN={ws.admin_token}", flush=True)
        print(f"# user token (not an admin): {ws.user_token}", flush=True)
        saved = -1
        while not stop.wait(SAVE_INTERVAL):
            if args.state is not None and ws.version != saved:
                saved = ws.version
                save(ws, args.state)
    if args.state is not None:
        save(ws, args.state)
