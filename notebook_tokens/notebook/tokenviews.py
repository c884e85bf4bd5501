"""The token table of every view (list, admin list, panel, admin tab) and the vocabulary all views share:
one stylesheet scoped to each output's root, one badge, one date format, one short id.

Pure: imports neither IPython, ipywidgets, requests nor os.environ. Every value goes through
`html.escape`; nothing here ever sees a token value (only `TokenInfo`s and masked strings), except
one pasted into a comment, which `shown_comment` redacts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from html import escape
from typing import Protocol

from notebook_tokens.core.lifetimes import humanize_until
from notebook_tokens.core.redact import redact

__all__ = [
    "CSS", "TokenRow", "badge", "expiry_left", "row_data", "scopes_shown", "short_id", "shown_comment",
    "text_table",
    "token_table_html", "token_table_text", "unused_left", "view", "when",
]

_ID_CHARS = 12
_MARKER = re.compile(r"\s*\[nt:[\w:]*\]")
# Every rule is scoped to `.nt-view`, the root element of each output this extension emits, so one output
# (a token list) cannot restyle another (the panel) or the notebook around it. Colours: dark text on a
# pale background, at least 4.5:1 (WCAG AA).
CSS = """<style>
.nt-view{font-family:var(--jp-ui-font-family,system-ui,-apple-system,"Segoe UI",sans-serif);font-size:13px;
  line-height:1.45;color:var(--jp-ui-font-color1,#1f272d)}
.nt-view .nt-scroll{max-height:340px;overflow:auto;border:1px solid #e0e3e7;border-radius:6px}
.nt-view table.nt-table{border-collapse:collapse;font-size:13px}
.nt-view .nt-scroll table.nt-table{width:100%}
.nt-view table.nt-table caption{text-align:left;padding:4px 0;color:#3b4650}
.nt-view table.nt-table th{position:sticky;top:0;background:#f5f6f7;color:#4a555e;font-weight:600;
  text-align:left;padding:7px 12px;border-bottom:1px solid #e0e3e7;white-space:nowrap}
.nt-view table.nt-table td{padding:6px 12px;line-height:1.35;vertical-align:middle;
  border-bottom:1px solid #eef0f2;white-space:nowrap}
.nt-view table.nt-table tr:last-child td{border-bottom:none}
.nt-view table.nt-table tr.nt-in-use td{background:#f3f8ff}
.nt-view table.nt-table td.nt-id{font-family:var(--jp-code-font-family,monospace);color:#3b4650}
.nt-view table.nt-table td.nt-comment{white-space:normal;min-width:120px;max-width:320px;
  overflow-wrap:anywhere}
.nt-view table.nt-table td.nt-scopes{white-space:normal;max-width:220px;overflow-wrap:anywhere}
.nt-view table.nt-table.nt-wide td{white-space:normal;min-width:84px}
.nt-view table.nt-table.nt-wide td.nt-id,.nt-view table.nt-table.nt-wide td.nt-owner{min-width:0;
  white-space:nowrap}
.nt-view .nt-left{display:block;font-size:11px;color:#4a555e}
.nt-view table.nt-table td.nt-empty{color:#5f6b74;text-align:center;padding:14px}
.nt-view .nt-badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:11px;font-weight:600;
  background:#eef0f2;color:#4a555e}
.nt-view .nt-badge[data-status=active],.nt-view .nt-badge[data-status=revoked]{background:#e6f4ea;
  color:#1b6b2f}
.nt-view .nt-badge[data-status=expiring]{background:#fff4e0;color:#8a4b00}
.nt-view .nt-badge[data-status=expired],.nt-view .nt-badge[data-status=failed],
.nt-view .nt-badge[data-status=invalid]{background:#fdecea;
  color:#a1221b}
.nt-view .nt-badge[data-status=in-use]{margin-left:6px;background:#e3efff;color:#1659b5}
.nt-view .nt-card{display:inline-block;padding:8px 12px;border:1px solid #e0e3e7;border-radius:6px;
  background:#fafbfc}
.nt-view .nt-card th{text-align:left;padding-right:12px;color:#5f6b74;font-weight:normal}
</style>"""


def shown_comment(comment: str | None) -> str:
    """The comment without our `[nt:…]` create/rotation markers (they are bookkeeping, not the user's),
    redacted: a token pasted into a comment must not reach a widget trait or a confirmation prompt, which
    the output hooks do not see."""
    return redact(_MARKER.sub("", comment or "").strip())


def short_id(token_id: str) -> str:
    """The first 12 characters and an ellipsis: enough to tell tokens apart and to type."""
    return token_id if len(token_id) <= _ID_CHARS + 1 else f"{token_id[:_ID_CHARS]}…"


def when(moment: datetime | None) -> str:
    """The one date format of every view: `2026-11-29 12:00 UTC`, or "Never"."""
    return "Never" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _day(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def _wrappable(moment: datetime | None) -> str:
    """`when` as HTML that may wrap only between the day and the time (narrow admin columns)."""
    return escape(when(moment)).replace(" ", "&nbsp;").replace("&nbsp;", " ", 1)


def expiry_left(moment: datetime | None, now: datetime | None = None) -> str:
    """The time until expiry, at a glance, in whole days: "in 5 days", "3 days ago"; under a day "in 5
    hours"; "" for no expiry."""
    if moment is None:
        return ""
    delta = moment - (now or datetime.now(timezone.utc))
    days = abs(delta).days
    if days < 1:
        return humanize_until(moment, now=now)
    unit = "day" if days == 1 else "days"
    return f"in {days} {unit}" if delta.total_seconds() > 0 else f"{days} {unit} ago"


def unused_left(info: TokenRow, now: datetime | None = None) -> str:
    """Days until the platform's 90-day inactivity revocation, where last use is reported, else ""."""
    if info.last_used is None:
        return ""
    days = (info.last_used + timedelta(days=90) - (now or datetime.now(timezone.utc)).date()).days
    return "unused: revoked soon" if days <= 0 else f"unused: revoked in {days} day{'s' if days != 1 else ''}"


def badge(status: str) -> str:
    """The one status badge: active / expiring / expired (revoked / failed in bulk results; in use)."""
    word = status or "unknown"
    kind = escape(word.replace(" ", "-"), quote=True)
    return f'<span class="nt-badge" data-status="{kind}">{escape(word)}</span>'


def view(body: str) -> str:
    """`body` inside the scoped root element, with the stylesheet."""
    return f'{CSS}<div class="nt-view">{body}</div>'


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
    @property
    def scopes(self) -> tuple[str, ...]: ...
    @property
    def autoscope(self) -> str: ...
    @property
    def inferred_scopes(self) -> tuple[str, ...]: ...


def scopes_shown(info: TokenRow) -> str:
    """A token's scopes for every view: "all APIs" when unscoped, then its autoscope state and the scopes
    autoscope inferred, when the platform reports them ("all APIs; autoscope running, used: clusters")."""
    from notebook_tokens.core.scopes import describe  # lazy: it reads scopes.json

    text = describe(info.scopes)
    extra = [f"autoscope {info.autoscope}"] if info.autoscope and info.autoscope != "user selected" else []
    if info.inferred_scopes:
        extra.append(f"used: {', '.join(info.inferred_scopes)}")
    return f"{text}; {', '.join(extra)}" if extra else text


def _ordered(infos: Sequence[TokenRow]) -> list[TokenRow]:
    return sorted(infos, key=lambda info: (info.created, info.token_id))


def _row_cells(info: TokenRow, *, show_owner: bool, show_last_used: bool, selectable: bool,
               now: datetime | None = None) -> list[str]:
    token_id = escape(info.token_id, quote=True)
    in_use = f" {badge('in use')}" if info.in_use else ""
    left = expiry_left(info.expires, now)
    cells = [
        f'<td class="nt-id" title="{token_id}">{escape(short_id(info.token_id))}{in_use}</td>',
        f'<td class="nt-comment">{escape(shown_comment(info.comment))}</td>',
        f"<td>{_wrappable(info.created)}</td>",
        f"<td>{_wrappable(info.expires)}"
        + (f'<span class="nt-left">{escape(left)}</span>' if left else "") + "</td>",
        f"<td>{badge(info.status)}</td>",
        f'<td class="nt-scopes">{escape(scopes_shown(info))}</td>',
    ]
    if show_owner:
        cells.insert(1, f'<td class="nt-owner">{escape(info.created_by or "")}</td>')
    if show_last_used:
        unused = unused_left(info, now)
        hint = f'<span class="nt-left">{escape(unused)}</span>' if unused else ""
        cells.append(f"<td>{escape(_day(info.last_used)) or '—'}{hint}</td>")
    if selectable:
        cells.insert(0, f'<td><input type="checkbox" class="nt-select" value="{token_id}"></td>')
    return cells


def row_data(info: TokenRow, now: datetime | None = None) -> dict[str, object]:
    """One row as JSON for the panel's table widget: ids, the shown (redacted, unmarked) comment, dates,
    status. Never a token value: this goes into widget state, which notebooks save."""
    return {
        "id": info.token_id, "short": short_id(info.token_id), "comment": shown_comment(info.comment),
        "owner": info.created_by or "", "created": when(info.created), "expires": when(info.expires),
        "expires_left": expiry_left(info.expires, now), "status": info.status or "unknown",
        "in_use": info.in_use, "last_used": _day(info.last_used), "unused_left": unused_left(info, now),
        "scopes": scopes_shown(info),
    }


def token_table_html(
    infos: Sequence[TokenRow], *, selectable: bool = False, show_owner: bool = False,
    show_last_used: bool = False, caption: str = "", empty: str = "No tokens.", scroll: bool = False,
    now: datetime | None = None,
) -> str:
    """The one token table of every view (list, admin list, panel, admin tab): Token ID (truncated, the full
    id on hover), Comment, Creation (ascending), Expiration or "Never", a status badge, the token in use
    marked. `selectable` adds a checkbox per row (`value` = the full id), `show_owner` adds Owner,
    `show_last_used` adds Last used, `scroll` caps the height (the panel)."""
    head = ["Token ID", "Comment", "Creation", "Expiration", "Status", "Scopes"]
    if show_owner:
        head.insert(1, "Owner")
    if show_last_used:
        head.append("Last used")
    if selectable:
        head.insert(0, "")
    rows = []
    for info in _ordered(infos):
        body = "".join(_row_cells(info, show_owner=show_owner, show_last_used=show_last_used,
                                  selectable=selectable, now=now))
        row_class = ' class="nt-in-use"' if info.in_use else ""
        rows.append(f'<tr{row_class} data-token-id="{escape(info.token_id, quote=True)}">{body}</tr>')
    if not rows:
        rows.append(f'<tr><td class="nt-empty" colspan="{len(head)}">{escape(empty)}</td></tr>')
    header = "".join(f"<th>{escape(name)}</th>" for name in head)
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    wide = " nt-wide" if show_owner else ""  # the admin tables: dates wrap, so Last used stays in view
    table = (f'<table class="nt-table{wide}">{cap}<thead><tr>{header}</tr></thead>'
             f"<tbody>{''.join(rows)}</tbody></table>")
    return view(f'<div class="nt-scroll">{table}</div>' if scroll else table)


def text_table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(head, *rows, strict=False)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
             for line in [head, *rows]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _with_left(moment: datetime | None) -> str:
    left = expiry_left(moment)
    return f"{when(moment)} ({left})" if left else when(moment)


def token_table_text(infos: Sequence[TokenRow], *, show_owner: bool = False) -> str:
    """The same table as plain text (the `text/plain` form); `*` marks the token in use."""
    if not infos:
        return "No tokens."
    head = ["", "Token ID", "Comment", "Creation", "Expiration", "Status", "Scopes"]
    if show_owner:
        head.insert(2, "Owner")
    rows = []
    for info in _ordered(infos):
        row = ["*" if info.in_use else "", short_id(info.token_id), shown_comment(info.comment),
               when(info.created), _with_left(info.expires), info.status, scopes_shown(info)]
        if show_owner:
            row.insert(2, info.created_by or "")
        rows.append(row)
    legend = "\n* = the token this notebook uses" if any(info.in_use for info in infos) else ""
    return text_table(head, rows) + legend
