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

from notebook_tokens.testing import auth
from notebook_tokens.testing.calls import Call, RecordedRequest
from notebook_tokens.testing.faults import Faults
from notebook_tokens.testing.model import DAY_MS, Scope, StoredToken, User, new_token_value, token_id_of
from notebook_tokens.testing.replies import ApiProblem, Reply
from notebook_tokens.testing.routes import resolve


class FakeWorkspace:
    """An in-memory Databricks workspace: users, tokens, secret scopes, clusters and workspace-conf."""

    def __init__(
        self,
        seed: str = "minimal",
        *,
        admin_token: str | None = None,
        user_token: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.faults = Faults()
        self.requests: list[RecordedRequest] = []
        self.record_limit: int | None = None  # keep only the newest N (the long-running CLI sets one)
        self.users: dict[str, User] = {}
        self.tokens: dict[str, StoredToken] = {}
        self.scopes: dict[str, Scope] = {}
        self.clusters: list[dict[str, Any]] = []
        self.workspace_objects: dict[str, Any] = {}  # path -> workspace_api.WorkspaceObject
        self.conf: dict[str, str] = {"enableTokensConfig": "true", "maxTokenLifetimeDays": "0"}
        self.token_quota = 600
        self.invalid_token_as_html = False  # answer "Invalid access token." as the platform's HTML error page
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
            if user_name not in self.users:
                raise KeyError(f"no user {user_name!r}; add_user() first")
            value = value or new_token_value()
            created = self.now_ms() if creation_time_ms is None else creation_time_ms
            if expiry_time_ms is None:
                expiry_time_ms = -1 if lifetime_seconds is None else created + lifetime_seconds * 1000
            token = StoredToken(
                token_id_of(value), user_name, comment, created, expiry_time_ms, last_used_day
            )
            self.tokens[token.token_id] = token
            self.changed()
            return value, token.token_id

    def token_ids(self, user_name: str | None = None) -> list[str]:
        with self.lock:
            return [t.token_id for t in self.tokens.values() if user_name is None or t.owner == user_name]

    def is_token_active(self, value: str) -> bool:
        with self.lock:
            token = self.tokens.get(token_id_of(value))
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
                user = auth.authenticate(self, headers) if authenticated else None
                if handler is None:
                    raise ApiProblem(404, "ENDPOINT_NOT_FOUND", f"No API found for '{method} {path}'")
                result = handler(self, Call(user, query, body, params, headers))  # type: ignore[arg-type]
        except ApiProblem as problem:
            return problem.reply(path)
        except Exception as e:  # a bug in the emulator must not stop it serving
            return ApiProblem(500, "INTERNAL_ERROR", f"emulator error: {e.__class__.__name__}: {e}").reply()
        return result if isinstance(result, Reply) else Reply.json(result)
