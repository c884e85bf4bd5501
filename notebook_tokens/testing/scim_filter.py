"""The SCIM filter expressions (RFC 7644 §3.4.2.2) the emulator understands, and SCIM-shaped errors.

Enough for the SDK: `attr op value` joined by `and` / `or`, ops eq ne co sw ew pr, values quoted or bare
(the SDK's own integration test sends `displayName eq any-XXXX` unquoted). Anything else is refused with
400 `invalidFilter` (RFC 7644 §3.12) rather than matched loosely.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from notebook_tokens.testing.replies import ApiProblem

Resource = dict[str, Any]
Predicate = Callable[[Resource], bool]

_CONDITION = re.compile(
    r'\s*([A-Za-z][\w.]*)\s+(?:(pr)\b|(eq|ne|co|sw|ew)\s+("(?:[^"\\]|\\.)*"|[^\s"()]+))\s*', re.IGNORECASE
)
_JOIN = re.compile(r"(and|or)\s+", re.IGNORECASE)


_CODES = {400: "INVALID_PARAMETER_VALUE", 403: "PERMISSION_DENIED", 404: "RESOURCE_DOES_NOT_EXIST"}
_CODES |= {409: "RESOURCE_ALREADY_EXISTS", 501: "NOT_IMPLEMENTED"}


class ScimProblem(ApiProblem):
    """A SCIM error. The platform answers SCIM errors as RFC 7644 §3.12 `{"schemas", "detail", "status",
    "scimType"}`; the emulator keeps its `{"error_code", "message"}` shape (test_emulator_robustness holds
    every endpoint to it) and puts the scimType first in the message, as the SDK's parser renders it."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(status, _CODES.get(status, "INVALID_REQUEST"), f"{scim_type or ''} {detail}".strip())
        self.scim_type = scim_type


def _values(resource: Resource, attr: str) -> list[Any]:
    head, _, sub = attr.partition(".")
    key = next((k for k in resource if k.lower() == head.lower()), None)
    if key is None:
        return []
    value = resource[key]
    if isinstance(value, list):
        return [v.get(sub or "value") for v in value if isinstance(v, dict)]
    return [value]


def _compare(op: str, have: Any, want: str) -> bool:
    if isinstance(have, bool):
        return (str(have).lower() == want.lower()) == (op == "eq") if op in ("eq", "ne") else False
    text, want = str(have).casefold(), want.casefold()  # userName and displayName are caseExact=false
    return {
        "eq": text == want,
        "ne": text != want,
        "co": want in text,
        "sw": text.startswith(want),
        "ew": text.endswith(want),
    }[op]


def _condition(attr: str, op: str, raw: str, known: set[str]) -> Predicate:
    if attr.split(".")[0].lower() not in known:
        raise ScimProblem(400, f"Unsupported filter attribute: {attr}", "invalidFilter")
    if op == "pr":
        return lambda r: any(v not in (None, "", []) for v in _values(r, attr))
    want = raw[1:-1].replace('\\"', '"') if raw.startswith('"') else raw
    return lambda r: any(_compare(op, v, want) for v in _values(r, attr))


def parse_filter(text: str | None, known: set[str]) -> Predicate:
    """A predicate over SCIM resources; `known` holds the lower-cased attribute names that may be filtered."""
    if not text or not text.strip():
        return lambda r: True
    parts, joins, pos = [], [], 0
    while True:
        match = _CONDITION.match(text, pos)
        if match is None:
            raise ScimProblem(400, f"Invalid filter expression: {text!r}", "invalidFilter")
        attr, present, op, raw = match.groups()
        parts.append(_condition(attr, "pr" if present else op.lower(), raw or "", known))
        pos = match.end()
        if pos == len(text):
            break
        join = _JOIN.match(text, pos) if text[pos - 1].isspace() else None
        if join is None:
            raise ScimProblem(400, f"Invalid filter expression: {text!r}", "invalidFilter")
        joins.append(join.group(1).lower())
        pos = join.end()
    return _combine(parts, joins)


def _combine(parts: list[Predicate], joins: list[str]) -> Predicate:
    """`and` binds tighter than `or` (RFC 7644 §3.4.2.2)."""
    groups: list[list[Predicate]] = [[parts[0]]]
    for join, part in zip(joins, parts[1:], strict=True):
        if join == "and":
            groups[-1].append(part)
        else:
            groups.append([part])
    return lambda r: any(all(p(r) for p in group) for group in groups)
