"""`WorkspaceSession`: a requests.Session that can only talk to its workspace.

- relative paths join the workspace host; any other origin raises ForeignOriginError before sending;
- the bearer is added per request by `WorkspaceAuth`, which checks the request's origin, and is never
  kept in `session.headers`; requests' netrc lookup is off (trust_env=False) while proxies and the CA
  bundle from the environment are read once per session;
- redirects are followed only inside the origin; verify=False and plain http (except loopback) are refused;
- default timeouts, retries with backoff honouring Retry-After (a POST only when it never left).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any
from urllib.parse import urljoin

import requests
from requests.utils import get_environ_proxies

from notebook_tokens.core import logredact
from notebook_tokens.core.apierrors import api_error
from notebook_tokens.core.errors import ForeignOriginError, InputError, InsecureTransportError
from notebook_tokens.core.hosts import (
    OriginCheck,
    is_loopback,
    normalize_host,
    outside_message,
    redirect_message,
)
from notebook_tokens.core.redact import redact
from notebook_tokens.credentials.chain import credentials as resolve_credentials
from notebook_tokens.credentials.creds import Credentials, check_binding
from notebook_tokens.http import paging
from notebook_tokens.http.auth import WorkspaceAuth
from notebook_tokens.http.errors import transport_error
from notebook_tokens.http.oauth import post_form
from notebook_tokens.http.recorder import RECORDER
from notebook_tokens.http.retrying import RetryPolicy, request_path, send_with_retries
from notebook_tokens.http.timeouts import timeout_object

__all__ = ["DEFAULT_TIMEOUT", "WorkspaceSession", "credentials", "session"]

logger = logging.getLogger(__name__)
logredact.install()
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)
# requests.Session.request's parameters after `url`, in order: positional ones are named before checking
_REQUEST_ARGS = (
    "params", "data", "headers", "cookies", "files", "auth", "timeout", "allow_redirects", "proxies", "hooks",
    "stream", "verify", "cert", "json",
)


class WorkspaceSession(requests.Session):
    """A requests.Session bound to one workspace origin; see the module docstring for the guarantees."""

    def __init__(
        self,
        creds: Credentials,
        *,
        timeout: float | tuple[float, float] | None = DEFAULT_TIMEOUT,
        retries: int = 3,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__()
        # Off: requests would replace our bearer with Basic auth from ~/.netrc (and send a netrc `default`
        # entry to any host). Proxies and the CA bundle are merged from the environment below instead.
        self.trust_env = False
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self._timeout_object: tuple[Any, Any] | None = None
        self.retry_policy = retry_policy or RetryPolicy(retries=retries)
        self._sleep = sleep
        # foreign redirect targets seen by rebuild_auth, so send() can say which answer redirected there
        self._foreign_redirects: dict[str, tuple[int, str]] = {}
        self._creds = creds = _normalized(creds)
        self._is_ours = self._check_host(creds.host)
        self._apply_environment()
        self.auth = WorkspaceAuth(creds.host, creds.headers, self._is_ours)
        self.headers["User-Agent"] = "notebook-tokens/0.1 " + str(self.headers.get("User-Agent", ""))

    # -- identity -------------------------------------------------------------------------------
    @property
    def host(self) -> str:
        return self._creds.host

    @property
    def credentials(self) -> Credentials:
        return self._creds

    @property
    def source(self) -> str:
        return self._creds.source

    def use(self, creds: Credentials) -> None:
        """Send requests with these credentials from now on (token rotation, another store). They must be
        for this session's workspace: a session never changes host, so a credential never follows it."""
        creds = _normalized(creds)
        check_binding(creds, self.host)
        check = self._check_host(creds.host)
        self._creds, self._is_ours = creds, check
        self.auth = WorkspaceAuth(creds.host, creds.headers, check)
        self._apply_environment()

    def __repr__(self) -> str:
        return f"<WorkspaceSession {self.host} via {self.source}>"

    def _check_host(self, host: str) -> OriginCheck:
        try:
            check = OriginCheck(host)
        except ValueError:
            raise InputError(f"{redact(host)} is not a workspace URL: expected https://<host>.") from None
        origin = check.origin
        if origin[0] == "http" and not is_loopback(origin[1]):
            raise InsecureTransportError(
                f"Refusing plain http:// to {origin[1]}: the token would travel unencrypted. "
                "Use https:// (plain http is allowed only to localhost / 127.0.0.1, e.g. the emulator)."
            )
        return check

    def _apply_environment(self) -> None:
        # what trust_env would do per request (about 150 us each), done once per session
        self.proxies = dict(get_environ_proxies(self.host, no_proxy=None))
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            self.verify = bundle

    # -- requests.Session overrides ------------------------------------------------------------------
    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        text = url.decode() if isinstance(url, bytes) else str(url)
        if text.startswith("/") and not text.startswith("//"):
            absolute = self.host + text
        else:
            absolute = urljoin(self.host + "/", text)
        if not self._is_ours(absolute):
            raise ForeignOriginError(outside_message(absolute, self.host))
        if len(args) > len(_REQUEST_ARGS):
            raise TypeError(f"request() takes at most {len(_REQUEST_ARGS) + 2} positional arguments")
        for name, value in zip(_REQUEST_ARGS, args, strict=False):  # usually fewer args than names
            if name in kwargs:
                raise TypeError(f"request() got multiple values for argument {name!r}")
            kwargs[name] = value
        if kwargs.get("auth") is not None:
            raise InputError("auth= is not accepted: the session adds the workspace credentials itself.")
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._built_timeout()
        return super().request(method, absolute, **kwargs)

    def _built_timeout(self) -> Any:
        # requests makes a validated urllib3 Timeout of a (connect, read) tuple on every call: once per value
        built = self._timeout_object
        if built is None or built[0] != self.timeout:
            built = self._timeout_object = (self.timeout, timeout_object(self.timeout))
        return built[1]

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        """On a redirect: drop every credential, then re-add ours only when the target is our origin."""
        prepared_request.headers.pop("Authorization", None)
        url = prepared_request.url or ""
        if self._is_ours(url):
            prepared_request.headers.update(self._creds.headers())
        else:
            if len(self._foreign_redirects) > 32:
                self._foreign_redirects.clear()
            sent = response.request
            self._foreign_redirects[url] = (
                response.status_code,
                f"{sent.method} {request_path(sent)}" if sent else "a request",
            )

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = request.url or ""
        if not self._is_ours(url):
            request.headers.pop("Authorization", None)
            raise ForeignOriginError(self._redirect_message(url) or outside_message(url, self.host))
        if kwargs.get("verify") is False or self.verify is False:
            raise InsecureTransportError(
                "Refusing verify=False: without TLS verification anyone on the path could read the token. "
                "Point REQUESTS_CA_BUNDLE (or verify=) at your CA bundle instead."
            )
        response = send_with_retries(
            partial(super().send, request, **kwargs), request, self._creds, policy=self.retry_policy,
            sleep=self._sleep,
        )
        # for %dbtoken scopes: method, path and status only (a followed redirect: this hop's own status)
        first = response.history[0] if response.history else response
        RECORDER.record(request.method or "GET", url, first.status_code)
        return response

    def _redirect_message(self, url: str) -> str:
        redirect = self._foreign_redirects.get(url)
        return redirect_message(url, self.host, *redirect) if redirect else ""

    # -- conveniences ------------------------------------------------------------------------------
    def api(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        timeout: float | tuple[float, float] | None = None,
    ) -> Any:
        """Send, raise ApiError (redacted, with a hint) on an HTTP error, return the parsed JSON body."""
        try:
            response = self.request(method, path, json=json, params=params, timeout=timeout)
        except requests.exceptions.RequestException as exc:
            raise transport_error(exc, self.host, method, path) from exc
        if response.status_code >= 400:
            raise api_error(response, self.source)
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            return response.text

    def iter_pages(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        max_pages: int | None = None,
    ) -> Iterator[requests.Response]:
        """Each page's response, following next_page_token -> page_token (or has_more with offset)."""
        return paging.iter_pages(self, method, path, params=params, json=json, max_pages=max_pages)

    def paginate(
        self, path: str, items_key: str, *, max_pages: int | None = None, **params: Any
    ) -> Iterator[Any]:
        """Every item under `items_key` across all pages of a GET."""
        return paging.paginate(self, path, items_key, max_pages=max_pages, **params)


def _normalized(creds: Credentials) -> Credentials:
    """`creds` with a normalised host; HostBindingError (nothing sent) when they were issued for another
    workspace, so the host-binding rule holds for hand-built Credentials too."""
    host = normalize_host(creds.host)
    check_binding(creds, host)
    return creds if host == creds.host else dataclasses.replace(creds, host=host)


def credentials(host: str | None = None, **options: Any) -> Credentials:
    """The credential chain (`notebook_tokens.credentials.chain.credentials`), able to read a secret store
    outside a notebook through a WorkspaceSession on another credential of the host."""
    return resolve_credentials(host, session_factory=WorkspaceSession, post_form=post_form, **options)


def session(
    host: str | None = None,
    *,
    store: Any = None,
    profile: str | None = None,
    timeout: float | tuple[float, float] | None = None,
    **kw: Any,
) -> WorkspaceSession:
    """A WorkspaceSession for the credentials `credentials(host, store=, profile=)` resolves."""
    creds = credentials(
        host, store=store, profile=profile, environ=kw.pop("environ", None), dbutils=kw.pop("dbutils", None)
    )
    return WorkspaceSession(creds, timeout=timeout, **kw)
