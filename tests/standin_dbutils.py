"""A stand-in for the Databricks runtime's `dbutils`, for kernels that run outside Databricks.

It stands in for the runtime: inside a Databricks notebook the platform puts `dbutils` into the user
namespace; here an IPython startup file (written by `notebook_runner`) calls `install()`, which does the
same. Only what notebook-tokens touches is provided, with the documented shapes:

- `dbutils.secrets.get(scope, key) -> str`, `getBytes`, `list(scope)` (objects with `.key`),
  `listScopes()` (objects with `.name`). The values come live from the emulator's secrets state through
  its `GET /api/2.0/secrets/get` (the REST call the real utilities stand on), sent with the context token.
- `dbutils.notebook.entry_point.getDbutils().notebook().getContext()` with `apiUrl().get()` and
  `apiToken().get()` (Scala `Option`s: `get`, `getOrElse`, `isDefined`).

Its configuration is a JSON file named by `NT_STANDIN_DBUTILS` (`api_url`, `api_token`, `log`). Every call
is appended to the `log` file as one JSON line naming the method and the scope / key, never a value, so a
test can prove the extension went through `dbutils.secrets.get`.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

USER_AGENT = "standin-dbutils/1.0"


@dataclass(frozen=True)
class SecretMetadata:
    key: str


@dataclass(frozen=True)
class SecretScope:
    name: str


class _Option:
    """A Scala `Option` as py4j hands it to Python in a Databricks notebook."""

    def __init__(self, value: str | None) -> None:
        self._value = value

    def get(self) -> str:
        if self._value is None:
            raise RuntimeError("java.util.NoSuchElementException: None.get")
        return self._value

    def getOrElse(self, default: Any) -> Any:
        return default if self._value is None else self._value

    def isDefined(self) -> bool:
        return self._value is not None

    def isEmpty(self) -> bool:
        return self._value is None

    def __repr__(self) -> str:
        return "Some(...)" if self._value is not None else "None"


class _Context:
    def __init__(self, utils: StandInDbutils) -> None:
        self._utils = utils

    def apiUrl(self) -> _Option:
        self._utils._log("context.apiUrl")
        return _Option(self._utils.api_url)

    def apiToken(self) -> _Option:
        self._utils._log("context.apiToken")
        return _Option(self._utils.api_token)

    def __repr__(self) -> str:
        return "<notebook context (stand-in)>"


class _NotebookUtils:
    def __init__(self, utils: StandInDbutils) -> None:
        self._utils = utils
        self.entry_point = self

    # entry_point.getDbutils().notebook().getContext()
    def getDbutils(self) -> _NotebookUtils:  # Scala-side names, as the runtime spells them
        return self

    def notebook(self) -> _NotebookUtils:
        return self

    def getContext(self) -> _Context:
        return _Context(self._utils)


class _SecretsUtils:
    def __init__(self, utils: StandInDbutils) -> None:
        self._utils = utils

    def _call(self, path: str, **params: str) -> dict[str, Any]:
        url = f"{self._utils.api_url}{path}?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(
            url, headers={"Authorization": f"Bearer {self._utils.api_token}", "User-Agent": USER_AGENT}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                data: dict[str, Any] = json.loads(response.read() or b"{}")
                return data
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", "replace")
            if error.code == 404 or "DOES_NOT_EXIST" in body:
                raise ValueError(f"Secret does not exist with scope: {params.get('scope')} "
                                 f"and key: {params.get('key')}") from None
            raise RuntimeError(f"secrets call failed: HTTP {error.code}") from None

    def getBytes(self, scope: str, key: str) -> bytes:
        self._utils._log("secrets.getBytes", scope=scope, key=key)
        data = self._call("/api/2.0/secrets/get", scope=scope, key=key)
        return base64.b64decode(data.get("value", ""))

    def get(self, scope: str, key: str) -> str:
        self._utils._log("secrets.get", scope=scope, key=key)
        data = self._call("/api/2.0/secrets/get", scope=scope, key=key)
        return base64.b64decode(data.get("value", "")).decode("utf-8")

    def list(self, scope: str) -> list[SecretMetadata]:
        self._utils._log("secrets.list", scope=scope)
        data = self._call("/api/2.0/secrets/list", scope=scope)
        return [SecretMetadata(item["key"]) for item in data.get("secrets", [])]

    def listScopes(self) -> list[SecretScope]:
        self._utils._log("secrets.listScopes")
        data = self._call("/api/2.0/secrets/scopes/list")
        return [SecretScope(item["name"]) for item in data.get("scopes", [])]


class StandInDbutils:
    """Stands in for the runtime's `dbutils` (secrets utilities and notebook context only)."""

    def __init__(self, api_url: str, api_token: str, log: str | None = None) -> None:
        self.api_url = api_url.rstrip("/")
        self.api_token = api_token
        self._log_path = Path(log) if log else None
        self.secrets = _SecretsUtils(self)
        self.notebook = _NotebookUtils(self)

    def _log(self, call: str, **names: str) -> None:
        if self._log_path is not None:
            with self._log_path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps({"call": call, **names}) + "\n")

    def __repr__(self) -> str:
        return "<dbutils (stand-in for the Databricks runtime)>"


def from_environment() -> StandInDbutils:
    config = json.loads(Path(os.environ["NT_STANDIN_DBUTILS"]).read_text(encoding="utf-8"))
    return StandInDbutils(config["api_url"], config["api_token"], config.get("log"))


def install(shell: Any) -> None:
    """Put `dbutils` into the user namespace, as the Databricks runtime does before the first cell."""
    shell.user_ns["dbutils"] = from_environment()
    shell.user_ns_hidden["dbutils"] = shell.user_ns["dbutils"]


def read_log(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
