"""`%dbtoken scan`: find leaked tokens, say which are live, revoke them, clean the files.

Parse -> scan (lifecycle.leaks) -> classify -> render (scanviews) -> optionally revoke and redact, each
after a confirmation (`--yes` for jobs). The token in use is never simply revoked (the notebook would stop
working): it is rotated (a new token into its store, then the old one revoked), and when it cannot be
rotated it is left alone with the command that would.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from notebook_tokens.core.errors import CredentialsNotFoundError, InputError, NotebookTokensError
from notebook_tokens.core.redact import known_tokens
from notebook_tokens.lifecycle.leaks.cleanup import redact_files, revoke_findings
from notebook_tokens.lifecycle.leaks.history import REWRITE_ADVICE
from notebook_tokens.lifecycle.leaks.hits import Finding
from notebook_tokens.lifecycle.leaks.matcher import Matcher
from notebook_tokens.lifecycle.leaks.remote import home_folder
from notebook_tokens.lifecycle.leaks.scan import ScanRequest, run_scan
from notebook_tokens.lifecycle.leaks.status import Identity, classify, token_inventory, verify_hits
from notebook_tokens.lifecycle.rotation import rotate
from notebook_tokens.notebook.cardviews import revoke_results_html, revoke_results_text
from notebook_tokens.notebook.scanviews import finding_rows, scan_report_html, scan_report_text
from notebook_tokens.notebook.tokenviews import short_id

if TYPE_CHECKING:
    from notebook_tokens.lifecycle.tokens import TokenManager
    from notebook_tokens.notebook.context import NotebookContext

__all__ = ["scan_command"]

Show = Callable[..., None]
Confirm = Callable[[str], bool]
_NO_CREDENTIALS = "no workspace credentials, so no hit could be matched to a token"


def _request(args: argparse.Namespace) -> ScanRequest:
    paths, folder = list(args.paths), args.workspace
    if folder and not folder.startswith("/"):  # `--workspace notebooks/`: a local path, not a FOLDER
        paths.append(folder)
        folder = ""
    if args.output is not None and not args.output.isidentifier():
        raise InputError(f"-o {args.output!r}: give a Python variable name, e.g. -o hits")
    if not paths and (folder is None or args.git):
        paths = ["."]
    return ScanRequest(tuple(Path(p).expanduser() for p in paths), bool(args.git), folder)


def _manager(context: NotebookContext, needed: bool) -> TokenManager | None:
    try:
        return context.manager()
    except CredentialsNotFoundError:
        if needed:
            raise
        return None


def scan_command(context: NotebookContext, args: argparse.Namespace, *, confirm: Confirm, show: Show,
                 namespace: MutableMapping[str, Any]) -> None:
    request = _request(args)
    manager = _manager(context, needed=request.workspace_folder is not None or args.revoke or args.verify)
    if request.workspace_folder == "" and manager is not None:
        user = str(manager.me().get("userName") or "")
        request = ScanRequest(request.paths, request.git, home_folder(user))
    matcher = Matcher(known_tokens())
    result = run_scan(request, (), manager.session if manager else None, matcher=matcher)
    # the token list is read only when there is something to match (and never with a leaked token)
    no_match = Identity({}, "?", False, False, _NO_CREDENTIALS)
    identity = token_inventory(manager) if manager is not None and result.hits else no_match
    findings = classify(result.hits, identity)
    if args.verify and manager is not None:
        findings = verify_hits(manager, findings)
    notes = [REWRITE_ADVICE] if any(f.hit.origin == "git" for f in findings) else []
    show(scan_report_text(findings, result.tally, notes), scan_report_html(findings, result.tally, notes))
    if args.output:
        namespace[args.output] = finding_rows(findings)
    if args.revoke and manager is not None:
        _revoke(manager, findings, identity, args, confirm=confirm, show=show)
    if args.redact_files:
        _redact(findings, matcher, args, confirm=confirm, show=show)


def _revoke(manager: TokenManager, findings: list[Finding], identity: Identity, args: argparse.Namespace,
            *, confirm: Confirm, show: Show) -> None:
    live = {f.token_id: f for f in findings if f.status == "live" and f.token_id}
    current = manager.current_token_id()
    in_use = [f for token_id, f in live.items() if f.in_use or token_id == current]
    others = [f for token_id, f in live.items() if not (f.in_use or token_id == current)]
    if not live:
        show("Nothing live to revoke.")
        return
    if others:
        names = ", ".join(f"{short_id(f.token_id or '')} ({f.owner or '?'})" for f in others)
        if args.yes or confirm(f"Revoke {len(others)} leaked live token(s): {names}?"):
            results = revoke_findings(manager, others, identity.user)
            show(revoke_results_text(results), revoke_results_html(results))
        else:
            show("Nothing revoked.")
    if in_use:
        _rotate_in_use(manager, args, confirm=confirm, show=show)


def _rotate_in_use(manager: TokenManager, args: argparse.Namespace, *, confirm: Confirm, show: Show) -> None:
    old = short_id(manager.current_token_id() or "")
    show(f"{old} is the token this notebook uses: revoking it alone would break the notebook, so it is "
         "rotated instead (a new token into its store, switched to, then the old one revoked).")
    if not (args.yes or confirm(f"Rotate the token in use ({old}) now?")):
        show(f"{old} was not rotated, so it is still live: run %dbtoken rotate.")
        return
    try:
        result = rotate(manager, None, comment="rotated by %dbtoken scan (leaked)")
    except NotebookTokensError as error:
        show(f"{old} was not revoked: {error}. Run %dbtoken rotate --store SPEC with a writable store "
             "(secret:SCOPE/KEY, keyring, netrc), then %dbtoken scan --revoke again.")
        return
    show(f"Rotated: {result.token} (Token ID {short_id(result.new_id)}) is in use; the leaked {old} is "
         "revoked.")


def _redact(findings: list[Finding], matcher: Matcher, args: argparse.Namespace, *, confirm: Confirm,
            show: Show) -> None:
    files = sorted({f.hit.where for f in findings if f.hit.origin == "file"})
    if not files:
        show("No local file holds a hit: nothing to rewrite.")
        return
    if not (args.yes or confirm(f"Rewrite {len(files)} file(s) with [REDACTED] in place of each value?")):
        show("No file rewritten.")
        return
    rewrites = redact_files(findings, matcher)
    lines = [f"{'redacted' if r.ok else 'FAILED'}: {r.path} ({r.replaced} value(s)){'' if r.ok else ': '}"
             f"{'' if r.ok else r.message}" for r in rewrites]
    if any(f.hit.origin != "file" for f in findings):
        lines.append("Git history and workspace notebooks were not changed: " + REWRITE_ADVICE)
    show("\n".join(lines))
