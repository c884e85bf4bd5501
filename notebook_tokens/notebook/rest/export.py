"""`%dbrest --as curl | python | sdk`: the same request as a shell command or Python code; nothing is sent.

`$var` values are already in the request (IPython expands the line, `parse_request` the body). The
token never is: curl reads it from the netrc store the credential came from (`-n` / `--netrc-file`) or from
`$DATABRICKS_TOKEN` in the shell; the Python forms resolve credentials themselves when they run. Any token
that a body holds is redacted (the snippet is output, and may be pasted into a job's source).
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from notebook_tokens.core.redact import redact
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.credentials.stores.netrcstore import NetrcStore, default_netrc_path
from notebook_tokens.credentials.stores.securefile import absolute
from notebook_tokens.notebook.rest.parse import RestRequest

Bundle = dict[str, Any]
__all__ = ["FORMATS", "Snippet", "Where", "export", "where_of"]

FORMATS = ("curl", "python", "sdk")
_BODIES = frozenset({"json", "body"})
_BEARER_FROM_ENV = '"Authorization: Bearer $DATABRICKS_TOKEN"'  # double quotes: the shell expands it


@dataclass(frozen=True)
class Where:
    """Where the request goes and where its credential is kept, without the credential itself."""

    host: str
    netrc: Path | None = None  # the netrc file the credential came from, if it did
    default_netrc: bool = False  # that file is ~/.netrc, which `curl -n` reads
    store: str | None = None  # the --store / --profile the user named, repeated in the Python forms
    profile: str | None = None


def where_of(creds: Credentials, store: str | None, profile: str | None) -> Where:
    """The `Where` of a resolved credential: its host, and its netrc file when it came from one."""
    netrc = creds.store.path if isinstance(creds.store, NetrcStore) else None
    default = netrc is not None and netrc == absolute(default_netrc_path())
    return Where(creds.host, netrc, default, store, profile)


@dataclass(frozen=True)
class Snippet:
    """Code to copy: `str(snippet)` is the code; notebooks show it highlighted."""

    language: str
    code: str

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return self.code

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[Bundle, Bundle]:
        return {"text/plain": self.code, "text/markdown": f"```{self.language}\n{self.code}\n```"}, {}


def export(form: str, request: RestRequest, where: Where) -> Snippet:
    if form == "curl":
        return Snippet("bash", redact(_curl(request, where)))
    if form == "python":
        return Snippet("python", redact(_python(request, where)))
    return Snippet("python", redact(_sdk(request, where)))


def _url(request: RestRequest, host: str) -> str:
    url = request.path if "://" in request.path else host.rstrip("/") + request.path
    return url + (f"?{urlencode(request.params)}" if request.params else "")


def _curl(request: RestRequest, where: Where) -> str:
    words = ["curl", "-sS", "--fail-with-body"]
    if request.method == "HEAD":
        words.append("--head")  # -X HEAD would wait for a body that never comes
    elif request.method != "GET":
        words += ["-X", request.method]
    if where.netrc is not None:
        words += ["-n"] if where.default_netrc else ["--netrc-file", shlex.quote(str(where.netrc))]
    else:
        words += ["-H", _BEARER_FROM_ENV]
    for name, value in request.headers.items():
        words += ["-H", shlex.quote(f"{name}: {value}")]
    if request.has_body:
        words += ["-H", shlex.quote("Content-Type: application/json")]
        words += ["-d", shlex.quote(json.dumps(request.body, ensure_ascii=False))]
    words.append(shlex.quote(_url(request, where.host)))
    return " ".join(words)


def _keywords(pairs: list[tuple[str, Any]]) -> str:
    """`, params=[...], json={...}`: empty query and header lists left out, a body kept even when {}."""
    return "".join(
        f", {name}={value!r}" for name, value in pairs if value or (name in _BODIES and value is not None)
    )


def _python(request: RestRequest, where: Where) -> str:
    arguments = [repr(where.host)]
    if where.store:
        arguments.append(f"store={where.store!r}")
    if where.profile:
        arguments.append(f"profile={where.profile!r}")
    call = _keywords([("params", request.params), ("headers", dict(request.headers)), ("json", request.body)])
    return "\n".join(
        [
            "import notebook_tokens",
            "",
            f"db = notebook_tokens.session({', '.join(arguments)})",
            f"response = db.request({request.method!r}, {request.path!r}{call})",
            "response.raise_for_status()",
            "data = response.json() if response.content else None",
            "print(data)",
        ]
    )


def _query(params: list[tuple[str, str]]) -> dict[str, Any]:
    query: dict[str, Any] = {}
    for name, value in params:  # a repeated name becomes a list, which the SDK sends as repeated names
        if name in query:
            previous = query[name]
            query[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            query[name] = value
    return query


def _sdk(request: RestRequest, where: Where) -> str:
    client = f"profile={where.profile!r}" if where.profile else f"host={where.host!r}"
    call = _keywords(
        [("query", _query(request.params)), ("headers", dict(request.headers)), ("body", request.body)]
    )
    return "\n".join(
        [
            "from databricks.sdk import WorkspaceClient",
            "",
            f"w = WorkspaceClient({client})  # the SDK finds the credentials",
            f"data = w.api_client.do({request.method!r}, {request.path!r}{call})",
            "print(data)",
        ]
    )
