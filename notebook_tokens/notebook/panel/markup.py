"""HTML for the token panel: header card, token tables, badges and status lines.

Pure: imports neither IPython, ipywidgets, requests nor os.environ. Everything here ends up as the `value`
of an ipywidgets `HTML` (so in saved widget state): it carries token ids, comments and masked values only.
One HTML string for a whole table keeps the number of widget models independent of the number of tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from typing import Protocol

from notebook_tokens.core.redact import redact
from notebook_tokens.notebook.tokenviews import short_id, shown_comment

__all__ = [
    "CSS",
    "badge",
    "display_comment",
    "header_html",
    "revoke_confirm_html",
    "row_label",
    "short_id",
    "status_html",
    "table_html",
]

CSS = """<style>
.nt-panel{font-family:var(--jp-ui-font-family,system-ui,-apple-system,"Segoe UI",sans-serif);
  font-size:13px;line-height:1.45;color:var(--jp-ui-font-color1,#1f272d)}
.nt-card{display:flex;flex-wrap:wrap;gap:8px 24px;align-items:baseline;padding:10px 14px;
  border:1px solid #e0e3e7;border-radius:6px;background:#fafbfc}
.nt-card .nt-k{display:block;font-size:11px;color:#6f7b85;text-transform:uppercase;letter-spacing:.04em}
.nt-card .nt-v{font-weight:500}
.nt-title{font-size:15px;font-weight:600;margin:0 0 2px 0}
.nt-scroll{max-height:340px;overflow:auto;border:1px solid #e0e3e7;border-radius:6px}
table.nt-table{border-collapse:collapse;width:100%;font-size:13px}
table.nt-table th{position:sticky;top:0;background:#f5f6f7;color:#5f6b74;font-weight:600;text-align:left;
  padding:7px 12px;border-bottom:1px solid #e0e3e7;white-space:nowrap}
table.nt-table td{padding:6px 12px;line-height:1.35;vertical-align:middle;border-bottom:1px solid #eef0f2;
  white-space:nowrap}
table.nt-table tr:last-child td{border-bottom:none}
table.nt-table tr.nt-inuse td{background:#f3f8ff}
table.nt-table td.nt-id{font-family:var(--jp-code-font-family,monospace);color:#3b4650}
table.nt-table td.nt-comment{white-space:normal;min-width:120px;max-width:320px;overflow-wrap:anywhere}
table.nt-table td.nt-empty{color:#6f7b85;text-align:center;padding:14px}
.nt-badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:11px;font-weight:600}
.nt-ok{background:#e6f4ea;color:#1e7e34}.nt-warn{background:#fff4e0;color:#a05a00}
.nt-bad{background:#fdecea;color:#b3261e}.nt-muted{background:#eef0f2;color:#5f6b74}
.nt-inuse-tag{display:inline-block;margin-left:6px;padding:0 6px;border-radius:10px;font-size:11px;
  background:#e3efff;color:#1659b5;font-weight:600}
.nt-status{padding:6px 10px;border-radius:5px;border-left:3px solid transparent;white-space:pre-wrap}
.nt-status.ok{background:#e6f4ea;border-color:#1e7e34}.nt-status.error{background:#fdecea;border-color:#b3261e}
.nt-status.info{background:#eef4fb;border-color:#1659b5}.nt-status.working{background:#f5f6f7;border-color:#8a949c}
.nt-status.warn{background:#fff4e0;border-color:#a05a00}
.nt-section{font-size:12px;font-weight:600;color:#5f6b74;text-transform:uppercase;letter-spacing:.04em;
  margin:6px 0 0 0}
.nt-hint{font-size:12px;color:#6f7b85}
</style>"""

_BADGES = {
    "active": ("ok", "nt-ok"),
    "ok": ("ok", "nt-ok"),
    "expiring": ("expiring soon", "nt-warn"),
    "expired": ("expired", "nt-bad"),
}


class TokenRow(Protocol):
    """The TokenInfo fields the tables show."""

    @property
    def token_id(self) -> str: ...
    @property
    def comment(self) -> str: ...
    @property
    def created(self) -> datetime: ...
    @property
    def expires(self) -> datetime | None: ...
    @property
    def status(self) -> str: ...
    @property
    def in_use(self) -> bool: ...
    @property
    def created_by(self) -> str | None: ...
    @property
    def last_used(self) -> date | None: ...


def display_comment(comment: str | None) -> str:
    """`shown_comment` of a comment that may be missing."""
    return shown_comment(comment or "")


def badge(status: str) -> str:
    text, css = _BADGES.get(status, (status or "unknown", "nt-muted"))
    return f'<span class="nt-badge {css}">{escape(text)}</span>'


def _when(moment: datetime | None) -> str:
    return "Never" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def table_html(rows: Sequence[TokenRow], *, admin: bool = False, empty: str = "No tokens.") -> str:
    """The token table as one HTML string, columns like the Access Tokens tab's (Token ID, Comment, ...)."""
    heads = ["Token ID", "Comment", "Creation", "Expiration", "Status"]
    if admin:
        heads[1:1] = ["User"]
        heads.append("Last used")
    out = ['<div class="nt-scroll"><table class="nt-table"><thead><tr>']
    out.extend(f"<th>{h}</th>" for h in heads)
    out.append("</tr></thead><tbody>")
    if not rows:
        out.append(f'<tr><td class="nt-empty" colspan="{len(heads)}">{escape(empty)}</td></tr>')
    for row in rows:
        tag = '<span class="nt-inuse-tag">in use</span>' if row.in_use else ""
        cells = [
            f'<td class="nt-id" title="{escape(row.token_id)}">{escape(short_id(row.token_id))}{tag}</td>',
            f'<td class="nt-comment" title="{escape(redact(row.comment or ""))}">'
            f"{escape(display_comment(row.comment))}</td>",
            f"<td>{_when(row.created)}</td>",
            f"<td>{_when(row.expires)}</td>",
            f"<td>{badge(row.status)}</td>",
        ]
        if admin:
            cells.insert(1, f"<td>{escape(row.created_by or '')}</td>")
            cells.append(f"<td>{row.last_used.isoformat() if row.last_used else '—'}</td>")
        out.append(f'<tr class="{"nt-inuse" if row.in_use else ""}">{"".join(cells)}</tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


def header_html(
    *, workspace: str, user: str, source: str, masked: str, expires: datetime | None, status: str
) -> str:
    """The card above the table: who, where, which token, until when."""
    items = [
        ("Workspace", escape(workspace)),
        ("User", escape(user)),
        ("Token source", escape(source)),
        ("Token", f"<code>{escape(masked)}</code>"),
        ("Expires", f"{escape(_when(expires))} {badge(status)}"),
    ]
    body = "".join(f'<div><span class="nt-k">{k}</span><span class="nt-v">{v}</span></div>' for k, v in items)
    title = '<div class="nt-title">Access tokens</div>'
    return f'{CSS}<div class="nt-panel">{title}<div class="nt-card">{body}</div></div>'


def status_html(kind: str, text: str) -> str:
    """A one-line result or error under the buttons; `kind` is ok, error, warn, info or working."""
    if not text:
        return ""
    return f'<div class="nt-panel"><div class="nt-status {kind}">{escape(redact(text))}</div></div>'


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
