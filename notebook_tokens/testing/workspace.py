"""`FakeWorkspace`: the emulator's state and its request handling, without sockets.

`ws.handle(method, path, query, headers, body) -> Reply` is the whole HTTP API; the server in server.py only
moves bytes. Endpoints live in tokens_api.py, secrets_api.py and clusters_api.py (one route table each).
"""

from __future__ import annotations

import json as _json
import threading
import time
from collections.abc import Callable
from typing import Any

from notebook_tokens.testing import auth, scopes
from notebook_tokens.testing.calls import Call, RecordedRequest
from notebook_tokens.testing.clock import Clock
from notebook_tokens.testing.conf_api import default_conf
from notebook_tokens.testing.faults import Faults
from notebook_tokens.testing.model import (
    DAY_MS,
    Scope,
    StoredToken,
    User,
    new_token_value,
    opaque_token_id,
    token_id_of,
)
from notebook_tokens.testing.oauth_state import OAuthState
from notebook_tokens.testing.replies import ApiProblem, ErrorStyle, Reply
from notebook_tokens.testing.routes import resolve

# "Databricks automatically revokes personal access tokens that have not been used in 90 or more days"
# (docs: Authenticate with Databricks personal access tokens). Unused = last used (or, never used,
# created) more than this long ago on the emulator's clock.
INACTIVITY_DAYS = 90


class FakeWorkspace:
    """An in-memory Databricks workspace: users, tokens, secret scopes, clusters and workspace-conf."""

    def __init__(
        self,
        seed: str = "minimal",
        *,
        admin_token: str | None = None,
        user_token: str | None = None,
        clock: Callable[[], float] = time.time,
        opaque_token_ids: bool = False,
    ) -> None:
        # tests move it: ws.clock.advance(days=91); any `() -> float` is wrapped
        self.clock = clock if isinstance(clock, Clock) else Clock(clock)
        self.opaque_token_ids = opaque_token_ids  # token ids are random, not the SHA-256 of the value
        self._by_hash: dict[str, str] = {}  # SHA-256 of the value -> token id (opaque mode)
        self._swept: tuple[int, int] | None = None  # (day, version) of the last inactivity sweep
        self.lock = threading.RLock()
        self.faults = Faults()
        self.requests: list[RecordedRequest] = []
        self.record_limit: int | None = None  # keep only the newest N (the long-running CLI sets one)
        self.users: dict[str, User] = {}
        self.tokens: dict[str, StoredToken] = {}
        self.scopes: dict[str, Scope] = {}
        self.clusters: list[dict[str, Any]] = []
        self.conf: dict[str, str] = default_conf()
        self.oauth = OAuthState()  # OAuth access/refresh tokens, codes, service principal secrets
        self.oauth_ttl = 3600  # seconds an OAuth access token lasts (the platform: 1 h; --oauth-ttl)
        self.workspace_objects: dict[str, Any] = {}  # path -> workspace_api.WorkspaceObject
        self.token_quota = 600
        self.service_principals: dict[str, dict[str, Any]] = {}  # application_id -> SCIM ServicePrincipal
        self.token_grants: dict[tuple[str, str], str] | None = None  # token CAN_USE grants; None: the default
        self.scim_extras: dict[str, dict[str, Any]] = {}  # user_name -> SCIM displayName / entitlements set
        self.invalid_token_as_html = False  # answer "Invalid access token." as the platform's HTML error page
        self.error_style = ErrorStyle()  # numeric auth error_code (default), details, [ReqId: …] suffixes
        self.cluster_start_seconds = 0.5  # PENDING -> RUNNING after this long
        self.version = 0  # bumped on every state change (the CLI saves --state when it moves)
        self.admin_user_name = "admin@example.com"
        self.user_user_name = "user@example.com"
        self.admin_token = ""
        self.user_token = ""
        if seed != "empty":
            from notebook_tokens.testing.seed import seed_workspace

            seed_workspace(self, seed, admin_token=admin_token, user_token=user_token)

    # -- clock -------------------------------------------------------------------------------------------
    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def today_ms(self) -> int:
        now = self.now_ms()
        return now - now % DAY_MS

    def changed(self) -> None:
        self.version += 1

    # -- direct state access (tests and seeding; bypasses the API) ---------------------------------------
    def add_user(
        self, user_name: str, *, admin: bool = False, token: str | None = None, can_use_tokens: bool = True
    ) -> str:
        """Add a user with one token (no expiry); returns that token's value. `can_use_tokens=False`: the
        token API refuses them ("User does not have permission to use tokens."), other APIs still answer."""
        with self.lock:
            if user_name not in self.users:
                user_id = 4_100_000_000_000_000 + len(self.users) + 1
                self.users[user_name] = User(user_name, user_id, admin, can_use_tokens)
            value, _ = self.issue_token(user_name, comment=f"emulator {user_name.split('@')[0]}", value=token)
            return value

    def issue_token(
        self,
        user_name: str,
        *,
        comment: str = "",
        lifetime_seconds: int | None = None,
        creation_time_ms: int | None = None,
        expiry_time_ms: int | None = None,
        last_used_day: int | None = None,
        value: str | None = None,
    ) -> tuple[str, str]:
        """Store a token without the API's checks (quota, lifetime); returns (value, token_id)."""
        with self.lock:
            if user_name not in self.users and user_name not in self.service_principals:
                raise KeyError(f"no user or service principal {user_name!r}; add_user() first")
            value = value or new_token_value()
            created = self.now_ms() if creation_time_ms is None else creation_time_ms
            if expiry_time_ms is None:
                expiry_time_ms = -1 if lifetime_seconds is None else created + lifetime_seconds * 1000
            value_hash = token_id_of(value)
            token_id = opaque_token_id() if self.opaque_token_ids else value_hash
            token = StoredToken(
                token_id, user_name, comment, created, expiry_time_ms, last_used_day, value_hash=value_hash
            )
            self.tokens[token.token_id] = token
            self._by_hash[value_hash] = token_id
            self.changed()
            return value, token.token_id

    def find_token(self, value: str) -> StoredToken | None:
        """The stored token with this value (by its id, or through the hash index when ids are opaque)."""
        value_hash = token_id_of(value)
        token = self.tokens.get(value_hash)
        if token is not None and token.value_hash in ("", value_hash):
            return token
        token = self.tokens.get(self._by_hash.get(value_hash, ""))
        if token is not None and token.value_hash == value_hash:
            return token
        # not indexed (tokens put in ws.tokens directly, or loaded from --state): look through them all
        return next((t for t in self.tokens.values() if t.value_hash == value_hash), None)

    def revoke_inactive(self) -> None:
        """Revoke every token not used for INACTIVITY_DAYS: it vanishes from lists and gets 403."""
        with self.lock:
            mark = (self.today_ms(), self.version)
            if self._swept == mark:
                return
            cutoff = self.now_ms() - INACTIVITY_DAYS * DAY_MS
            stale = [t.token_id for t in self.tokens.values()
                     if (t.creation_time if t.last_used_day is None else t.last_used_day) < cutoff]
            for token_id in stale:
                del self.tokens[token_id]
            if stale:
                self.changed()
            self._swept = (self.today_ms(), self.version)

    def token_ids(self, user_name: str | None = None) -> list[str]:
        with self.lock:
            return [t.token_id for t in self.tokens.values() if user_name is None or t.owner == user_name]

    def is_token_active(self, value: str) -> bool:
        with self.lock:
            self.revoke_inactive()
            token = self.find_token(value)
            return token is not None and not token.expired(self.now_ms())

    def secret_value(self, scope: str, key: str) -> bytes | None:
        with self.lock:
            found = self.scopes.get(scope)
            entry = found.secrets.get(key) if found else None
            return entry[0] if entry else None

    def user_by_id(self, user_id: int) -> User | None:
        return next((u for u in self.users.values() if u.id == user_id), None)

    def clear_requests(self) -> None:
        with self.lock:
            self.requests.clear()

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        query: dict[str, str] | None = None,
    ) -> Reply:
        """`handle()` with conveniences, no socket: a Bearer `token`, a JSON body, single-valued query."""
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        body = b"" if json is None else _json.dumps(json).encode()
        return self.handle(method, path, {k: [v] for k, v in (query or {}).items()}, headers, body)

    # -- HTTP --------------------------------------------------------------------------------------------
    def handle(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> Reply:
        """Answer one request. Never raises: every problem becomes the platform's error shape."""
        method = method.upper()
        with self.lock:
            self.requests.append(RecordedRequest(method, path, query, dict(headers), body))
            if self.record_limit is not None and len(self.requests) > self.record_limit + 1000:
                del self.requests[: len(self.requests) - self.record_limit]
        decision = self.faults.decide(method, path)
        if decision.reply is not None:
            return decision.reply
        reply = self._answer(method, path, query, headers, body)
        reply.delay += decision.delay
        if decision.lose:
            reply.action = "lose"
        return reply

    def _answer(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> Reply:
        try:
            handler, params, authenticated = resolve(method, path)
            with self.lock:
                user, token = self._caller(method, path, headers) if authenticated else (None, None)
                if handler is None:
                    raise ApiProblem(404, "ENDPOINT_NOT_FOUND", f"No API found for '{method} {path}'")
                call = Call(user, query, body, params, headers, token)  # type: ignore[arg-type]
                result = handler(self, call)
        except ApiProblem as problem:
            return problem.reply(path, self.error_style)
        except Exception as e:  # a bug in the emulator must not stop it serving
            bug = ApiProblem(500, "INTERNAL_ERROR", f"emulator error: {e.__class__.__name__}: {e}")
            return bug.reply(path, self.error_style)
        return result if isinstance(result, Reply) else Reply.json(result)

    def _caller(self, method: str, path: str, headers: dict[str, str]) -> tuple[User, StoredToken]:
        """Authenticate, then hold the request to the token's scopes (autoscope records what it uses)."""
        self.revoke_inactive()
        user, token = auth.authenticate(self, headers)
        scopes.check_request(token.scopes, method, path)
        if token.autoscope_state == "AUTOSCOPE_STATE_RUNNING":
            used = scopes.inferred_scope(path)
            if used is not None and used not in token.inferred_scopes:
                token.inferred_scopes.append(used)
                self.changed()
        return user, token
