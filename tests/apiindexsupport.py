"""Shared set-up for the API index tests: one index built per test session from the installed SDK.

Every test has its own HOME (conftest.py), so without this each would rebuild the index (about a second).
The builder is the real one; only where its cache file lives is shared.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from notebook_tokens.notebook.rest import apicache


@pytest.fixture(scope="session")
def api_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An XDG_CACHE_HOME holding the API index of the installed databricks-sdk, built once."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    try:
        assert len(apicache.index()) > 250  # 319 endpoints in databricks-sdk 0.1.6 (DBR 14.3); 1,000+ today
    finally:
        if previous is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = previous
    yield folder


@pytest.fixture
def api_cache(api_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """XDG_CACHE_HOME pointing at the shared, already built index."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(api_cache_dir))
    return api_cache_dir
