"""The `Token` type, masked everywhere, and redaction of token values out of text.

Pure: imports neither IPython, ipywidgets, requests nor os.environ.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading
from collections.abc import Iterable
from typing import Any, NoReturn
from urllib.parse import quote

__all__ = [
    "JWT_PATTERN",
    "PAT_PATTERN",
    "REDACTED",
    "Token",
    "known_tokens",
    "looks_like_token",
    "mask",
    "redact",
    "redact_data",
    "token_forms",
]

REDACTED = "[REDACTED]"
PAT_PATTERN = re.compile(r"dapi[0-9a-f]{32}(?:-\d)?")
# A JWT (OAuth access tokens, Azure AD tokens): `eyJ` (base64url of `{"`) header, payload and an optional
# signature, each base64url. The lookbehind keeps it from starting inside a longer word; the segments are at
# least 8 characters so that prose such as "eyJ.x.y" is left alone.
JWT_PATTERN = re.compile(r"(?<![\w-])eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*")
# PATs, Databricks OAuth secrets, and JWTs
_TOKEN_SHAPES = (PAT_PATTERN, re.compile(r"dose[0-9a-f]{32}"), JWT_PATTERN)
# Values shorter than this are not redacted by value: "abc" would blank out ordinary text.
_MIN_REDACT_LENGTH = 8

_lock = threading.Lock()
_known: dict[str, None] = {}  # insertion-ordered set of raw values seen by Token()
_pattern_cache: tuple[int, re.Pattern[str] | None] = (-1, None)
_generation = 0


def mask(value: str) -> str:
    """`dapi…c3f2`: the PAT prefix (when there is one) and the last 4 characters only."""
    if len(value) < 12:
        return "****"
    prefix = "dapi" if value.startswith("dapi") else ""
    return f"{prefix}…{value[-4:]}"


class Token:
    """A secret bearer token. repr/str/format show a mask; only `reveal()` gives the value.

    Pickling and copying into JSON are refused; equality is constant-time.
    """

    __slots__ = ("__weakref__", "_value")

    def __init__(self, value: str) -> None:
        if isinstance(value, Token):
            value = value.reveal()
        if not isinstance(value, str) or not value.strip():
            raise TypeError("Token needs a non-empty string")
        if any(ch.isspace() for ch in value):
            # never echo the value: a typo'd paste may be most of a real token
            raise ValueError("a token cannot contain whitespace or line breaks")
        object.__setattr__(self, "_value", value)
        _remember(value)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Token is immutable")

    def reveal(self) -> str:
        """The raw value: call it only on the line that builds a header or writes a store."""
        value: str = object.__getattribute__(self, "_value")
        return value

    @property
    def masked(self) -> str:
        return mask(self.reveal())

    @property
    def token_id(self) -> str:
        """SHA-256 hex of the value: what the Token API reports as `token_id` for a PAT."""
        return hashlib.sha256(self.reveal().encode()).hexdigest()

    def __repr__(self) -> str:
        return f"Token('{self.masked}')"

    def __str__(self) -> str:
        return self.masked

    def __format__(self, spec: str) -> str:
        return format(self.masked, spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Token):
            return NotImplemented
        return hmac.compare_digest(self.reveal().encode(), other.reveal().encode())

    def __hash__(self) -> int:
        return hash(self.token_id)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Token cannot be pickled: store it with a token store instead")

    def __reduce_ex__(self, protocol: object) -> NoReturn:
        raise TypeError("a Token cannot be pickled: store it with a token store instead")

    def __copy__(self) -> Token:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Token:
        return self


def _remember(value: str) -> None:
    global _generation
    if len(value) < _MIN_REDACT_LENGTH:
        return
    with _lock:
        if value not in _known:
            _known[value] = None
            _generation += 1


def known_tokens() -> list[Token]:
    """Every token value this process has wrapped in a `Token` (for output redaction)."""
    with _lock:
        values = list(_known)
    return [Token(v) for v in values]


def _forms(value: str) -> Iterable[str]:
    yield value
    encoded = quote(value, safe="")
    if encoded != value:
        yield encoded
    for raw in (value, f"token:{value}"):
        b64 = base64.b64encode(raw.encode()).decode()
        yield b64
        yield b64.rstrip("=")
        yield base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    # The value inside any base64 blob (`Basic base64("user@x.com:"+PAT)`, a JSON body in base64):
    # for each of the 3 alignments, the characters that depend on the value's bits alone.
    data = value.encode()
    for offset in range(3):
        chunk = base64.b64encode(b"\0" * offset + data + b"\0\0").decode()
        first = -(-8 * offset // 6)
        last = (8 * (offset + len(data))) // 6
        core = chunk[first:last]
        yield core
        yield core.replace("+", "-").replace("/", "_")


def _build_pattern(values: Iterable[str]) -> re.Pattern[str] | None:
    forms = {form for value in values for form in _forms(value) if len(form) >= _MIN_REDACT_LENGTH}
    if not forms:
        return None
    # longest first, so a base64 form is replaced whole before a shorter raw form inside it
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))


def _registry_pattern() -> re.Pattern[str] | None:
    global _pattern_cache
    generation, pattern = _pattern_cache
    if generation == _generation:
        return pattern
    with _lock:
        values = list(_known)
        current = _generation
    pattern = _build_pattern(values)
    _pattern_cache = (current, pattern)
    return pattern


def redact(text: str, known: Iterable[Token] | None = None) -> str:
    """Replace token values (raw, URL-encoded, base64, `Basic base64("token:"+PAT)`), PAT-shaped and
    JWT-shaped strings with `[REDACTED]`. `known=None` uses every Token this process has seen."""
    if not text:
        return text
    pattern = _registry_pattern() if known is None else _build_pattern(t.reveal() for t in known)
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    if "dapi" in text:
        text = PAT_PATTERN.sub(REDACTED, text)
    if "eyJ" in text:  # the cheap test first: most text has no JWT
        text = JWT_PATTERN.sub(REDACTED, text)
    return text


def looks_like_token(text: str) -> bool:
    """True when `text` holds something shaped like a token (PAT, OAuth secret, JWT) or a token value this
    process has seen, in any of the forms `redact` knows: such text must never be typed where it is saved."""
    if any(shape.search(text) for shape in _TOKEN_SHAPES):
        return True
    pattern = _registry_pattern()
    return pattern is not None and pattern.search(text) is not None


def redact_data(data: Any, known: Iterable[Token] | None = None) -> Any:
    """`redact` applied to every str inside nested dicts, lists and tuples (keys included)."""
    if isinstance(data, str):
        return redact(data, known)
    if isinstance(data, dict):
        return {redact_data(k, known): redact_data(v, known) for k, v in data.items()}
    if isinstance(data, list):
        return [redact_data(v, known) for v in data]
    if isinstance(data, tuple):
        return tuple(redact_data(v, known) for v in data)
    return data


def token_forms(token: Token) -> list[str]:
    """Every form `redact` finds a token's value in (raw, URL-encoded, base64, inside any base64 blob): what
    a leak scan looks for. Secret material: keep the list inside the object that searches with it."""
    return [form for form in _forms(token.reveal()) if len(form) >= _MIN_REDACT_LENGTH]
