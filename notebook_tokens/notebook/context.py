"""Per-shell state shared by `%dbrest`, `%dbtoken` and the panel: settings and the current session.

Settings are a traitlets Configurable named `NotebookTokens`, so
`%config NotebookTokens.default_store = "..."` works in a cell and
`c.NotebookTokens.timeout = 30` in `ipython_config.py`.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from traitlets import Bool, Float, Int, Unicode
from traitlets.config import Configurable

from notebook_tokens.core.errors import InputError

if TYPE_CHECKING:
    from notebook_tokens.credentials.creds import Credentials
    from notebook_tokens.http.workspace import WorkspaceSession
    from notebook_tokens.lifecycle.tokens import TokenManager


class NotebookTokens(Configurable):
    """Settings of the notebook-tokens extension."""

    default_store = Unicode(
        "", help="Store spec used when a cell names none, e.g. 'secret:ops/pat', 'keyring', 'netrc'."
    ).tag(config=True)
    default_profile = Unicode("", help="~/.databrickscfg profile used when a cell names none.").tag(
        config=True
    )
    timeout = Float(60.0, help="Read timeout of REST calls, in seconds.").tag(config=True)
    redact = Bool(
        True, help="Replace known token values with [REDACTED] in everything the kernel shows."
    ).tag(config=True)
    expiry_warning_days = Int(
        7, help="A token expiring within this many days is shown as expiring soon."
    ).tag(config=True)


class NotebookContext:
    """The extension's state for one shell: settings, the default session, the token manager."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.config = NotebookTokens(parent=shell)
        self._lock = threading.Lock()
        self._used_spec: str | None = None
        self._session: WorkspaceSession | None = None
        self._session_key: tuple[Any, ...] | None = None
        self._manager: TokenManager | None = None
        # the default session's key, kept between calls: three traitlets reads per %dbrest otherwise
        self._wanted: tuple[str | None, str | None, float] | None = None
        self.config.observe(self._settings_changed, names=["default_store", "default_profile", "timeout"])

    def _settings_changed(self, change: Any) -> None:
        self._wanted = None

    def _wanted_key(self) -> tuple[str | None, str | None, float]:
        """(store, profile, read timeout) the default session should have, as the settings say now."""
        wanted = self._wanted
        if wanted is None:
            wanted = self._wanted = (*self._default_choice(), float(self.config.timeout))
        return wanted

    @property
    def dbutils(self) -> Any | None:
        """Databricks' `dbutils`, when this kernel runs inside a Databricks notebook."""
        if not os.environ.get("DATABRICKS_RUNTIME_VERSION"):
            return None
        namespace = getattr(self.shell, "user_ns", None) or {}
        return namespace.get("dbutils")

    def _default_choice(self) -> tuple[str | None, str | None]:
        spec = self._used_spec or self.config.default_store or None
        if spec and spec.startswith("profile:"):
            return None, spec.partition(":")[2]
        return spec, (self.config.default_profile or None) if not spec else None

    def credentials(
        self, *, store: str | None = None, profile: str | None = None, host: str | None = None
    ) -> Credentials:
        from notebook_tokens.http.workspace import credentials

        return credentials(host, store=store, profile=profile, dbutils=self.dbutils)

    def session(
        self,
        *,
        store: str | None = None,
        profile: str | None = None,
        host: str | None = None,
        timeout: float | None = None,
    ) -> WorkspaceSession:
        """The default session (cached while the settings stay the same), or a new one for overrides."""
        if store or profile or host:
            from notebook_tokens.http.workspace import WorkspaceSession

            read_timeout = float(timeout if timeout is not None else self.config.timeout)
            creds = self.credentials(store=store, profile=profile, host=host)
            return WorkspaceSession(creds, timeout=(10.0, read_timeout))
        key = self._wanted_key() if timeout is None else (*self._wanted_key()[:2], float(timeout))
        with self._lock:
            if self._session is None or self._session_key != key:
                self._open_default(key)
            return self._session  # type: ignore[return-value]  # _open_default set it

    def _open_default(self, key: tuple[str | None, str | None, float]) -> None:
        """(Under the lock.) A new default session for `key`, closing the old one."""
        from notebook_tokens.http.workspace import WorkspaceSession

        default_store, default_profile, read_timeout = key
        creds = self.credentials(store=default_store, profile=default_profile)
        if self._session is not None:
            self._session.close()
        self._session = WorkspaceSession(creds, timeout=(10.0, read_timeout))
        self._session_key = key
        self._manager = None

    def call_session(
        self, *, store: str | None = None, profile: str | None = None, host: str | None = None
    ) -> _CallSession:
        """`session()` for one call, as a context manager. A one-off session (made for overrides) is closed
        afterwards: its auth refers back to it, so otherwise its sockets stay open until the cyclic garbage
        collector runs. A plain class: %dbrest enters one per call, and contextlib's generator costs more."""
        return _CallSession(self, self.session(store=store, profile=profile, host=host))

    def use(self, spec: str) -> Credentials:
        """Make `spec` (a store spec or `profile:NAME`) the default credential of this notebook. The
        credential is resolved once and becomes the default session's, whatever that session was."""
        from notebook_tokens.credentials.stores.specs import check_spec
        from notebook_tokens.http.workspace import WorkspaceSession

        check_spec(spec)  # an empty spec would silently mean "the default chain"
        if spec.startswith("profile:"):
            name = spec.partition(":")[2].strip()
            if not name:  # an empty name would silently mean "the default chain"
                raise InputError("profile: needs a profile name from ~/.databrickscfg, e.g. profile:DEFAULT")
            creds = self.credentials(profile=name)
        else:
            creds = self.credentials(store=spec)
        read_timeout = float(self.config.timeout)
        with self._lock:
            self._used_spec = spec
            self._wanted = None
            if self._session is not None and self._session.host == creds.host:
                # the same session object: a panel or manager holding it follows the switch
                self._session.use(creds)
                self._session.timeout = (10.0, read_timeout)
            else:  # another workspace: a session never changes host
                if self._session is not None:
                    self._session.close()
                self._session = WorkspaceSession(creds, timeout=(10.0, read_timeout))
                self._manager = None
            self._session_key = (*self._default_choice(), read_timeout)
        return creds

    def adopt(self, creds: Credentials) -> None:
        """Make credentials built here (an OAuth sign-in) the default session's, as `use` does a spec's."""
        from notebook_tokens.http.workspace import WorkspaceSession

        read_timeout = float(self.config.timeout)
        with self._lock:
            if self._session is not None and self._session.host == creds.host:
                self._session.use(creds)
            else:
                if self._session is not None:
                    self._session.close()
                self._session = WorkspaceSession(creds, timeout=(10.0, read_timeout))
                self._manager = None
            self._session_key = (*self._default_choice(), read_timeout)

    def manager(self) -> TokenManager:
        """The token manager over the default session."""
        from notebook_tokens.lifecycle.tokens import TokenManager

        session = self.session()
        expiring_days = int(self.config.expiry_warning_days)
        with self._lock:
            # rebuilt when %config changes expiry_warning_days: the manager is made once per session otherwise
            if self._manager is None or self._manager.expiring_days != expiring_days:
                self._manager = TokenManager(session, expiring_days=expiring_days)
            return self._manager

    def close(self) -> None:
        with self._lock:
            if self._session is not None:
                self._session.close()
            self._session = None
            self._manager = None


class _CallSession:
    __slots__ = ("_context", "_session")

    def __init__(self, context: NotebookContext, session: WorkspaceSession) -> None:
        self._context, self._session = context, session

    def __enter__(self) -> WorkspaceSession:
        return self._session

    def __exit__(self, *exc: object) -> None:
        if self._session is not self._context._session:
            self._session.close()
