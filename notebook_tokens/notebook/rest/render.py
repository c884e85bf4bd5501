"""`RestResult`, what `%dbrest` returns, and its rich display.

Pure: imports neither IPython, ipywidgets, requests nor os.environ. `_repr_mimebundle_` gives
`application/json` (JupyterLab's collapsible tree, rooted at the path), `text/plain` (status line and
pretty JSON, truncated past a limit) and `text/html` for `--table` and for HTTP errors.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from notebook_tokens.core.redact import mask

__all__ = [
    "MAX_TEXT_LINES",
    "RequestInfo",
    "RestResult",
    "masked_by_lower_name",
    "masked_headers",
    "masked_value",
    "note_bundle",
    "progress_text",
    "table_html",
]

MAX_TEXT_LINES = 200
MAX_TABLE_ROWS = 500
_CELL_CHARS = 80
_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-databricks-azure-sp-management-token"}
)
Bundle = dict[str, Any]


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """The request as sent: method, full URL and headers, with the Authorization value masked."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)

    def text(self) -> str:
        lines = [f"{self.method} {self.url}"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        return "\n".join(lines)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[Bundle, Bundle]:
        return {"text/plain": self.text()}, {}


@dataclass(slots=True)
class RestResult:
    """One `%dbrest` answer. `data` is the parsed JSON (or text) after `--all` / `--extract`."""

    status_code: int
    reason: str
    headers: Mapping[str, str]
    data: Any
    elapsed: timedelta
    request: RequestInfo
    path: str
    raw: Any = None
    is_json: bool = True
    error_code: str = ""
    message: str = ""
    hint: str = ""
    note: str = ""
    pages: int = 1
    table: bool = False
    # set by `%dbrest -q`: the execution count of the cell in which this result is not displayed
    quiet_in: int | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 400

    @property
    def shows_json_tree(self) -> bool:
        """Whether the display includes `application/json` (which JupyterLab prefers to the text)."""
        return self.ok and not self.table and isinstance(self.data, (dict, list))

    def json(self) -> Any:
        """The parsed response body (pages merged with --all, before --extract)."""
        if not self.is_json:
            raise ValueError(f"the response to {self.request.method} {self.path} is not JSON: see .data")
        return self.raw

    def __repr__(self) -> str:
        return f"<RestResult {self.status_line()}>"

    def status_line(self) -> str:
        pages = f", {self.pages} pages" if self.pages > 1 else ""
        millis = self.elapsed.total_seconds() * 1000
        return (
            f"{self.status_code} {self.reason} · {self.request.method} {self.path} ({millis:.0f} ms{pages})"
        )

    def error_text(self) -> str:
        """`403 PERMISSION_DENIED: Invalid access token.` plus the hint, for a failed call."""
        head = f"{self.status_code} {self.error_code}" if self.error_code else f"{self.status_code}"
        text = f"{head}: {self.message or self.reason}"
        return f"{text}\n{self.hint}" if self.hint else text

    def text(self, max_lines: int = MAX_TEXT_LINES) -> str:
        if not self.ok:
            return self.error_text()
        if self.data is None and self.raw is None:
            body = ""  # an empty answer (a POST that returns nothing): the status line says it all
        elif isinstance(self.data, str) and not self.is_json:
            body = self.data
        else:
            body = _pretty(self.data)
        lines = body.splitlines()
        if len(lines) > max_lines:
            hidden = len(lines) - max_lines
            lines = [*lines[:max_lines], f"… {hidden:,} more lines not shown: the whole result is in .data"]
        head = [self.status_line()] + ([f"note: {self.note}"] if self.note else [])
        return "\n".join(head + lines)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[Bundle, Bundle]:
        bundle: Bundle = {"text/plain": self.text()}
        if not self.ok:
            bundle["text/html"] = error_html(self.error_text())
            return bundle, {}
        if self.table:
            bundle["text/html"] = table_html(self.data, note=self.note)
            return bundle, {}
        if self.shows_json_tree:
            bundle["application/json"] = self.data
            return bundle, {"application/json": {"expanded": False, "root": self.path}}
        return bundle, {}


def _pretty(data: Any) -> str:
    try:
        return json.dumps(data, indent=2, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(data)


def error_html(text: str) -> str:
    head, _, hint = text.partition("\n")
    hint_html = f'<div style="margin-top:4px">{html.escape(hint)}</div>' if hint else ""
    return (
        '<div style="border-left:4px solid #d32f2f;padding:6px 10px;background:rgba(211,47,47,0.08)">'
        f"<strong>{html.escape(head)}</strong>{hint_html}</div>"
    )


def note_bundle(text: str) -> Bundle:
    """A short note (e.g. "--all: not paginated") as its own output, visible in every front end."""
    return {"text/plain": f"note: {text}", "text/html": f"<div><em>note:</em> {html.escape(text)}</div>"}


def progress_text(pages: int, items: int, seconds: float) -> str:
    return f"--all: {pages} pages, {items:,} items so far ({seconds:.1f} s)…"


def _rows_of(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) == 1:
            return lists[0]
    return None


def table_html(data: Any, *, note: str = "") -> str:
    """A list of objects (or an object holding exactly one list) as an HTML table."""
    rows = _rows_of(data)
    note_html = f"<div><em>note:</em> {html.escape(note)}</div>" if note else ""
    if rows is None or not all(isinstance(row, dict) for row in rows):
        return (
            f"{note_html}<div><em>--table needs a list of objects; showing JSON.</em></div><pre>"
            + html.escape(_pretty(data))
            + "</pre>"
        )
    columns = list(dict.fromkeys(key for row in rows for key in row))
    shown = rows[:MAX_TABLE_ROWS]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(row.get(c)))}</td>" for c in columns) + "</tr>"
        for row in shown
    )
    more = ""
    if len(rows) > len(shown):
        hidden = len(rows) - len(shown)
        more = f"<div><em>{hidden:,} more rows not shown: the whole result is in .data</em></div>"
    return f"{note_html}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _CELL_CHARS else text[: _CELL_CHARS - 1] + "…"


def masked_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Request headers for display: credentials masked (`Bearer dapi…c3f2`), everything else as sent."""
    shown: dict[str, str] = {}
    for name, value in headers:
        shown[name] = masked_value(value) if name.lower() in _SECRET_HEADERS else value
    return shown


def masked_by_lower_name(store: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """`masked_headers` of a mapping {lower-case name: (name, value)} (requests' CaseInsensitiveDict store),
    without a Python step per header: only the credential headers present are looked at."""
    shown = dict(store.values())
    for lower in _SECRET_HEADERS.intersection(store):
        name, value = store[lower]
        shown[name] = masked_value(value)
    return shown


def masked_value(value: str) -> str:
    """A credential header's value with the credential masked, its scheme (`Bearer`, `Basic`) kept."""
    scheme, _, credential = value.partition(" ")
    return f"{scheme} {mask(credential)}" if credential else mask(value)
