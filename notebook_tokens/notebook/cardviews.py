"""The status card (`%dbtoken`), bulk-revoke results and progress, as HTML and text.

Pure, like tokenviews, whose stylesheet, badge and date format they use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Protocol

from notebook_tokens.core.lifetimes import humanize_until
from notebook_tokens.notebook.tokenviews import badge, short_id, text_table, view, when

__all__ = [
    "StatusCard", "progress_html", "progress_text", "revoke_results_html", "revoke_results_text",
    "status_card_html", "status_card_text",
]


class _Result(Protocol):
    @property
    def token_id(self) -> str: ...
    @property
    def ok(self) -> bool: ...
    @property
    def message(self) -> str: ...



@dataclass(frozen=True)
class StatusCard:
    """What `%dbtoken` shows: workspace, user, where the token came from, masked value, expiry."""

    host: str
    user: str
    source: str
    masked: str | None  # None when the header comes from OAuth / databricks-sdk auth
    expires: datetime | None = None
    expiry_known: bool = False  # False when the token is not among the user's tokens (or not a PAT)
    status: str = ""
    token_id: str | None = None
    admin: bool = False
    notes: tuple[str, ...] = ()
    scopes: str = ""  # tokenviews.scopes_shown of the token's info; "" when it is not among the user's tokens


def _card_rows(card: StatusCard, now: datetime | None) -> list[tuple[str, str]]:
    expiry = "unknown"
    if card.expiry_known:
        expiry = "Never"
        if card.expires is not None:
            expiry = f"{when(card.expires)} ({humanize_until(card.expires, now=now)})"
    user = f"{card.user} (admin)" if card.admin else card.user
    rows = [("Workspace", card.host), ("User", user), ("Token from", card.source),
            ("Token", card.masked or "(not a personal access token)"), ("Expires", expiry)]
    if card.token_id:
        rows.append(("Token ID", short_id(card.token_id)))
    if card.scopes:
        rows.append(("Scopes", card.scopes))
    return rows


def status_card_html(card: StatusCard, *, now: datetime | None = None) -> str:
    """The status card as an HTML table, with a badge when the token is expiring or expired."""
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in _card_rows(card, now))
    status = f" {badge(card.status)}" if card.status else ""
    notes = "".join(f'<div class="nt-note">{escape(note)}</div>' for note in card.notes)
    return view(f'<div class="nt-card"><strong>Databricks token</strong>{status}'
                f"<table>{body}</table>{notes}</div>")


def status_card_text(card: StatusCard, *, now: datetime | None = None) -> str:
    rows = _card_rows(card, now)
    width = max(len(k) for k, _ in rows)
    lines = [f"{k.ljust(width)}  {v}" for k, v in rows]
    if card.status:
        lines.append(f"{'Status'.ljust(width)}  {card.status}")
    return "\n".join([*lines, *card.notes])


def revoke_results_html(results: Sequence[_Result]) -> str:
    """Per-token outcome of a bulk revoke, failures first, with a summary line."""
    ordered = sorted(results, key=lambda r: r.ok)
    rows = "".join(
        f'<tr><td><code title="{escape(r.token_id, quote=True)}">{escape(short_id(r.token_id))}</code></td>'
        f"<td>{badge('revoked' if r.ok else 'failed')}</td>"
        f"<td>{escape(r.message)}</td></tr>"
        for r in ordered
    )
    summary = escape(_summary(results))
    return view(f'<table class="nt-table"><caption>{summary}</caption><thead><tr><th>Token ID</th>'
                f"<th>Result</th><th>Detail</th></tr></thead><tbody>{rows}</tbody></table>")


def revoke_results_text(results: Sequence[_Result]) -> str:
    rows = [[short_id(r.token_id), "revoked" if r.ok else "FAILED", r.message]
            for r in sorted(results, key=lambda r: r.ok)]
    return f"{_summary(results)}\n" + (text_table(["Token ID", "Result", "Detail"], rows) if rows else "")


def _summary(results: Sequence[_Result]) -> str:
    done = sum(1 for r in results if r.ok)
    failed = len(results) - done
    return f"{done} of {len(results)} revoked" + (f", {failed} failed" if failed else "")


def progress_text(done: int, total: int, what: str = "Revoking") -> str:
    width = 30
    filled = width * done // total if total else width
    return f"{what} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"


def progress_html(done: int, total: int, what: str = "Revoking") -> str:
    bar = f'<progress value="{done}" max="{max(total, 1)}"></progress>'
    return view(f'<div class="nt-progress">{escape(what)} {bar} {done}/{total}</div>')
