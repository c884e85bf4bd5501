"""When and how long to wait before retrying a request: Retry-After, backoff with jitter, and which
failures prove a request never left (so that even a POST may be sent again)."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from notebook_tokens.core.redact import redact

if TYPE_CHECKING:
    import requests

    from notebook_tokens.credentials.creds import Credentials

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRY_STATUSES",
    "RetryPolicy",
    "never_sent",
    "parse_retry_after",
    "request_path",
    "retry_calls",
    "send_with_retries",
]

logger = logging.getLogger("notebook_tokens.http.workspace")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES = frozenset({429, 503})


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def never_sent(exc: BaseException) -> bool:
    """True when the failure happened while connecting: the request provably never reached the server."""
    from requests.exceptions import ConnectTimeout

    # Only names that urllib3 1.26 (Databricks Runtime up to 16.4) and 2.x both have: this import runs while a
    # request is failing, so a missing name would replace the real error. urllib3 2's NameResolutionError (a
    # name that does not resolve) subclasses NewConnectionError; 1.26 raises NewConnectionError itself.
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    if isinstance(exc, ConnectTimeout):
        return True
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (NewConnectionError, ConnectTimeoutError)):
            return True
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
        stack.extend(arg for arg in current.args if isinstance(arg, BaseException))
        stack.append(current.__cause__)
        stack.append(current.__context__)
    return False


@dataclass(frozen=True)
class RetryPolicy:
    """`retries` extra attempts; exponential backoff with full jitter; Retry-After honoured up to a cap."""

    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 30.0

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to sleep before attempt number `attempt + 1` (attempt counts from 0)."""
        told = parse_retry_after(retry_after)
        if told is not None:
            # a little jitter on top, never below what the server asked for
            return min(told, self.max_retry_after) + random.uniform(0, 0.1)  # noqa: S311 - jitter, not crypto
        ceiling = min(self.max_backoff, self.backoff * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not crypto

    def should_retry_status(self, method: str, status: int) -> bool:
        return status in RETRY_STATUSES and method.upper() in IDEMPOTENT_METHODS

    def should_retry_error(self, method: str, exc: BaseException) -> bool:
        from requests.exceptions import ConnectionError as RequestsConnectionError

        if never_sent(exc):
            return True
        return isinstance(exc, RequestsConnectionError) and method.upper() in IDEMPOTENT_METHODS


def retry_calls(
    call: Callable[[], requests.Response],
    *,
    method: str,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    describe: Callable[[], str],
) -> requests.Response:
    """`call()` until it answers something not worth retrying, or the retry budget is spent."""
    from requests.exceptions import RequestException

    attempt = 0
    while True:
        try:
            response = call()
        except RequestException as exc:
            if attempt >= policy.retries or not policy.should_retry_error(method, exc):
                raise
            delay, reason = policy.delay(attempt), type(exc).__name__
        else:
            if attempt >= policy.retries or not policy.should_retry_status(method, response.status_code):
                return response
            retry_after = response.headers.get("Retry-After")
            if (parse_retry_after(retry_after) or 0) > policy.max_retry_after:
                return response  # the server asks for a long pause: hand its answer back rather than stall
            delay, reason = policy.delay(attempt, retry_after), str(response.status_code)
            response.close()
        logger.debug("retrying %s after %s in %.1f s", describe(), reason, delay)
        attempt += 1
        sleep(delay)


def send_with_retries(
    send: Callable[[], requests.Response],
    request: requests.PreparedRequest,
    creds: Credentials,
    *,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
) -> requests.Response:
    """`send()` (which sends `request`) under `policy`, when its body can be sent again; and when an OAuth
    access token expired under us (a clock skew, a revoked grant), one new token from `creds`, one retry."""
    replayable = request.body is None or isinstance(request.body, (bytes, str))
    method = (request.method or "GET").upper()
    policy = policy if replayable else RetryPolicy(retries=0)

    def describe() -> str:
        return f"{request.method} {request_path(request)}"

    response = retry_calls(send, method=method, policy=policy, sleep=sleep, describe=describe)
    invalidate = getattr(creds.provider, "invalidate", None)
    if replayable and invalidate is not None and _says_expired(response):
        invalidate()
        request.headers.update(creds.headers())
        response.close()
        response = retry_calls(send, method=method, policy=policy, sleep=sleep, describe=describe)
    return response


def request_path(request: requests.PreparedRequest) -> str:
    """The request's URL path, redacted: how log lines and messages name a request."""
    return redact(urlsplit(request.url or "").path)


def _says_expired(response: requests.Response) -> bool:
    """A 401/403 whose body says the token expired (the platform: 401 "Token is expired", FACTS.md)."""
    if response.status_code not in (401, 403):
        return False
    return "expired" in response.text[:4000].lower()
