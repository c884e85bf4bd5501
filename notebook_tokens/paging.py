"""Follow paginated list endpoints over a session; which page to ask for next is pages.PageCursor's rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from notebook_tokens.apierrors import api_error
from notebook_tokens.pages import PageCursor

if TYPE_CHECKING:
    import requests

    from notebook_tokens.transport import WorkspaceSession

__all__ = ["iter_pages", "paginate"]


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
