"""`%dbtoken scopes`: the REST calls this kernel made and the scopes they need; `--scopes` of generate/rotate.

    %dbtoken scopes                 the calls (method, path template, count, status, scope) and the least set
    %dbtoken scopes --reset         record afresh
    %dbtoken scopes ID              one token's scopes
    %dbtoken scopes ID --set S,…    replace a token's scopes (PATCH)

The record is `http.recorder.RECORDER` (method, path, status: no query, body or host); nothing leaves the
kernel. Templates come from the offline API index that `%dbrest` completes from.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from notebook_tokens.core.errors import InputError
from notebook_tokens.core.scopes import check_scopes, describe, minimal_scopes, needed_scope
from notebook_tokens.http.recorder import RECORDER, RecordedCall
from notebook_tokens.notebook.tokens.commands import match_ids
from notebook_tokens.notebook.tokenviews import scopes_shown, short_id, text_table, view

if TYPE_CHECKING:
    from notebook_tokens.lifecycle.tokens import TokenManager

__all__ = ["observed_scopes", "resolve_scopes", "scopes_command", "scopes_report"]

Show = Callable[..., None]
OBSERVED = "observed"
_HEAD = ["Method", "Path", "Calls", "Status", "Needs"]


def _template(method: str, path: str) -> str:
    """The path's template in the offline API index (`/api/2.0/token-management/tokens/{token_id}`), or the
    path itself when the index does not know it (or the SDK is not installed)."""
    from notebook_tokens.notebook.rest.apicache import index  # lazy: reads (or builds) the API index

    endpoint = index().endpoint(method, path)
    return endpoint.template if endpoint is not None else path


def _rows(calls: list[RecordedCall]) -> list[list[str]]:
    merged: dict[tuple[str, str, int], int] = {}
    for call in calls:  # ids in paths fold into one row per template
        key = (call.method, _template(call.method, call.path), call.status)
        merged[key] = merged.get(key, 0) + call.calls
    rows = []
    for (method, template, status), count in sorted(merged.items(), key=lambda i: (i[0][1], i[0][0])):
        needed = needed_scope(method, template)
        shown = "any scope" if needed == "" else needed or "no known scope"
        rows.append([method, template, str(count), str(status), shown])
    return rows


def scopes_report(calls: list[RecordedCall] | None = None) -> tuple[str, str, list[str]]:
    """The calls table and the least scope set, as text and HTML, and the set itself."""
    calls = RECORDER.calls() if calls is None else calls
    scopes, unmapped = minimal_scopes((c.method, c.path) for c in calls)
    if not calls:
        text = "No REST calls recorded in this kernel yet (since it started or %dbtoken scopes --reset)."
        return text, view(f"<p>{escape(text)}</p>"), []
    rows = _rows(calls)
    summary = f"Least scopes for these calls: {', '.join(scopes) or 'none needed (any scope allows them)'}"
    notes = [summary]
    if unmapped:
        notes.append(f"No known scope covers {', '.join(unmapped)}: a scoped token would be refused them.")
    if RECORDER.dropped:
        notes.append(f"{RECORDER.dropped} further distinct calls were not kept (the record is capped).")
    notes.append("Mint a token with exactly these: %dbtoken generate --store SPEC --scopes observed "
                 "(or %dbtoken rotate --scopes observed)")
    text = text_table(_HEAD, rows) + "\n" + "\n".join(notes)
    head = "".join(f"<th>{escape(h)}</th>" for h in _HEAD)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    html = view(f'<table class="nt-table"><caption>REST calls this kernel made</caption><thead><tr>{head}'
                f"</tr></thead><tbody>{body}</tbody></table>"
                + "".join(f"<p>{escape(note)}</p>" for note in notes))
    return text, html, scopes


def observed_scopes(show: Show) -> list[str]:
    """The least scope set for the recorded calls, shown first; InputError when it would not do."""
    calls = RECORDER.calls()
    scopes, unmapped = minimal_scopes((c.method, c.path) for c in calls)
    if unmapped:
        raise InputError(f"no known scope covers {', '.join(unmapped)}, which this kernel called: a token "
                         "with the observed scopes would be refused them. Name the scopes: --scopes S,…")
    if not scopes:
        raise InputError("no recorded call needs a scope yet: run the notebook's REST calls first (see "
                         "%dbtoken scopes), or name the scopes: --scopes clusters:read,…")
    show(f"Scopes observed in this kernel's calls: {', '.join(scopes)}")
    return scopes


def resolve_scopes(raw: str | None, show: Show) -> list[str] | None:
    """`--scopes` of generate / rotate: None (not given), "observed", or comma-separated names, checked
    before anything is sent."""
    if raw is None:
        return None
    if raw.strip().lower() == OBSERVED:
        return observed_scopes(show)
    return check_scopes(raw.split(","))


def scopes_command(manager_for: Callable[[], TokenManager], args: argparse.Namespace, *, show: Show) -> None:
    """`%dbtoken scopes [ID] [--set S,…] [--reset]`."""
    if args.reset:
        RECORDER.reset()
        show("Recording REST calls afresh: run the notebook, then %dbtoken scopes.")
        return
    if args.set is not None and not args.id:
        raise InputError("--set needs a Token ID: %dbtoken scopes ID --set clusters:read (see %dbtoken list)")
    if not args.id:
        text, html, _ = scopes_report()
        show(text, html)
        return
    manager = manager_for()
    info = match_ids([args.id], manager.list())[0]
    if args.set is None:
        show(f"{short_id(info.token_id)}: {scopes_shown(info)}")
        return
    scopes = resolve_scopes(args.set, show) or []
    manager.set_scopes(info.token_id, scopes)
    show(f"{short_id(info.token_id)} now has the scopes {describe(scopes)} (was {describe(info.scopes)}).")
