"""The leak-scan report (`%dbtoken scan`): one row per hit, as HTML, as text and as a list of dicts.

Pure, like tokenviews, whose stylesheet, badge, date format and short id it uses. A hit carries its value
only as a `Token`; every view shows `Token.masked` (the `dapi` prefix and the last 4 characters), never more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from notebook_tokens.notebook.tokenviews import badge, short_id, shown_comment, text_table, view, when

if TYPE_CHECKING:
    from notebook_tokens.lifecycle.leaks.files import Tally
    from notebook_tokens.lifecycle.leaks.hits import Finding

__all__ = ["finding_rows", "scan_counts", "scan_report_html", "scan_report_text"]

_STATUSES = ("live", "not found", "unknown")
# the shared stylesheet has no "live" or "unknown" badge: a live leak is the alarming one
_STYLE = ("<style>.nt-view .nt-badge[data-status=live]{background:#fdecea;color:#a1221b}"
          ".nt-view .nt-badge[data-status=not-found]{background:#e6f4ea;color:#1b6b2f}</style>")


def finding_rows(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """The report as plain dicts (`pandas.DataFrame(rows)` works): masked values only."""
    return [{
        "location": f.hit.location, "origin": f.hit.origin, "path": f.hit.where, "line": f.hit.line,
        "part": f.hit.part, "form": f.hit.form, "value": f.hit.masked, "status": f.status,
        "owner": f.owner, "token_id": f.token_id, "comment": shown_comment(f.comment),
        "expires": when(f.expires) if f.token_id and f.status == "live" else None, "in_use": f.in_use,
        "note": f.note,
    } for f in findings]


def scan_counts(findings: Sequence[Finding]) -> dict[str, int]:
    counted: Counter[str] = Counter(f.status for f in findings)
    return {status: counted[status] for status in _STATUSES}


def _summary(findings: Sequence[Finding], tally: Tally) -> str:
    counts = scan_counts(findings)
    places = len({(f.hit.origin, f.hit.where) for f in findings})
    scanned = f"{tally.files} file(s), {tally.bytes / 1e6:.1f} MB scanned"
    if not findings:
        return f"No token found: {scanned}."
    statuses = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    return f"{len(findings)} hit(s) in {places} place(s) ({scanned}): {statuses}."


def _cells(f: Finding) -> list[str]:
    expires = when(f.expires) if f.status == "live" else ""
    return [f.hit.location, f.hit.masked, f.hit.form, f.status + (" (in use)" if f.in_use else ""),
            f.owner or "", short_id(f.token_id) if f.token_id else "", expires]


_HEAD = ["Location", "Value", "Form", "Status", "Owner", "Token ID", "Expires"]


def scan_report_text(findings: Sequence[Finding], tally: Tally, notes: Sequence[str] = ()) -> str:
    lines = [_summary(findings, tally)]
    if findings:
        lines.append(text_table(_HEAD, [_cells(f) for f in findings]))
        details = sorted({f.note for f in findings if f.note})
        lines.extend(f"- {note}" for note in details)
    lines.extend(f"Note: {note}" for note in [*notes, *tally.problems])
    return "\n".join(lines)


def scan_report_html(findings: Sequence[Finding], tally: Tally, notes: Sequence[str] = ()) -> str:
    rows = []
    for f in findings:
        cells = _cells(f)
        status = f"{badge(f.status)}{' ' + badge('in use') if f.in_use else ''}"
        token_id = escape(f.token_id or "", quote=True)
        rows.append(
            f"<tr><td>{escape(cells[0])}</td><td><code>{escape(cells[1])}</code></td><td>{escape(cells[2])}</td>"
            f'<td title="{escape(f.note, quote=True)}">{status}</td><td>{escape(cells[4])}</td>'
            f'<td class="nt-id" title="{token_id}">{escape(cells[5])}</td><td>{escape(cells[6])}</td></tr>'
        )
    if not rows:
        rows.append(f'<tr><td class="nt-empty" colspan="{len(_HEAD)}">No token found.</td></tr>')
    head = "".join(f"<th>{escape(name)}</th>" for name in _HEAD)
    extra = [*sorted({f.note for f in findings if f.note}), *notes, *tally.problems]
    notes_html = "".join(f"<li>{escape(note)}</li>" for note in extra)
    return _STYLE + view(
        f'<table class="nt-table"><caption>{escape(_summary(findings, tally))}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + (f"<ul>{notes_html}</ul>" if notes_html else "")
    )
