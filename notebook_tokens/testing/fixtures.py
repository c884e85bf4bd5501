"""pytest plugin (registered through the `pytest11` entry point): `workspace`, `emulator`, `foreign_server`.

Nothing here is mocked: the emulator is a real HTTP server on a 127.0.0.1 socket.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from notebook_tokens.testing.server import EmulatorServer, ForeignServer
from notebook_tokens.testing.workspace import FakeWorkspace


@pytest.fixture
def workspace() -> FakeWorkspace:
    """Fresh per test: admin@example.com (admin), user@example.com, a token each, 30 clusters."""
    return FakeWorkspace(seed="minimal")


@pytest.fixture
def emulator(workspace: FakeWorkspace) -> Iterator[EmulatorServer]:
    """`workspace` served on a free 127.0.0.1 port: `emulator.url`, `emulator.workspace`."""
    with EmulatorServer(workspace) as server:
        yield server


@pytest.fixture
def foreign_server() -> Iterator[ForeignServer]:
    """A second loopback origin that records every request (`.url`, `.requests`) and answers 200 {}."""
    with ForeignServer() as server:
        yield server
