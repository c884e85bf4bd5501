"""What the API index says about a request: did you mean, the methods a path takes, `%dbrest --doc`.

- Before sending (`presend_note`): a path that matches no known template and no prefix of one, or a method
  the path does not take, gets a note, and the request is still sent: the index holds what the installed
  databricks-sdk calls, and a workspace serves more (previews, older versions, new APIs). This check uses
  the index only when it is already cached, so a call never waits for a first build.
- After a `404 ENDPOINT_NOT_FOUND` (what the platform, and the emulator, answer for an unknown
  `METHOD path`): the same advice as the error's hint, building the index if need be.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from notebook_tokens.core.apiindex import ApiIndex, Endpoint
from notebook_tokens.core.errors import InputError
from notebook_tokens.notebook.rest import apicache

Bundle = dict[str, Any]
__all__ = ["ApiDoc", "api_doc", "not_found_hint", "presend_note"]

_NOT_FOUND_CODES = frozenset({"ENDPOINT_NOT_FOUND", "METHOD_NOT_ALLOWED"})


def advice(index: ApiIndex, method: str, path: str) -> str:
    """ "did you mean …" for an unknown path, "… takes GET, PATCH" for a wrong method, "" otherwise."""
    path = urlsplit(path).path or "/"
    methods = index.methods(path, closest=True)
    if methods:
        return "" if method in methods else f"{path} takes {', '.join(methods)}, not {method}."
    if index.is_known(path):  # a prefix of known paths: nothing to correct yet
        return ""
    close = index.suggest(path)
    return f"Did you mean {_either(close)}?" if close else ""


def _either(paths: list[str]) -> str:
    return paths[0] if len(paths) == 1 else ", ".join(paths[:-1]) + " or " + paths[-1]


def presend_note(method: str, path: str) -> str:
    """A note to show before sending, from the cached index only (never builds it)."""
    index = apicache.cached_index()
    if index is None or not len(index) or not path.startswith("/"):
        return ""
    found = advice(index, method, path)
    return (
        f"{method} {path} is not in the API index of databricks-sdk {index.sdk_version}. {found} "
        "Sending it anyway."
        if found
        else ""
    )


def not_found_hint(status: int, error_code: str, method: str, path: str) -> str:
    """The hint for an error answer that says the endpoint does not exist; "" for any other error."""
    if not (status in (404, 405) and error_code in _NOT_FOUND_CODES):
        return ""
    return advice(apicache.index(), method, path)


@dataclass(frozen=True)
class ApiDoc:
    """`%dbrest --doc PATH`: the endpoints of a path, their summaries and parameters."""

    path: str
    endpoints: tuple[Endpoint, ...]
    sdk_version: str = ""

    def text(self) -> str:
        blocks = []
        for endpoint in self.endpoints:
            lines = [f"{endpoint.method} {endpoint.template}"]
            if endpoint.summary:
                lines.append(f"  {endpoint.summary}")
            for label, names in (
                ("path", endpoint.path_params),
                ("query", endpoint.query),
                ("body", endpoint.body),
            ):
                if names:
                    lines.append(f"  {label}: {', '.join(names)}")
            blocks.append("\n".join(lines))
        source = f"(from databricks-sdk {self.sdk_version})" if self.sdk_version else ""
        return "\n\n".join(blocks) + (f"\n\n{source}" if source else "")

    def __repr__(self) -> str:
        return self.text()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[Bundle, Bundle]:
        return {"text/plain": self.text()}, {}


def api_doc(method: str | None, path: str) -> ApiDoc:
    """The doc of `path` (all its methods, or `method`'s); InputError with did-you-mean when unknown."""
    index = apicache.index()
    if not len(index):
        raise InputError("--doc needs databricks-sdk installed: the API index is read from its source")
    found = index.endpoints_for(urlsplit(path).path)
    if method is not None:
        chosen = [e for e in found if e.method == method]
        if not chosen and found:
            raise InputError(advice(index, method, path))
        found = chosen
    if not found:
        close = index.suggest(path)
        hint = f" Did you mean {_either(close)}?" if close else ""
        raise InputError(f"{path} is not in the API index of databricks-sdk {index.sdk_version}.{hint}")
    order = {m: i for i, m in enumerate(("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"))}
    found.sort(key=lambda e: order.get(e.method, 9))
    return ApiDoc(path, tuple(found), index.sdk_version)
