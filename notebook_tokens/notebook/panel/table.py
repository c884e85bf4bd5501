"""The panel's token table, in one of two forms behind one interface (`show`, `selected`, `ids`, `widget`):

- "widget": `grid.TokenGrid`, a small anywidget (checkbox per row, sort by clicking a header, pages of 50).
  The kernel sorts and pages, so 1,000+ tokens cost one widget model and one page of rows in its state.
- "html": today's view, for front ends where a custom widget cannot load (anywidget not installed, or
  `NT_PANEL_TABLE=html`): the shared HTML table, a `SelectMultiple` row picker and a sort `Dropdown`.

Either way no token value enters a trait: rows are `tokenviews.row_data` (ids, redacted comments).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from notebook_tokens.notebook.panel.markup import table_html
from notebook_tokens.notebook.tokenviews import row_data, shown_comment

if TYPE_CHECKING:
    from notebook_tokens.lifecycle.tokeninfo import TokenInfo

__all__ = ["PANEL_EXTRA", "TABLE_ENV", "HtmlTokenTable", "WidgetTokenTable", "fallback_notice", "make_table",
           "table_mode"]

TABLE_ENV = "NT_PANEL_TABLE"  # "html" forces the fallback view (e.g. a front end without anywidget)
PANEL_EXTRA = "pip install 'notebook-tokens[panel]'"
_EPOCH = datetime.fromtimestamp(0, tz=timezone.utc)
_STATUS_ORDER = {"expired": 0, "expiring": 1, "active": 2}
SORT_KEYS: dict[str, Callable[[TokenInfo], Any]] = {
    "id": lambda info: info.token_id,
    "owner": lambda info: (info.created_by or "").lower(),
    "comment": lambda info: shown_comment(info.comment).lower(),
    "created": lambda info: info.created,
    "expires": lambda info: (info.expires is None, info.expires or _EPOCH),  # "Never" last
    "status": lambda info: _STATUS_ORDER.get(info.status, 9),
    "last_used": lambda info: (info.last_used is None, info.last_used or date.min),
    "scopes": lambda info: (not info.scopes, ",".join(info.scopes)),  # "all APIs" last
}
MY_COLUMNS = [("id", "Token ID"), ("comment", "Comment"), ("created", "Creation"),
              ("expires", "Expiration"), ("status", "Status"), ("scopes", "Scopes")]
ADMIN_COLUMNS = [("id", "Token ID"), ("owner", "Owner"), ("comment", "Comment"), ("created", "Creation"),
                 ("expires", "Expiration"), ("status", "Status"), ("scopes", "Scopes"),
                 ("last_used", "Last used")]


def _forced_html(requested: str | None) -> bool:
    return (requested or os.environ.get(TABLE_ENV, "")).strip().lower() in ("html", "fallback")


def _widget_missing() -> str:
    """What keeps the table widget from loading here, or "" when it loads."""
    try:
        import notebook_tokens.notebook.panel.grid  # noqa: F401 - anywidget may be missing or broken
    except ImportError as exc:
        # Only the module name is kept: an ImportError's message can carry local paths.
        return "anywidget is not installed" if exc.name == "anywidget" else "anywidget could not be imported"
    return ""


def table_mode(requested: str | None = None) -> str:
    """ "widget" when anywidget imports and nothing forces the fallback, else "html"."""
    if _forced_html(requested) or _widget_missing():
        return "html"
    return "widget"


def fallback_notice(requested: str | None = None) -> str:
    """The one line saying why the table fell back and how to get the widget; "" when it did not fall
    back or the user asked for the HTML view (`NT_PANEL_TABLE=html`), which needs no excuse."""
    if _forced_html(requested):
        return ""
    missing = _widget_missing()
    if not missing:
        return ""
    return f"Token table shown as plain HTML: {missing} (the `panel` extra). Full table: {PANEL_EXTRA}"


def sorted_infos(infos: Sequence[TokenInfo], key: str, descending: bool) -> list[TokenInfo]:
    """`infos` by column `key` (ties by creation, then id), so equal keys keep a stable, useful order."""
    first = SORT_KEYS.get(key, SORT_KEYS["created"])
    return sorted(infos, key=lambda info: (first(info), info.created, info.token_id), reverse=descending)


class HtmlTokenTable:
    """The fallback: HTML table + SelectMultiple (+ a sort Dropdown on My tokens)."""

    mode = "html"

    def __init__(self, *, admin: bool, empty: str, label: Callable[[TokenInfo], str], sortable: bool) -> None:
        self.admin, self.empty, self.label = admin, empty, label
        self._infos: list[TokenInfo] = []
        self.html = widgets.HTML()
        self.picker = widgets.SelectMultiple(
            options=[], rows=6 if admin else 5, description="Select", layout=widgets.Layout(width="auto")
        )
        self.sort = widgets.Dropdown(
            options=[("Creation: oldest first", "asc"), ("Creation: newest first", "desc")],
            value="asc",
            description="Sort",
            layout=widgets.Layout(width="260px", margin="0 0 0 auto", display="" if sortable else "none"),
        )
        self.sort.observe(lambda _change: self._render(), names="value")
        self.widget = widgets.VBox([self.html, self.picker])

    @property
    def ids(self) -> list[str]:
        return [value for _label, value in self.picker.options]

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(self.picker.value)

    @selected.setter
    def selected(self, ids: Sequence[str]) -> None:
        self.picker.value = tuple(ids)

    def show(self, infos: Sequence[TokenInfo]) -> None:
        self._infos = list(infos)
        self._render()

    def _render(self) -> None:
        rows = sorted_infos(self._infos, "created", self.sort.value == "desc")
        self.html.value = table_html(rows, admin=self.admin, empty=self.empty)
        self.picker.options = [(self.label(info), info.token_id) for info in rows]


class WidgetTokenTable:
    """The custom widget; the kernel keeps every row and sends the sorted current page."""

    mode = "widget"

    def __init__(self, *, admin: bool, empty: str, page_size: int = 50) -> None:
        from notebook_tokens.notebook.panel.grid import TokenGrid

        self._infos: list[TokenInfo] = []
        self.grid = TokenGrid(columns=ADMIN_COLUMNS if admin else MY_COLUMNS, empty=empty, wide=admin,
                              page_size=page_size)
        self.grid.observe(lambda _change: self._render(), names=["sort_by", "descending", "page"])
        self.widget = self.grid

    @property
    def ids(self) -> list[str]:
        return [info.token_id for info in self._sorted()]

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(self.grid.selected)

    @selected.setter
    def selected(self, ids: Sequence[str]) -> None:
        self.grid.selected = list(ids)

    def show(self, infos: Sequence[TokenInfo]) -> None:
        self._infos = list(infos)
        present = {info.token_id for info in self._infos}
        self.grid.selected = [token_id for token_id in self.grid.selected if token_id in present]
        pages = max(1, -(-len(self._infos) // self.grid.page_size))
        with self.grid.hold_trait_notifications():
            self.grid.page = min(self.grid.page, pages - 1)
        self._render()

    def _sorted(self) -> list[TokenInfo]:
        return sorted_infos(self._infos, self.grid.sort_by, self.grid.descending)

    def _render(self) -> None:
        size = self.grid.page_size
        page = self._sorted()[self.grid.page * size:(self.grid.page + 1) * size]
        now = datetime.now(timezone.utc)
        with self.grid.hold_sync():
            self.grid.total = len(self._infos)
            self.grid.rows = [row_data(info, now) for info in page]


def make_table(
    *, admin: bool, empty: str, label: Callable[[TokenInfo], str], sortable: bool = True,
    mode: str | None = None,
) -> HtmlTokenTable | WidgetTokenTable:
    """The table for this front end: the widget when it can load (see `table_mode`), else the HTML view."""
    if table_mode(mode) == "widget":
        return WidgetTokenTable(admin=admin, empty=empty)
    return HtmlTokenTable(admin=admin, empty=empty, label=label, sortable=sortable)
