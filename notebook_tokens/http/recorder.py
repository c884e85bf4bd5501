"""`CallRecorder`: which REST calls this process made (method, path, status, count), for `%dbtoken scopes`.

Every WorkspaceSession reports each answer here (`%dbrest`, `session()`, the extension's own token calls).
The record holds method, path and status only: no host, query, header or body, so no query value, secret
or token is kept; nothing is sent anywhere. A call costs one dict update (the path is cut at "?"), and
distinct paths are capped so a loop over ids cannot grow it without bound.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

__all__ = ["RECORDER", "CallRecorder", "RecordedCall"]

MAX_DISTINCT = 2000  # distinct (method, path, status) kept; later new ones are counted in `dropped`


class RecordedCall(NamedTuple):
    method: str
    path: str
    status: int
    calls: int


class CallRecorder:
    """Counts of (method, path, status), thread-safe (bulk revoke answers on worker threads)."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()
        self.dropped = 0

    def record(self, method: str, url: str, status: int) -> None:
        # the path from a full URL: after scheme://host, before the query (never kept)
        start = url.find("/", url.find("//") + 2) if "//" in url else 0
        end = url.find("?", start)
        path = url[start:end] if end >= 0 else url[start:]
        key = (method.upper(), path or "/", status)
        with self._lock:
            if key in self._counts:
                self._counts[key] += 1
            elif len(self._counts) < MAX_DISTINCT:
                self._counts[key] = 1
            else:
                self.dropped += 1

    def calls(self) -> list[RecordedCall]:
        with self._lock:
            items = list(self._counts.items())
        return [RecordedCall(m, p, s, n) for (m, p, s), n in sorted(items, key=lambda i: (i[0][1], i[0][0]))]

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self.dropped = 0


RECORDER = CallRecorder()  # the kernel's record: one per process
