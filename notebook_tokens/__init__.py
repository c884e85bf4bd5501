"""notebook-tokens: Databricks REST calls and personal access tokens from notebooks, never leaking the token.

`%load_ext notebook_tokens` registers `%dbrest` / `%%dbrest` and `%dbtoken`.
Importing this package is cheap:
requests, databricks-sdk and ipywidgets are imported only when first needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notebook_tokens.redact import Token

if TYPE_CHECKING:
    from notebook_tokens.transport import WorkspaceSession

__all__ = ["Token", "__version__", "load_ipython_extension", "session", "unload_ipython_extension"]
__version__ = "0.1.0"


def session(
    host: str | None = None, *, store: str | None = None, profile: str | None = None, **options: Any
) -> WorkspaceSession:
    """A `requests.Session` for the workspace: relative paths, the bearer injected per request, only to
    the workspace origin. Arguments as for `notebook_tokens.credentials.credentials`."""
    from notebook_tokens.transport import session as _session

    return _session(host, store=store, profile=profile, **options)


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext notebook_tokens`."""
    from notebook_tokens.extension import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """`%unload_ext notebook_tokens`: removes the magics, the input transformer and the output redaction."""
    from notebook_tokens.extension import unload

    unload(ipython)
