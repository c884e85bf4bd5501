"""A threaded HTTP/1.1 keep-alive server on 127.0.0.1 that hands each request to an app function.

    with EmulatorServer(FakeWorkspace()) as server:
        requests.get(server.url + "/api/2.0/clusters/list", headers=...)

TCP_NODELAY is on: without it every keep-alive answer waits ~40 ms (Nagle's algorithm meets delayed ACK).
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from notebook_tokens.testing.calls import RecordedRequest
from notebook_tokens.testing.replies import Reply
from notebook_tokens.testing.workspace import FakeWorkspace

App = Callable[[str, str, dict[str, list[str]], dict[str, str], bytes], Reply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests assert on recorded requests, not on stderr."""

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, add=False)

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailers
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        headers = dict(self.headers.items())
        reply = self.server.app(self.command, parts.path or "/", query, headers, self._body())
        delay = reply.delay + self.server.latency
        if delay > 0:
            time.sleep(delay)
        if reply.action != "respond":  # "drop" / "lose": close without a byte of answer
            self.close_connection = True
            return
        self._write(reply)

    def _write(self, reply: Reply) -> None:
        """Status line, headers and body in one send: one packet per small answer, no write-write-read."""
        phrase = self.responses.get(reply.status, ("",))[0]
        head = [
            f"HTTP/1.1 {reply.status} {phrase}",
            f"Date: {self.date_time_string()}",
            "Server: notebook-tokens",
        ]
        head += [f"{name}: {value}" for name, value in reply.headers]
        head.append(f"Content-Length: {len(reply.body)}")
        payload = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        if self.command != "HEAD":
            payload += reply.body
        self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, app: App, latency: float) -> None:
        self.app = app
        self.latency = latency
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that gave up (a timeout, a test's dropped connection) is routine: no traceback on stderr
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)

    def track(self, connection: socket.socket, *, add: bool) -> None:
        with self._connections_lock:
            (self._connections.add if add else self._connections.discard)(connection)

    def close_connections(self) -> None:
        """Wake keep-alive handler threads blocked on a read, so stop() leaves nothing serving."""
        with self._connections_lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


class HttpServer:
    """An app served on 127.0.0.1 in a background thread; port 0 picks a free port."""

    def __init__(self, app: App, *, port: int = 0, latency_ms: float = 0) -> None:
        self.app = app
        self._port = port
        self._latency = latency_ms / 1000
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("server not started; call start() or use it as a context manager")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HttpServer:
        if self._server is None:
            self._server = _Server(self._port, self.app, self._latency)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                name=f"emulator:{self.port}",
                kwargs={"poll_interval": 0.05},
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.close_connections()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> HttpServer:  # narrowed in subclasses
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class EmulatorServer(HttpServer):
    """A `FakeWorkspace` served over HTTP: `server.url`, `server.workspace`."""

    def __init__(
        self, workspace: FakeWorkspace | None = None, *, port: int = 0, latency_ms: float = 0
    ) -> None:
        self.workspace = workspace if workspace is not None else FakeWorkspace()
        super().__init__(self.workspace.handle, port=port, latency_ms=latency_ms)

    def __enter__(self) -> EmulatorServer:
        self.start()
        return self


class ForeignServer(HttpServer):
    """Some other origin: records every request (`.requests`) and answers 200 `{}`. For asserting that a
    token is never sent off the workspace origin (redirects, absolute URLs)."""

    def __init__(self, *, port: int = 0) -> None:
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        super().__init__(self._record, port=port)

    def _record(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> Reply:
        with self._lock:
            self.requests.append(RecordedRequest(method.upper(), path, query, dict(headers), body))
        return Reply(200, json.dumps({}).encode(), [("Content-Type", "application/json")])

    def __enter__(self) -> ForeignServer:
        self.start()
        return self
