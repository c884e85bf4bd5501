"""HTML and text views of tokens: the Access Tokens table, the status card, bulk-revoke results.

Pure: imports neither IPython, ipywidgets, requests nor os.environ. Every value goes through
`html.escape`; nothing here ever sees a token value (only `TokenInfo`s and masked strings), except
one pasted into a comment, which `shown_comment` redacts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import TYPE_CHECKING, Protocol

from notebook_tokens.core.lifetimes import humanize_until
from notebook_tokens.core.redact import redact

if TYPE_CHECKING:
    from notebook_tokens.lifecycle.tokeninfo import TokenInfo

__all__ = [
    "StatusCard", "progress_html", "progress_text", "revoke_results_html", "revoke_results_text", "short_id",
    "shown_comment",
    "status_card_html", "status_card_text", "token_table_html", "token_table_text",
]

_ID_CHARS = 12
_MARKER = re.compile(r"\s*\[nt:[\w:]*\]")
_BADGE_COLOURS = {
    "active": "#1b7f3b", "expiring": "#a05a00", "expired": "#b3261e",
    "revoked": "#1b7f3b", "failed": "#b3261e",
}
_STYLE = (
    "<style>.nt-tokens{border-collapse:collapse;font-size:13px}"
    ".nt-tokens th,.nt-tokens td{padding:4px 10px;text-align:left;border-bottom:1px solid #ddd}"
    ".nt-tokens tr.nt-in-use{background:rgba(25,118,210,.08)}"
    ".nt-badge{border-radius:8px;padding:1px 7px;color:#fff;font-size:11px}"
    ".nt-card{border:1px solid #ccc;border-radius:6px;padding:8px 12px;display:inline-block}"
    ".nt-card th{text-align:left;padding-right:12px;color:#555;font-weight:normal}</style>"
)


class _Result(Protocol):
    @property
    def token_id(self) -> str: ...
    @property
    def ok(self) -> bool: ...
    @property
    def message(self) -> str: ...


def shown_comment(comment: str) -> str:
    """The comment without our `[nt:…]` create/rotation markers (they are bookkeeping, not the user's),
    redacted: a token pasted into a comment must not reach a widget trait or a confirmation prompt, which
    the output hooks do not see."""
    return redact(_MARKER.sub("", comment).strip())


def short_id(token_id: str) -> str:
    """The first 12 characters and an ellipsis: enough to tell tokens apart and to type."""
    return token_id if len(token_id) <= _ID_CHARS + 1 else f"{token_id[:_ID_CHARS]}…"


def _when(moment: datetime | None) -> str:
    return "Never" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _day(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def _badge(status: str) -> str:
    colour = _BADGE_COLOURS.get(status, "#555")
    return f'<span class="nt-badge" style="background:{colour}">{escape(status)}</span>'


def _ordered(infos: Sequence[TokenInfo]) -> list[TokenInfo]:
    return sorted(infos, key=lambda info: (info.created, info.token_id))


def token_table_html(
    infos: Sequence[TokenInfo], *, selectable: bool = False, show_owner: bool = False,
    show_last_used: bool = False, caption: str = "",
) -> str:
    """The Access Tokens table: Token ID (truncated, full id on hover), Comment, Creation (ascending),
    Expiration or "Never", a status badge, and the token in use marked.

    `selectable` adds a checkbox per row (`value` = the full token id) for front ends that pick rows;
    `show_owner` adds Owner (admin views), `show_last_used` adds Last used.
    """
    head = ["Token ID", "Comment", "Creation", "Expiration", "Status"]
    if show_owner:
        head.insert(1, "Owner")
    if show_last_used:
        head.append("Last used")
    if selectable:
        head.insert(0, "")
    rows = []
    for info in _ordered(infos):
        token_id = escape(info.token_id, quote=True)
        in_use = ' <span class="nt-badge" style="background:#1976d2">in use</span>' if info.in_use else ""
        cells = [
            f'<code title="{token_id}">{escape(short_id(info.token_id))}</code>{in_use}',
            escape(shown_comment(info.comment)),
            escape(_when(info.created)),
            escape(_when(info.expires)),
            _badge(info.status),
        ]
        if show_owner:
            cells.insert(1, escape(info.created_by or ""))
        if show_last_used:
            cells.append(escape(_day(info.last_used)))
        if selectable:
            cells.insert(0, f'<input type="checkbox" class="nt-select" value="{token_id}">')
        row_class = ' class="nt-in-use"' if info.in_use else ""
        body = "".join(f"<td>{cell}</td>" for cell in cells)
        rows.append(f'<tr{row_class} data-token-id="{token_id}">{body}</tr>')
    if not rows:
        colspan = len(head)
        rows.append(f'<tr><td colspan="{colspan}"><em>No tokens.</em></td></tr>')
    header = "".join(f"<th>{escape(name)}</th>" for name in head)
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (f'{_STYLE}<table class="nt-tokens">{cap}<thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _text_table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(head, *rows, strict=False)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
             for line in [head, *rows]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def token_table_text(infos: Sequence[TokenInfo], *, show_owner: bool = False) -> str:
    """The same table as plain text (the `text/plain` form); `*` marks the token in use."""
    if not infos:
        return "No tokens."
    head = ["", "Token ID", "Comment", "Creation", "Expiration", "Status"]
    if show_owner:
        head.insert(2, "Owner")
    rows = []
    for info in _ordered(infos):
        row = ["*" if info.in_use else "", short_id(info.token_id), shown_comment(info.comment),
               _when(info.created), _when(info.expires), info.status]
        if show_owner:
            row.insert(2, info.created_by or "")
        rows.append(row)
    legend = "\n* = the token this notebook uses" if any(info.in_use for info in infos) else ""
    return _text_table(head, rows) + legend


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


def _card_rows(card: StatusCard, now: datetime | None) -> list[tuple[str, str]]:
    expiry = "unknown"
    if card.expiry_known:
        expiry = "Never"
        if card.expires is not None:
            expiry = f"{_when(card.expires)} ({humanize_until(card.expires, now=now)})"
    user = f"{card.user} (admin)" if card.admin else card.user
    rows = [("Workspace", card.host), ("User", user), ("Token from", card.source),
            ("Token", card.masked or "(not a personal access token)"), ("Expires", expiry)]
    if card.token_id:
        rows.append(("Token ID", short_id(card.token_id)))
    return rows


def status_card_html(card: StatusCard, *, now: datetime | None = None) -> str:
    """The status card as an HTML table, with a badge when the token is expiring or expired."""
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in _card_rows(card, now))
    badge = f" {_badge(card.status)}" if card.status else ""
    notes = "".join(f'<div class="nt-note">{escape(note)}</div>' for note in card.notes)
    return (f'{_STYLE}<div class="nt-card"><strong>Databricks token</strong>{badge}'
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
        f"<td>{_badge('revoked' if r.ok else 'failed')}</td>"
        f"<td>{escape(r.message)}</td></tr>"
        for r in ordered
    )
    summary = escape(_summary(results))
    return (f'{_STYLE}<table class="nt-tokens"><caption>{summary}</caption><thead><tr><th>Token ID</th>'
            f"<th>Result</th><th>Detail</th></tr></thead><tbody>{rows}</tbody></table>")


def revoke_results_text(results: Sequence[_Result]) -> str:
    rows = [[short_id(r.token_id), "revoked" if r.ok else "FAILED", r.message]
            for r in sorted(results, key=lambda r: r.ok)]
    return f"{_summary(results)}\n" + (_text_table(["Token ID", "Result", "Detail"], rows) if rows else "")


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
    return f'<div class="nt-progress">{escape(what)} {bar} {done}/{total}</div>'
