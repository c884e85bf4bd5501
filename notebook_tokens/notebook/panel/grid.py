"""The token table as a small custom widget (anywidget: an ES module, no build step): a checkbox per row,
sortable headers, pages. Imported only when anywidget is installed (the `panel` extra); table.py falls back
to the HTML table and a SelectMultiple otherwise.

Its state is saved with the notebook, so it holds what `tokenviews.row_data` gives (ids, redacted comments
without markers, dates, statuses) for the current page only, never a token value.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from notebook_tokens.notebook.panel.markup import PANEL_CSS
from notebook_tokens.notebook.tokenviews import CSS

__all__ = ["TokenGrid"]

# The grid's own rules; like every stylesheet here, scoped to the output's `.nt-view` root.
GRID_CSS = """
.nt-view.nt-grid table.nt-table{width:100%}
.nt-view.nt-grid th .nt-sort{all:unset;cursor:pointer;font:inherit;color:inherit}
.nt-view.nt-grid th .nt-sort:focus-visible{outline:2px solid #1659b5;outline-offset:2px}
.nt-view.nt-grid table.nt-table .nt-check{width:1%;min-width:0;padding-right:0}
.nt-view.nt-grid .nt-pager{display:flex;gap:8px;align-items:center;padding:6px 2px;color:#3b4650}
.nt-view.nt-grid .nt-pager .nt-count{margin-right:auto}
.nt-view.nt-grid .nt-pager .nt-page{font:inherit;padding:2px 10px;border:1px solid #c4cad0;border-radius:4px;
  background:#fff;color:#1f272d;cursor:pointer}
.nt-view.nt-grid .nt-pager .nt-page:disabled{color:#6b757d;cursor:default}
"""


def _strip(style: str) -> str:
    return style.replace("<style>", "").replace("</style>", "")


class TokenGrid(anywidget.AnyWidget):
    """One widget model whatever the number of tokens: the kernel sorts and pages, this draws a page."""

    _esm = Path(__file__).with_name("grid.js").read_text(encoding="utf-8")
    _css = _strip(CSS) + _strip(PANEL_CSS) + GRID_CSS
    columns = traitlets.List(traitlets.Tuple(traitlets.Unicode(), traitlets.Unicode())).tag(sync=True)
    rows = traitlets.List(traitlets.Dict()).tag(sync=True)
    total = traitlets.Int(0).tag(sync=True)
    page = traitlets.Int(0).tag(sync=True)
    page_size = traitlets.Int(50).tag(sync=True)
    sort_by = traitlets.Unicode("created").tag(sync=True)
    descending = traitlets.Bool(False).tag(sync=True)
    selected = traitlets.List(traitlets.Unicode()).tag(sync=True)
    empty = traitlets.Unicode("No tokens.").tag(sync=True)
    wide = traitlets.Bool(False).tag(sync=True)
