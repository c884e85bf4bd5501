"""The Databricks notebook context: `dbutils` from the notebook namespace, its API URL and token."""

from __future__ import annotations

import sys
from typing import Any

from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.creds import Credentials

__all__ = ["context_credentials", "find_dbutils", "notebook_context"]


def find_dbutils() -> Any:
    """The `dbutils` the Databricks runtime put in the notebook's namespace, None outside Databricks."""
    found = getattr(sys.modules.get("__main__"), "dbutils", None)
    ipython = sys.modules.get("IPython")  # only when already imported: never import IPython here
    if found is None and ipython is not None:
        shell = ipython.get_ipython()
        found = shell.user_ns.get("dbutils") if shell is not None else None
    return found


def notebook_context(dbutils: Any) -> tuple[str, Any]:
    """(apiUrl, context) of the Databricks notebook the code runs in."""
    context = dbutils.notebook.entry_point.getDbutils().notebook().getContext()
    return str(context.apiUrl().get()), context


def context_credentials(host: str | None, dbutils: Any) -> Credentials | str:
    try:
        api_url, context = notebook_context(dbutils)
        first = Token(str(context.apiToken().get()))
    except Exception as exc:  # py4j errors have no importable type here
        return f"the notebook context has no API URL/token ({type(exc).__name__})"
    context_host = normalize_host(api_url)
    if host and host != context_host:
        return f"the notebook runs in another workspace ({context_host})"

    def provider() -> dict[str, str]:  # the context token is refreshed by the runtime: read it per request
        return {"Authorization": "Bearer " + Token(str(context.apiToken().get())).reveal()}

    return Credentials(
        context_host, "Databricks notebook context", first, None, provider, issued_for=context_host
    )
