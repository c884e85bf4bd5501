"""The one error tree of notebook-tokens.

Every message says what went wrong and what to do, and never contains a token value.

    NotebookTokensError
    ├── InputError                 bad input from the user: nothing was sent
    ├── CredentialsNotFoundError   no source in the chain had a token (lists each source and why)
    │   ├── HostBindingError       a credential was issued for another workspace: not used, nothing sent
    │   └── OAuthError             the OIDC token endpoint refused a grant (bad secret, expired login)
    ├── StoreError                 a token store could not be read or written
    │   ├── KeyringUnavailableError
    │   ├── NetrcError
    │   └── SecretsApiError
    ├── TransportError             the request was refused before or while it travelled
    │   ├── InsecureTransportError plain http to a host that is not loopback, or verify=False
    │   └── ForeignOriginError     a URL or redirect outside the workspace origin
    ├── ApiError                   the workspace answered with an error (status, error_code, message, hint)
    └── TokenLifecycleError        generate / revoke / rotate / admin could not be done
        ├── LifetimeTooLongError
        ├── TokensDisabledError
        ├── AdminOnlyError
        └── RotationError
"""

from __future__ import annotations


class NotebookTokensError(Exception):
    """Root of every error notebook-tokens raises on purpose."""


class InputError(NotebookTokensError, ValueError):
    """The user's input is invalid; nothing was sent."""


class CredentialsNotFoundError(NotebookTokensError):
    """No credential source produced a token; `tried` lists (source, reason) pairs."""

    def __init__(self, message: str, tried: list[tuple[str, str]] | None = None) -> None:
        self.tried = list(tried or [])
        if self.tried:
            lines = "\n".join(f"  - {source}: {reason}" for source, reason in self.tried)
            message = f"{message}\nSources tried:\n{lines}"
        super().__init__(message)


class HostBindingError(CredentialsNotFoundError):
    """A credential is bound to another workspace than the one asked for; nothing was sent."""


class OAuthError(CredentialsNotFoundError):
    """The workspace's OIDC token endpoint refused a grant, or a sign-in could not be completed."""


class StoreError(NotebookTokensError):
    """A token store could not be read or written."""


class KeyringUnavailableError(StoreError):
    """keyring has no usable backend on this machine."""


class NetrcError(StoreError):
    """A .netrc file is unsafe, unreadable or malformed."""


class SecretsApiError(StoreError):
    """The Databricks Secrets API refused a read or write."""


class TransportError(NotebookTokensError):
    """A request was refused before it left, or while it travelled."""


class InsecureTransportError(TransportError):
    """Plain http to a non-loopback host, or TLS verification turned off."""


class ForeignOriginError(TransportError):
    """A URL or a redirect points outside the workspace origin; no credential was sent there."""


class ApiError(NotebookTokensError):
    """The workspace answered with an HTTP error."""

    def __init__(self, status: int, error_code: str, message: str, hint: str = "") -> None:
        self.status = status
        self.error_code = error_code
        self.message = message
        self.hint = hint
        text = f"{status} {error_code}: {message}" if error_code else f"{status}: {message}"
        if hint:
            text = f"{text}\n{hint}"
        super().__init__(text)


class TokenLifecycleError(NotebookTokensError):
    """A token could not be generated, revoked, rotated or administered."""


class LifetimeTooLongError(TokenLifecycleError, InputError):
    """The requested lifetime exceeds the workspace's maxTokenLifetimeDays."""


class TokensDisabledError(TokenLifecycleError):
    """Personal access tokens are disabled in this workspace."""


class AdminOnlyError(TokenLifecycleError):
    """The action needs a workspace admin."""


class RotationError(TokenLifecycleError):
    """A rotation stopped part-way; the message says which token is live."""
