"""Send a parsed `RestRequest` through a `WorkspaceSession` and build the `RestResult`.

Imported lazily by `%dbrest` on its first call (it imports requests). The session's `request()` does
the work, so the bearer is injected per request and its retry and redirect rules apply.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import requests

from notebook_tokens.core.apierrors import api_error, next_step
from notebook_tokens.core.redact import redact
from notebook_tokens.http.errors import transport_error
from notebook_tokens.http.paging import Pages
from notebook_tokens.notebook.rest.render import (
    RequestInfo,
    RestResult,
    masked_by_lower_name,
    masked_headers,
)

if TYPE_CHECKING:
    from notebook_tokens.http.workspace import WorkspaceSession
    from notebook_tokens.notebook.rest.parse import RestRequest

__all__ = ["CallOptions", "call"]

Progress = Callable[[int, int, float], None]


@dataclass(frozen=True, slots=True)
class CallOptions:
    all_pages: bool = False
    max_pages: int | None = None
    timeout: float | None = None
    table: bool = False
    progress: Progress | None = None  # called after each page once fetching takes over a second


def call(session: WorkspaceSession, request: RestRequest, options: CallOptions) -> RestResult:
    """One request, or every page of it with `all_pages`; HTTP errors come back as a failed result."""
    if not options.all_pages:
        return _result(_send(session, request, request.params, options), request, options, session.source)
    pages = Pages(request.params)
    params = request.params
    started = time.monotonic()
    elapsed = 0.0
    while True:
        response = _send(session, request, params, options)
        elapsed += response.elapsed.total_seconds()
        if response.status_code >= 400:
            return _result(response, request, options, session.source)
        body = _body(response)
        next_params = pages.add(body[0])
        if next_params is None:
            break
        if options.max_pages is not None and pages.count >= options.max_pages:
            pages.note = f"--all stopped after {pages.count} pages (--max-pages); more remain."
            break
        waited = time.monotonic() - started
        if options.progress is not None and waited > 1.0:
            options.progress(pages.count, pages.item_count, waited)
        params = next_params
    merged = pages.finish()
    result = _result(response, request, options, body=body)  # the last page, already decoded
    return replace(
        result,
        data=merged,
        raw=merged,
        note=pages.note,
        pages=pages.count,
        elapsed=type(result.elapsed)(seconds=elapsed),
    )


def _send(
    session: WorkspaceSession, request: RestRequest, params: list[tuple[str, str]], options: CallOptions
) -> requests.Response:
    kwargs: dict[str, Any] = {"params": params or None, "headers": request.headers or None}
    if options.timeout is not None:
        kwargs["timeout"] = options.timeout
    if request.has_body:
        kwargs["json"] = request.body
    try:
        return session.request(request.method, request.path, **kwargs)
    except requests.exceptions.RequestException as exc:
        raise transport_error(
            exc, session.host, request.method, request.path, longer_timeout="pass a longer --timeout"
        ) from None


def _body(response: requests.Response) -> tuple[Any, bool]:
    if not response.content:
        return None, True
    try:
        return response.json(), True
    except ValueError:
        return response.text, False


def _result(
    response: requests.Response,
    request: RestRequest,
    options: CallOptions,
    source: str = "",
    *,
    body: tuple[Any, bool] | None = None,
) -> RestResult:
    sent = response.request
    info = RequestInfo(
        request.method,
        redact(sent.url or request.path),
        _masked(sent.headers),
    )
    data, is_json = _body(response) if body is None else body
    result = RestResult(
        status_code=response.status_code,
        reason=response.reason or "",
        headers=response.headers,
        data=data,
        elapsed=response.elapsed,
        request=info,
        path=request.path,
        raw=data,
        is_json=is_json,
        table=options.table,
    )
    if response.status_code >= 400:
        error = api_error(response, source)
        hint = error.hint
        if response.status_code in (404, 405):
            from notebook_tokens.notebook.rest.apihelp import not_found_hint  # lazy: reads the API index

            hint = not_found_hint(response.status_code, error.error_code, request.method, request.path)
        hint = hint or error.hint or next_step(error.status, error.error_code)  # a block ends with what to do
        result = replace(result, error_code=error.error_code, message=error.message, hint=hint)
    return result



def _masked(headers: Any) -> dict[str, str]:
    """The sent headers for display, read from requests' CaseInsensitiveDict store ({lower: (name, value)})
    when there is one: its `items()` makes two Python calls per header, on every %dbrest call."""
    store = getattr(headers, "_store", None)
    if isinstance(store, dict):
        return masked_by_lower_name(store)
    return masked_headers(headers.items())
