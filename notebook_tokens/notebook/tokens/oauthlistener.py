"""Catch the sign-in's redirect on http://localhost:PORT, when the kernel runs on the user's machine."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

__all__ = ["wait_for_redirect"]

_PAGE = (
    b"<html><body><h1>Signed in</h1><p>You can close this tab and return to the notebook.</p></body></html>"
)


def wait_for_redirect(port: int, timeout: float = 300.0) -> str | None:
    """The address of the first request to localhost:PORT within `timeout`; None if the port is taken or
    nothing came (the caller then asks for the address instead)."""
    landed: list[str] = []

    class _Catch(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            landed.append(f"http://localhost:{port}{self.path}")
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(_PAGE)))
            self.end_headers()
            self.wfile.write(_PAGE)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the address holds the sign-in code."""

    try:
        server = HTTPServer(("127.0.0.1", port), _Catch)
    except OSError:
        return None
    with server:
        server.timeout = timeout
        server.handle_request()
    return landed[0] if landed else None
