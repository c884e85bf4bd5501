"""The API index of the installed databricks-sdk, built at first use and cached per SDK version.

    $XDG_CACHE_HOME/notebook-tokens/api-index-<sdk version>.json     (default ~/.cache/...)

The SDK's files are found with `importlib.util.find_spec` and read as text: `databricks.sdk` is never
imported (it costs a second). `index()` builds when there is no cache (about a second, once per SDK
version); `cached_index()` never builds, for the paths that must stay cheap (every `%dbrest` call).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import threading
from collections.abc import Mapping
from pathlib import Path

from notebook_tokens.core.apiindex import ApiIndex

__all__ = ["cache_path", "cached_index", "index", "sdk_location", "sdk_version"]

_VERSION = re.compile(r"""__version__\s*=\s*["']([^"']+)["']""")
_SAFE_VERSION = re.compile(r"[^A-Za-z0-9._+-]")
_loaded: dict[Path, ApiIndex] = {}  # per cache file: a test (or a user) changing XDG_CACHE_HOME gets its own
_missing: set[Path] = set()
_lock = threading.Lock()
_EMPTY = ApiIndex([])


def sdk_location() -> Path | None:
    """The folder of the installed `databricks.sdk` package, found without importing it."""
    try:
        spec = importlib.util.find_spec("databricks.sdk")  # imports only the `databricks` namespace
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return Path(locations[0]) if locations else None


def sdk_version(location: Path) -> str:
    try:
        match = _VERSION.search((location / "version.py").read_text(encoding="utf-8"))
    except OSError:
        return "unknown"
    return _SAFE_VERSION.sub("_", match[1]) if match else "unknown"


def cache_path(version: str, environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".cache")
    return Path(base) / "notebook-tokens" / f"api-index-{version}.json"


@functools.cache
def _installed() -> tuple[Path, str] | None:
    # once per process: find_spec walks sys.path, too slow for every call (an upgraded SDK needs a new
    # kernel anyway, its modules being imported already)
    location = sdk_location()
    return None if location is None else (location, sdk_version(location))


def _where() -> tuple[Path, Path, str] | None:
    installed = _installed()
    if installed is None:
        return None
    location, version = installed
    return location, cache_path(version), version


def cached_index() -> ApiIndex | None:
    """The index if it is in memory or on disk; None otherwise (nothing is built)."""
    where = _where()
    if where is None:
        return None
    _, path, _ = where
    with _lock:
        if path in _loaded:
            return _loaded[path]
        if path in _missing:
            return None
        loaded = _read(path)
        if loaded is None:
            _missing.add(path)  # not read again on every call; index() clears it when it builds
        else:
            _loaded[path] = loaded
        return loaded


def index() -> ApiIndex:
    """The index, built from the SDK's source and cached when there is none; empty without the SDK."""
    where = _where()
    if where is None:
        return _EMPTY
    location, path, version = where
    with _lock:
        if path in _loaded:
            return _loaded[path]
        built = _read(path)
        if built is None:
            from notebook_tokens.notebook.rest.apiscan import scan_files  # lazy: only a build needs ast

            built = ApiIndex(scan_files((location / "service").glob("*.py")), version)
            _write(path, built)
        _loaded[path] = built
        _missing.discard(path)
        return built


def _read(path: Path) -> ApiIndex | None:
    try:
        return ApiIndex.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):  # missing, torn or from another format: rebuild
        return None


def _write(path: Path, built: ApiIndex) -> None:
    """Write atomically (two kernels may build at once); a cache that cannot be written is only slower."""
    import tempfile  # lazy: only a build writes

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=".api-index-", delete=False
        ) as handle:
            json.dump(built.to_json(), handle, separators=(",", ":"))
        os.replace(handle.name, path)
    except OSError:
        return
