"""`WorkspaceAuth`: adds a workspace's Authorization header, only to requests for that workspace's origin.

Like requests' own `HTTPBasicAuth`, it holds just what it needs: a header provider and an origin check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from requests.auth import AuthBase

from notebook_tokens.core.errors import ForeignOriginError
from notebook_tokens.core.hosts import outside_message

if TYPE_CHECKING:
    import requests

__all__ = ["WorkspaceAuth"]


class WorkspaceAuth(AuthBase):
    """requests auth: `__call__(r)` refuses a request outside the origin, else sets the header."""

    def __init__(
        self, host: str, headers: Callable[[], dict[str, str]], is_ours: Callable[[str], bool]
    ) -> None:
        self.host, self._headers, self._is_ours = host, headers, is_ours

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        url = r.url or ""
        if not self._is_ours(url):
            r.headers.pop("Authorization", None)
            raise ForeignOriginError(outside_message(url, self.host))
        r.headers.update(self._headers())
        return r

    def __repr__(self) -> str:
        return f"WorkspaceAuth({self.host!r})"
