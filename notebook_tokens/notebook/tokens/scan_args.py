"""The `%dbtoken scan` options, apart from the command so that building the parser imports nothing heavy."""

from __future__ import annotations

from typing import Any

__all__ = ["add_scan_parser"]


def add_scan_parser(sub: Any) -> None:
    scan = sub.add_parser("scan", help="find leaked tokens in files, git history and workspace notebooks")
    scan.add_argument("paths", nargs="*", metavar="PATH", help="files and folders (default: the current one)")
    scan.add_argument("--workspace", nargs="?", const="", metavar="FOLDER",
                      help="also the workspace's notebooks and files under FOLDER (default: your home)")
    scan.add_argument("--git", action="store_true", help="also every blob in the history of PATH's repo")
    scan.add_argument("--verify", action="store_true",
                      help="use each token whose status is unknown once, against the workspace host only")
    scan.add_argument("--revoke", action="store_true", help="revoke the live ones (the one in use: rotated)")
    scan.add_argument("--redact-files", action="store_true", help="rewrite local files with [REDACTED]")
    scan.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    scan.add_argument("-o", "--output", metavar="NAME", help="store the report as a list of dicts in NAME")
