"""Turn an HTTP error answer from the workspace into a redacted `ApiError` with a hint on what to do."""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from notebook_tokens.core.errors import ApiError
from notebook_tokens.core.redact import redact
from notebook_tokens.core.scopes import needed_scope

if TYPE_CHECKING:
    import requests

__all__ = ["api_error", "hint_for", "is_not_found", "is_tokens_disabled", "next_step", "scope_hint"]

_PRE = re.compile(r"<pre>(.*?)</pre>", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")
_MAX_MESSAGE = 500
_NOT_FOUND_CODES = frozenset({"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"})

HINT_INVALID_TOKEN = (
    "The token{from_source} is expired, revoked or mistyped: generate a new one "  # noqa: S105 - a message
    "(User Settings > Developer > Access tokens, or %dbtoken generate with another credential) "
    "and save it to the store, or check which store is in use."
)
HINT_DISABLED = (
    "Personal access tokens are disabled in this workspace: your administrator must enable them "
    "(Settings > Advanced > Personal Access Tokens)."
)
HINT_NO_PERMISSION = (
    "You have no permission to use tokens: your administrator must grant you the Can Use permission "
    "on tokens (Settings > Advanced > Personal Access Tokens > Permission Settings)."
)
HINT_FORBIDDEN = "The token{from_source} is valid but lacks permission for this call: ask a workspace admin."
# what to do for every other error status: an error block always ends with a next step (issue 16)
_NEXT_STEPS: dict[int | str, str] = {
    400: "The workspace refused the request as sent: fix the parameter or body the message names "
    "(the REST API reference lists each field), then run it again.",
    "QUOTA_EXCEEDED": "Revoke tokens you no longer use (%dbtoken list, then %dbtoken revoke ID), "
    "then try again.",
    404: "Nothing exists at that path or with that ID: check the path and API version (/api/2.0/..., "
    "/api/2.1/...) and the ID (for tokens: %dbtoken list).",
    409: "It conflicts with what exists already (a name in use, a resource in the wrong state): pick another "
    "name, or wait until the resource is ready, then run it again.",
    429: "The workspace is rate limiting: wait a moment and run it again (idempotent calls were already "
    "retried, honouring Retry-After).",
    500: "The workspace failed on its side: run it again shortly; if it persists, check the Databricks "
    "status page or contact support with the request ID.",
}
HINT_SCOPE = (
    "{lead}this call ({method} {path}) needs the scope {scope}{why}. Get a token with it: "
    "%dbtoken generate --store SPEC --scopes {scope} (or --scopes observed: every API this kernel called), "
    "%dbtoken rotate --scopes observed, or add it to this token with %dbtoken scopes ID --set …,{scope}"
)


def _message_from(response: requests.Response) -> tuple[str, str]:
    text = response.text or ""
    try:
        body = json.loads(text) if text.strip().startswith("{") else None
    except ValueError:
        body = None
    if isinstance(body, dict):
        code = _error_code(body)
        message = str(body.get("message") or body.get("error_description") or body.get("detail") or "")
        return code, message or (response.reason or "")
    match = _PRE.search(text)
    if match:
        return "", html.unescape(_TAGS.sub("", match.group(1))).strip()
    if "<" in text:
        return "", response.reason or ""
    return "", text.strip() or (response.reason or "")


def _error_code(body: dict[str, object]) -> str:
    """The error code as a string. Some front ends send the HTTP status as a number (`{"error_code": 403,
    "message": "Invalid access token."}`, which broke SDK parsing before): then the reason of a
    google.rpc ErrorInfo in `details` names it, if there is one; otherwise the number, as text."""
    raw = body.get("error_code") or body.get("error") or ""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        details = body.get("details")
        for detail in details if isinstance(details, list) else []:
            if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("ErrorInfo"):
                reason = detail.get("reason")
                if isinstance(reason, str) and reason:
                    return reason
        return str(int(raw))
    return str(raw)


def is_tokens_disabled(status: int, message: str) -> bool:
    """The workspace refuses personal access tokens altogether (enableTokensConfig is off)."""
    lowered = message.lower()
    return status == 403 and "token" in lowered and ("disabled" in lowered or "not enabled" in lowered)


def scope_hint(method: str, path: str, message: str, source: str = "") -> str:
    """For a 403 PERMISSION_DENIED: the scope the call needs and the commands that get a token with it;
    "" when the path needs no scope or none we know. The platform's refusal wording is not published, so
    a refusal that does not say "scope" may also be a missing permission: then the hint says both."""
    needed = needed_scope(method, path)
    if not needed:
        return ""
    about_scope = "scope" in message.lower()
    from_source = f" from {source}" if source else ""
    if about_scope:
        lead = f"The token{from_source} lacks permission for this call, its scopes do not allow it: "
    else:
        lead = f"{HINT_FORBIDDEN.format(from_source=from_source)} If the token is scoped, "
    why = f" ({method} is not a read, so {needed}:read is not enough)" if ":" not in needed else ""
    return HINT_SCOPE.format(lead=lead, method=method, path=redact(path), scope=needed, why=why)


def hint_for(
    status: int, error_code: str, message: str, source: str = "", *, method: str = "", path: str = ""
) -> str:
    """What the user should do about a 401/403; empty for other statuses. With the request's `method` and
    `path`, a 403 PERMISSION_DENIED names the scope the call needs."""
    from_source = f" from {source}" if source else ""
    lowered = message.lower()
    if is_tokens_disabled(status, message):
        return HINT_DISABLED
    if status == 403 and "permission to use tokens" in lowered:
        return HINT_NO_PERMISSION
    if status == 401 or (status == 403 and "invalid access token" in lowered):
        return HINT_INVALID_TOKEN.format(from_source=from_source)
    if status == 403 and error_code == "PERMISSION_DENIED" and path:
        hint = scope_hint(method or "GET", path, message, source)
        if hint:
            return hint
    if status == 403:
        return HINT_FORBIDDEN.format(from_source=from_source)
    return ""


def next_step(status: int, error_code: str) -> str:
    """What to do about an error that `hint_for` has no specific hint for (400, 404, 409, 429, 5xx; any
    other 4xx gets the 400 step)."""
    if error_code in _NEXT_STEPS:
        return _NEXT_STEPS[error_code]
    if status >= 500:
        return _NEXT_STEPS[500]
    return _NEXT_STEPS.get(status, _NEXT_STEPS[400] if status >= 400 else "")


def api_error(response: requests.Response, source: str = "") -> ApiError:
    """The redacted ApiError for an error response (status, error_code, message, hint)."""
    code, message = _message_from(response)
    message = redact(message)
    if len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE] + "…"
    sent = response.request
    method, path = (sent.method or "GET", urlsplit(sent.url or "").path) if sent is not None else ("", "")
    hint = hint_for(response.status_code, code, message, source, method=method, path=path)
    return ApiError(response.status_code, code, message, hint)


def is_not_found(error: ApiError) -> bool:
    """The thing asked for does not exist (or no longer does): a 404 or a not-found error code."""
    return error.status == 404 or error.error_code in _NOT_FOUND_CODES
