"""HTML for the token panel: header card, token tables, badges and status lines.

Pure: imports neither IPython, ipywidgets, requests nor os.environ. Everything here ends up as the `value`
of an ipywidgets `HTML` (so in saved widget state): it carries token ids, comments and masked values only.
One HTML string for a whole table keeps the number of widget models independent of the number of tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from notebook_tokens.core.redact import redact
from notebook_tokens.notebook.tokenviews import (
    CSS,
    TokenRow,
    badge,
    short_id,
    shown_comment,
    token_table_html,
    when,
)

__all__ = [
    "PANEL_CSS",
    "badge",
    "display_comment",
    "header_html",
    "panel_view",
    "revoke_confirm_html",
    "row_label",
    "short_id",
    "status_html",
    "table_html",
]

# The panel's own rules, scoped to its root `.nt-view.nt-panel` (see tokenviews.CSS for the shared ones).
PANEL_CSS = """<style>
.nt-panel .nt-card.nt-header{display:flex;flex-wrap:wrap;gap:8px 24px;align-items:baseline;padding:10px 14px;
  border:1px solid #e0e3e7;border-radius:6px;background:#fafbfc}
.nt-panel .nt-card.nt-header .nt-k{display:block;font-size:11px;color:#5f6b74;text-transform:uppercase;
  letter-spacing:.04em}
.nt-panel .nt-card.nt-header .nt-v{font-weight:500}
.nt-panel .nt-title{font-size:15px;font-weight:600;margin:0 0 2px 0}
.nt-panel .nt-status{padding:6px 10px;border-radius:5px;border-left:3px solid transparent;
  white-space:pre-wrap}
.nt-panel .nt-status.ok{background:#e6f4ea;border-color:#1b6b2f}
.nt-panel .nt-status.error{background:#fdecea;border-color:#a1221b}
.nt-panel .nt-status.info{background:#eef4fb;border-color:#1659b5}
.nt-panel .nt-status.working{background:#f5f6f7;border-color:#8a949c}
.nt-panel .nt-status.warn{background:#fff4e0;border-color:#8a4b00}
.nt-panel .nt-section{font-size:12px;font-weight:600;color:#5f6b74;text-transform:uppercase;
  letter-spacing:.04em;margin:6px 0 0 0}
.nt-panel .nt-hint{font-size:12px;color:#5f6b74}
</style>"""


def panel_view(body: str) -> str:
    """`body` inside the panel's scoped root, with the shared and the panel's stylesheets."""
    return f'{CSS}{PANEL_CSS}<div class="nt-view nt-panel">{body}</div>'


def display_comment(comment: str | None) -> str:
    """`shown_comment` of a comment that may be missing."""
    return shown_comment(comment)


def table_html(rows: Sequence[TokenRow], *, admin: bool = False, empty: str = "No tokens.") -> str:
    """The panel's table: tokenviews' one table, height-capped, with Owner and Last used for admins."""
    return token_table_html(rows, show_owner=admin, show_last_used=admin, empty=empty, scroll=True)


def header_html(
    *, workspace: str, user: str, source: str, masked: str, expires: datetime | None, status: str
) -> str:
    """The card above the table: who, where, which token, until when."""
    items = [
        ("Workspace", escape(workspace)),
        ("User", escape(user)),
        ("Token source", escape(source)),
        ("Token", f"<code>{escape(masked)}</code>"),
        ("Expires", f"{escape(when(expires))} {badge(status)}"),
    ]
    body = "".join(f'<div><span class="nt-k">{k}</span><span class="nt-v">{v}</span></div>' for k, v in items)
    title = '<div class="nt-title">Access tokens</div>'
    return panel_view(f'{title}<div class="nt-card nt-header">{body}</div>')


def status_html(kind: str, text: str) -> str:
    """A one-line result or error under the buttons; `kind` is ok, error, warn, info or working."""
    if not text:
        return ""
    return panel_view(f'<div class="nt-status {kind}">{escape(redact(text))}</div>')


def row_label(row: TokenRow) -> str:
    """One line per token in the row picker: id, comment, expiry, and whether it is the token in use."""
    expires = "never expires" if row.expires is None else f"expires {row.expires:%Y-%m-%d}"
    comment = display_comment(row.comment) or "(no comment)"
    mark = "  ● in use" if row.in_use else ""
    return f"{short_id(row.token_id)}  {comment}  · {expires}{mark}"


def revoke_confirm_html(rows: Sequence[TokenRow]) -> str:
    """The question above "Revoke Token": which tokens, and a warning when one is the token in use."""
    names = "".join(
        f"<li><code>{escape(short_id(row.token_id))}</code> "
        f"{escape(display_comment(row.comment) or '(no comment)')}</li>"
        for row in rows
    )
    warning = ""
    if any(row.in_use for row in rows):
        warning = (
            '<div class="nt-status warn">One of these is the token this notebook is using: after '
            "revoking it, calls from here fail with 403 until you switch token "
            "(<code>%dbtoken use SPEC</code>).</div>"
        )
    them = "them" if len(rows) > 1 else "it"
    plural = "s" if len(rows) > 1 else ""
    return (
        f"<b>Revoke {len(rows)} token{plural}?</b> Anything using {them} stops working immediately."
        f"<ul>{names}</ul>{warning}"
    )
