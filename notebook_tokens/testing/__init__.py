"""A local Databricks workspace for tests and the demo (the project's embedded default, like SQLite).

    from notebook_tokens.testing import FakeWorkspace, EmulatorServer
    ws = FakeWorkspace(seed="minimal")
    with EmulatorServer(ws) as server:
        ...  # DATABRICKS_HOST=server.url, DATABRICKS_TOKEN=ws.admin_token

`FakeWorkspace.handle()` is the HTTP API without sockets; `ws.faults` injects 429/503, delays, lost
answers, dropped connections and redirects; `ws.requests` records everything received.
"""

from __future__ import annotations

from notebook_tokens.testing.calls import RecordedRequest
from notebook_tokens.testing.faults import FaultRule, Faults
from notebook_tokens.testing.replies import ApiProblem, Reply
from notebook_tokens.testing.server import EmulatorServer, ForeignServer, HttpServer
from notebook_tokens.testing.workspace import FakeWorkspace

__all__ = [
    "ApiProblem",
    "EmulatorServer",
    "FakeWorkspace",
    "FaultRule",
    "Faults",
    "ForeignServer",
    "HttpServer",
    "RecordedRequest",
    "Reply",
]
