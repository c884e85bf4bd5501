"""Pagination of Databricks list responses: the one rule for what to ask for next, and two ways to follow it.

`PageCursor` says what to ask for next; `Pages` also merges what came back (`%dbrest --all`, whose caller
fetches); `iter_pages` / `paginate` fetch through a session (`WorkspaceSession.iter_pages`). Nothing here
imports requests: the session is handed in.

    {"clusters": [...], "next_page_token": "t"}   -> ask again with page_token=t
    {"jobs": [...], "has_more": true}             -> ask again with offset += len(items)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from notebook_tokens.core.apierrors import api_error

if TYPE_CHECKING:
    import requests

    from notebook_tokens.http.workspace import WorkspaceSession

__all__ = ["PAGINATION_KEYS", "NextPage", "PageCursor", "Pages", "iter_pages", "paginate"]

PAGINATION_KEYS = frozenset({"next_page_token", "prev_page_token", "has_more", "next_page", "total_count"})


class NextPage(NamedTuple):
    """The one parameter to change for the next request: ("page_token", token) or ("offset", n)."""

    name: str
    value: str | int


class PageCursor:
    """Decides the next request of a paginated list, given each page as it arrives.

    next_page_token -> page_token (stopping, with `repeated` set, when the server repeats a token: it would
    loop forever); has_more -> offset += the number of items on the page.
    """

    def __init__(self, *, offset: int | str = 0, page_token: Any = None) -> None:
        # the caller's offset is converted only when has_more asks for it, as the callers always did
        self._offset = offset
        self._seen_tokens: set[str] = {page_token} if isinstance(page_token, str) and page_token else set()
        self.repeated = False

    def advance(self, page: Any) -> NextPage | None:
        """What to ask for after `page`, or None when this was the last page."""
        if not isinstance(page, dict):
            return None
        token = page.get("next_page_token")
        if isinstance(token, str) and token:
            if token in self._seen_tokens:
                self.repeated = True
                return None
            self._seen_tokens.add(token)
            return NextPage("page_token", token)
        if page.get("has_more") is True:
            fetched = sum(len(v) for v in page.values() if isinstance(v, list))
            if not fetched:
                return None
            self._offset = int(self._offset) + fetched
            return NextPage("offset", self._offset)
        return None


class Pages:
    """Accumulates pages. `add(page)` returns the query parameters of the next request, or None when done."""

    def __init__(self, params: list[tuple[str, str]]) -> None:
        self._params = [(k, v) for k, v in params if k not in ("page_token", "offset")]
        self._cursor = PageCursor(
            offset=next((int(v) for k, v in params if k == "offset" and v.isdigit()), 0),
            page_token=next((v for k, v in params if k == "page_token"), None),
        )
        self.merged: Any = None
        self.count = 0
        self.note = ""

    @property
    def items_keys(self) -> list[str]:
        if not isinstance(self.merged, dict):
            return []
        return [k for k, v in self.merged.items() if isinstance(v, list)]

    @property
    def item_count(self) -> int:
        if isinstance(self.merged, list):
            return len(self.merged)
        return sum(len(self.merged[k]) for k in self.items_keys)

    def add(self, page: Any) -> list[tuple[str, str]] | None:
        self.count += 1
        if self.count == 1:
            self.merged = page
            if not _is_paginated(page) and not isinstance(page, list) and not self.items_keys:
                self.note = (
                    "--all: this response is not paginated (no next_page_token or has_more, and no list "
                    "of items): shown as returned."
                )
                return None
        else:
            self._merge(page)
        return self._next_params(page)

    def _merge(self, page: Any) -> None:
        if not isinstance(page, dict) or not isinstance(self.merged, dict):
            return
        for key, value in page.items():
            if isinstance(value, list) and isinstance(self.merged.get(key), list):
                self.merged[key].extend(value)
            elif isinstance(value, list) and key not in self.merged:
                self.merged[key] = list(value)

    def _next_params(self, page: Any) -> list[tuple[str, str]] | None:
        step = self._cursor.advance(page)
        if step is None:
            if self._cursor.repeated:
                self.note = "--all: the server repeated a page token; stopped to avoid a loop."
            return None
        return [*self._params, (step.name, str(step.value))]

    def finish(self) -> Any:
        """The merged response, without the keys that only make sense for one page."""
        if isinstance(self.merged, dict):
            for key in ("next_page_token", "prev_page_token", "has_more"):
                self.merged.pop(key, None)
        return self.merged


def _is_paginated(page: Any) -> bool:
    return isinstance(page, dict) and ("next_page_token" in page or "has_more" in page)



def _pages(
    session: WorkspaceSession,
    method: str,
    path: str,
    *,
    params: dict[str, Any] | None,
    json: dict[str, Any] | None,
    max_pages: int | None,
) -> Iterator[tuple[requests.Response, Any]]:
    """Each page's response with its decoded JSON, decoded once for both the cursor and the caller."""
    params = dict(params or {})
    body = dict(json) if json is not None else None
    # POST list endpoints take the page token in the body, GET ones in the query
    target = body if body is not None and method.upper() != "GET" else params
    cursor = PageCursor(offset=target.get("offset", 0), page_token=target.get("page_token"))
    pages = 0
    while True:
        response = session.request(method, path, params=params or None, json=body)
        if response.status_code >= 400:
            raise api_error(response, session.source)
        try:
            data = response.json() if response.content else {}
        except ValueError:
            data = None  # not JSON: a single page with nothing to follow
        yield response, data
        pages += 1
        if max_pages is not None and pages >= max_pages:
            return
        step = cursor.advance(data)
        if step is None:
            return
        target[step.name] = step.value


def iter_pages(
    session: WorkspaceSession,
    method: str,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    json: dict[str, Any] | None = None,
    max_pages: int | None = None,
) -> Iterator[requests.Response]:
    """Each page's response; ApiError on an error page."""
    for response, _ in _pages(session, method, path, params=params, json=json, max_pages=max_pages):
        yield response


def paginate(
    session: WorkspaceSession, path: str, items_key: str, *, max_pages: int | None = None, **params: Any
) -> Iterator[Any]:
    """Every item under `items_key` across all pages of a GET."""
    for _, data in _pages(session, "GET", path, params=params, json=None, max_pages=max_pages):
        yield from (data.get(items_key) or []) if isinstance(data, dict) else []
