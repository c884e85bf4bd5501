"""`secret:SCOPE/KEY`: a token kept in a Databricks secret scope.

Read through `dbutils.secrets.get` inside Databricks, else through the Secrets API (`/api/2.0/secrets/get`,
which the platform may refuse outside notebooks). Written through `/api/2.0/secrets/put` (dbutils cannot
write), creating the scope when it is missing, then read back.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Protocol

from notebook_tokens.core.errors import ApiError, InputError, SecretsApiError
from notebook_tokens.core.redact import Token, redact

__all__ = ["SecretApi", "SecretStore", "check_secret_name"]

# The platform's name rules, checked here so that a bad name sends nothing (not even the token/create
# that `%dbtoken generate` makes before it writes the store). Sources (Secrets API reference):
#   secrets/scopes/create: "The scope name must consist of alphanumeric characters, dashes, underscores,
#     and periods, and may not exceed 128 characters." (docs.databricks.com/api/workspace/secrets/createscope)
#   secrets/put: "The secret key must consist of alphanumeric characters, dashes, underscores, and periods,
#     and cannot exceed 128 characters." Throws INVALID_PARAMETER_VALUE. (.../secrets/putsecret)
# The user guide's "Secret scopes" page also allows "@" in scope names; the two disagree, so the stricter
# API rule is modelled (no "@"), and "alphanumeric" is taken as ASCII letters and digits.
_SECRET_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,128}")


class SecretApi(Protocol):
    """What the secret store needs of a workspace session (WorkspaceSession has it): its host, and a JSON
    call that raises ApiError on an HTTP error."""

    @property
    def host(self) -> str: ...

    def api(
        self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> Any: ...

OUTSIDE_NOTEBOOK_HELP = (
    "Outside a Databricks notebook the platform may refuse to return secret values; keep the token in "
    "keyring (--store keyring) or netrc (--store netrc) on this machine instead."
)


class SecretStore:
    """A Databricks secret: scope SCOPE, key KEY (the host is the workspace the secret lives in)."""

    writable = True

    def __init__(
        self, scope: str, key: str, *, api: SecretApi | None = None, dbutils: Any = None
    ) -> None:
        check_secret_name("scope", scope)
        check_secret_name("key", key)
        self.scope, self.key, self.api, self.dbutils = scope, key, api, dbutils
        self.spec, self.description = f"secret:{scope}/{key}", f"secret scope {scope}/{key}"

    @classmethod
    def from_spec(cls, arg: str, *, api: SecretApi | None = None, dbutils: Any = None) -> SecretStore:
        scope, _, key = arg.strip().partition("/")
        if not scope.strip() or not key.strip() or "/" in key:
            raise InputError(
                f"secret:{redact(arg.strip())} is not a secret spec: "
                "write secret:SCOPE/KEY, e.g. secret:ops/pat."
            )
        scope, key = check_secret_name("scope", scope.strip()), check_secret_name("key", key.strip())
        return cls(scope, key, api=api, dbutils=dbutils)

    def __repr__(self) -> str:
        return f"<SecretStore {self.spec}>"

    def _session(self, action: str) -> SecretApi:
        if self.api is None:
            raise SecretsApiError(
                f"Cannot {action} {self.description}: the Secrets API needs a workspace session "
                "(credentials from another source, e.g. DATABRICKS_HOST and DATABRICKS_TOKEN)."
            )
        return self.api

    def read(self, host: str) -> Token | None:
        if self.dbutils is not None:
            return self._read_dbutils()
        api = self._session("read")
        try:
            answer = api.api("GET", "/api/2.0/secrets/get", params={"scope": self.scope, "key": self.key})
        except ApiError as exc:
            if exc.error_code == "RESOURCE_DOES_NOT_EXIST" or exc.status == 404:
                return None
            status = f"{exc.status} {exc.error_code}".strip()
            raise SecretsApiError(
                f"The workspace refused to return {self.description} through the Secrets API "
                f"({status}: {exc.message}). {OUTSIDE_NOTEBOOK_HELP}"
            ) from None
        try:
            value = base64.b64decode(str(answer.get("value", "")), validate=True).decode("utf-8").strip()
        except (binascii.Error, UnicodeDecodeError, AttributeError):
            raise SecretsApiError(
                f"{self.description} does not hold a text token: put a token there."
            ) from None
        return Token(value) if value else None

    def _read_dbutils(self) -> Token | None:
        try:
            value = self.dbutils.secrets.get(scope=self.scope, key=self.key)
        except Exception as exc:  # dbutils raises Java-side exceptions of no importable type
            if "does not exist" in str(exc).lower():
                return None
            raise SecretsApiError(
                f"dbutils.secrets.get could not read {self.description} ({type(exc).__name__}): check the "
                "scope and key names and your READ permission on the scope."
            ) from None
        value = (value or "").strip() if isinstance(value, str) else ""
        return Token(value) if value else None

    def write(self, host: str, token: Token) -> None:
        api = self._session("write")
        body = {"scope": self.scope, "key": self.key, "string_value": token.reveal()}
        try:
            try:
                api.api("POST", "/api/2.0/secrets/put", json=body)
            except ApiError as exc:
                if exc.error_code != "RESOURCE_DOES_NOT_EXIST":
                    raise
                api.api("POST", "/api/2.0/secrets/scopes/create", json={"scope": self.scope})
                api.api("POST", "/api/2.0/secrets/put", json=body)
        except ApiError as exc:
            raise SecretsApiError(
                f"Could not write {self.description} ({exc}): you need WRITE (or MANAGE to create the "
                "scope) permission on it; ask a workspace admin, or choose another store."
            ) from None
        self._verify(api, token)

    def _verify(self, api: SecretApi, token: Token) -> None:
        try:
            stored = self.read(api.host)
        except SecretsApiError:  # values unreadable here: check the key exists at least
            listed = api.api("GET", "/api/2.0/secrets/list", params={"scope": self.scope})
            if any(item.get("key") == self.key for item in listed.get("secrets", [])):
                return
            stored = None
        if stored != token:
            raise SecretsApiError(f"{self.description} did not read back after writing: check the scope.")

    def delete(self, host: str) -> None:
        api = self._session("delete")
        try:
            api.api("POST", "/api/2.0/secrets/delete", json={"scope": self.scope, "key": self.key})
        except ApiError as exc:
            if exc.error_code != "RESOURCE_DOES_NOT_EXIST":
                raise SecretsApiError(
                    f"Could not delete {self.description} ({exc}): check your permissions."
                ) from None


def check_secret_name(kind: str, name: str) -> str:
    """`name` when the platform accepts it as a secret scope or key name; InputError (nothing sent) if not."""
    if _SECRET_NAME.fullmatch(name):
        return name
    shown = redact(name)
    if len(name) > 128:
        problem = f"is {len(name)} characters long"
    else:
        bad = next((char for char in name if not _SECRET_NAME.fullmatch(char)), "")
        problem = f"has {_char_text(bad)}" if bad else "is empty"
    raise InputError(
        f"Secret {kind} name {shown[:60]!r} {problem}: Databricks allows at most 128 letters, digits, "
        "dashes, underscores and periods. Choose another name, e.g. secret:ops/databricks-pat."
    )


def _char_text(char: str) -> str:
    if char == " ":
        return "a space"
    if char.isprintable():
        return f"the character {char!r}"
    return f"a control character (U+{ord(char):04X})"
