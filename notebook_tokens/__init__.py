"""notebook-tokens: Databricks REST calls and personal access tokens from notebooks, never leaking the token.

`%load_ext notebook_tokens` registers `%dbrest` / `%%dbrest` and `%dbtoken`. The public surface is this
module: `session()`, `Token`, `TokenManager`, `parse_store` and the extension hooks. Importing it is cheap:
requests, databricks-sdk and ipywidgets are imported only when first needed.

Layers, each importing only those below it (a contract in `make test` keeps it so):
    programs/ -> notebook/ -> lifecycle/ -> http/ -> credentials/ -> core/;  testing/ stands alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notebook_tokens.core.redact import Token

if TYPE_CHECKING:
    from notebook_tokens.credentials.stores.specs import parse_store
    from notebook_tokens.http.workspace import WorkspaceSession
    from notebook_tokens.lifecycle.tokens import TokenManager

__all__ = [
    "Token", "TokenManager", "__version__", "load_ipython_extension", "parse_store", "session",
    "unload_ipython_extension",
]
__version__ = "0.1.0"


def session(
    host: str | None = None, *, store: str | None = None, profile: str | None = None, **options: Any
) -> WorkspaceSession:
    """A `requests.Session` for the workspace: relative paths, the bearer injected per request, only to
    the workspace origin. Arguments as for `notebook_tokens.http.workspace.credentials`."""
    from notebook_tokens.http.workspace import session as _session

    return _session(host, store=store, profile=profile, **options)


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext notebook_tokens`."""
    from notebook_tokens.notebook.extension import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """`%unload_ext notebook_tokens`: removes the magics, the input transformer and the output redaction."""
    from notebook_tokens.notebook.extension import unload

    unload(ipython)


def __getattr__(name: str) -> Any:
    # lazy, so that `import notebook_tokens` stays cheap
    if name == "TokenManager":
        from notebook_tokens.lifecycle.tokens import TokenManager

        return TokenManager
    if name == "parse_store":
        from notebook_tokens.credentials.stores.specs import parse_store

        return parse_store
    raise AttributeError(f"module 'notebook_tokens' has no attribute {name!r}")
