"""Fault injection: the next N matching requests fail, stall, vanish or get redirected.

    ws.faults.fail(status=429, times=2, retry_after="1")   # then the real answer
    ws.faults.lose_response(path="/api/2.0/token/create")  # processed, then the connection closes unanswered

A rule matches by path prefix (None = any path) and method (None = any). The first matching rule with
uses left applies; each applied rule counts one use.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal

from notebook_tokens.testing.replies import Reply

Kind = Literal["fail", "delay", "lose", "drop", "redirect"]

_ERROR_CODES = {
    429: "REQUEST_LIMIT_EXCEEDED",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "TEMPORARILY_UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


@dataclass
class FaultRule:
    kind: Kind
    times: int
    path: str | None = None
    method: str | None = None
    status: int = 0
    retry_after: str | None = None
    seconds: float = 0.0
    location: str = ""
    hits: int = field(default=0)

    def matches(self, method: str, path: str) -> bool:
        return (
            self.times > 0
            and (self.path is None or path.startswith(self.path))
            and (self.method is None or self.method.upper() == method.upper())
        )


@dataclass
class FaultDecision:
    """What the workspace does with one request: answer `reply` instead of processing (fail, redirect,
    drop), or process after `delay` and then possibly `lose` the answer."""

    reply: Reply | None = None
    delay: float = 0.0
    lose: bool = False


class Faults:
    """The programmatic fault API of a `FakeWorkspace` (`ws.faults`)."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    @property
    def rules(self) -> list[FaultRule]:
        return list(self._rules)

    def _add(self, rule: FaultRule) -> FaultRule:
        if rule.times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._rules.append(rule)
        return rule

    def fail(
        self,
        status: int = 503,
        times: int = 1,
        retry_after: str | None = None,
        path: str | None = None,
        method: str | None = None,
    ) -> FaultRule:
        """Answer `status` (with `Retry-After` when given) instead of processing the request."""
        return self._add(FaultRule("fail", times, path, method, status=status, retry_after=retry_after))

    def delay(
        self, seconds: float, times: int = 1, path: str | None = None, method: str | None = None
    ) -> FaultRule:
        """Answer `seconds` late. The request is processed first, so a client read timeout fires after the
        work was done (as with a slow platform answer)."""
        return self._add(FaultRule("delay", times, path, method, seconds=seconds))

    def lose_response(self, times: int = 1, path: str | None = None, method: str | None = None) -> FaultRule:
        """Process the request (a token really is created), then close the connection unanswered."""
        return self._add(FaultRule("lose", times, path, method))

    def drop_connection(
        self, times: int = 1, path: str | None = None, method: str | None = None
    ) -> FaultRule:
        """Close the connection before processing: nothing happened on the server."""
        return self._add(FaultRule("drop", times, path, method))

    def redirect(
        self,
        location: str,
        status: int = 302,
        times: int = 1,
        path: str | None = None,
        method: str | None = None,
    ) -> FaultRule:
        """Answer a redirect to `location` (to test that credentials do not follow it)."""
        return self._add(FaultRule("redirect", times, path, method, status=status, location=location))

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def decide(self, method: str, path: str) -> FaultDecision:
        if not self._rules:  # the common case, without taking the lock
            return FaultDecision()
        with self._lock:
            rule = next((r for r in self._rules if r.matches(method, path)), None)
            if rule is None:
                return FaultDecision()
            rule.times -= 1
            rule.hits += 1
            if rule.times == 0:
                self._rules.remove(rule)
        return _decision(rule)


def _decision(rule: FaultRule) -> FaultDecision:
    if rule.kind == "delay":
        return FaultDecision(delay=rule.seconds)
    if rule.kind == "lose":
        return FaultDecision(lose=True)
    if rule.kind == "drop":
        return FaultDecision(reply=Reply(action="drop"))
    if rule.kind == "redirect":
        return FaultDecision(reply=Reply(rule.status, b"", [("Location", rule.location)]))
    code = _ERROR_CODES.get(rule.status, "INTERNAL_ERROR" if rule.status >= 500 else "BAD_REQUEST")
    reply = Reply.json({"error_code": code, "message": f"Injected fault: HTTP {rule.status}."}, rule.status)
    if rule.retry_after is not None:
        reply.headers.append(("Retry-After", rule.retry_after))
    return FaultDecision(reply=reply)
