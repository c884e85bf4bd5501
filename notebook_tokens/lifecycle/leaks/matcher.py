"""The search: the PAT shape and every form of every known token, over bytes, in bounded memory.

A chunk is searched with `bytes.find` for each needle (`dapi`, the base64 anchors of encoded.py, and the
forms of known tokens that are not PATs), which runs at memory speed, and with the compiled regex only
where a needle was found. A known PAT needs no needle of its own: the PAT shape finds it raw (its URL
encoding is the same), the anchors find it in base64. Chunks overlap by the longest match less one byte,
so a value across a chunk boundary is found once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from notebook_tokens.core.redact import PAT_PATTERN, Token, token_forms
from notebook_tokens.lifecycle.leaks.encoded import ANCHORS, WINDOW, decode_around

__all__ = ["CHUNK", "Matcher", "RawHit", "line_numbers", "scan_bytes", "scan_stream"]

CHUNK = 1 << 16  # 64 KiB: the copy and the passes stay in the CPU's cache (worker.py has the numbers)
# gitleaks' rule databricks-api-token: dapi[a-f0-9]{32}(?:-\d)? (the same as the redaction pattern)
_PAT = re.compile(PAT_PATTERN.pattern.encode())
_PAT_LONGEST = 4 + 32 + 2
_PREFIX = b"dapi"


@dataclass(frozen=True)
class RawHit:
    """A value at [start, end) of a stream; `token` is the value found, or the known token it encodes."""

    start: int
    end: int
    form: str  # "PAT" | "value" | "URL-encoded" | "base64"
    token: Token


class Matcher:
    """What to look for. Holds the encoded forms of secrets, so its repr says only how many."""

    def __init__(self, known: Iterable[Token] = (), *, base64: bool = True) -> None:
        needles: dict[bytes, tuple[str, Token]] = {}
        for token in known:
            value = token.reveal()
            if base64 and _PAT.fullmatch(value.encode()):
                continue  # found raw by the PAT shape, in base64 by the anchors
            for form in token_forms(token):
                raw = form.encode()
                if _PAT.fullmatch(raw) or raw in needles:
                    continue
                kind = "value" if form == value else "URL-encoded" if form == quote(value, safe="") else (
                    "base64")
                needles[raw] = (kind, token)
        self._needles = sorted(needles.items(), key=lambda item: -len(item[0]))
        self._anchors = ANCHORS if base64 else ()
        self.base64 = base64
        self.longest = max([_PAT_LONGEST, WINDOW + 4 if base64 else 0, *(len(n) for n in needles)])

    @property
    def has_secret_needles(self) -> bool:
        """Whether this matcher holds forms of known tokens (which must not leave the process)."""
        return bool(self._needles)

    def __repr__(self) -> str:
        shapes = "the PAT shape, raw and in base64" if self._anchors else "the PAT shape"
        return f"Matcher({shapes}, and {len(self._needles)} forms of known tokens that are not PATs)"

    def find(self, buf: bytes, limit: int) -> list[RawHit]:
        """Hits in `buf` that start before `limit`, longest first where two overlap, in order."""
        found = self._pats(buf, limit)
        for anchor in self._anchors:
            at = buf.find(anchor, 0, limit + len(anchor) - 1)
            while at != -1:
                decoded = decode_around(buf, at)
                if decoded is not None:
                    found.append(RawHit(decoded[0], decoded[1], "base64", Token(decoded[2])))
                at = buf.find(anchor, at + 1, limit + len(anchor) - 1)
        for needle, (kind, token) in self._needles:
            at = buf.find(needle)
            while at != -1 and at < limit:
                found.append(RawHit(at, at + len(needle), kind, token))
                at = buf.find(needle, at + len(needle))
        if len(found) < 2:
            return found
        return _without_overlaps(found)

    @staticmethod
    def _pats(buf: bytes, limit: int) -> list[RawHit]:
        found: list[RawHit] = []
        end = limit + len(_PREFIX) - 1
        at, misses = buf.find(_PREFIX, 0, end), 0
        while at != -1:
            match = _PAT.match(buf, at)
            if match is not None:
                found.append(RawHit(at, match.end(), "PAT", Token(match.group().decode())))
                at = buf.find(_PREFIX, match.end(), end)
                continue
            misses += 1
            if misses > 32:  # "dapi" is common here: let the regex's own C loop walk the rest
                found.extend(RawHit(m.start(), m.end(), "PAT", Token(m.group().decode()))
                             for m in _PAT.finditer(buf, at + 1) if m.start() < limit)
                break
            at = buf.find(_PREFIX, at + 1, end)
        return found


def _without_overlaps(found: list[RawHit]) -> list[RawHit]:
    kept: list[RawHit] = []
    for hit in sorted(found, key=lambda h: (h.start, -(h.end - h.start))):
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def scan_stream(read: Callable[[int], bytes], matcher: Matcher, *, chunk: int = CHUNK) -> Iterator[RawHit]:
    """Hits in the stream `read(n)` gives, with absolute offsets; at most two chunks in memory."""
    keep = matcher.longest - 1
    base = 0
    buf = read(chunk)
    while buf:
        following = read(chunk)
        limit = len(buf) if not following else max(0, len(buf) - keep)
        for hit in matcher.find(buf, limit):
            yield RawHit(base + hit.start, base + hit.end, hit.form, hit.token)
        if not following:
            return
        base += limit
        buf = buf[limit:] + following


def scan_bytes(data: bytes, matcher: Matcher) -> list[RawHit]:
    """Hits in content already in memory (a workspace export, a git blob)."""
    return matcher.find(data, len(data))


def line_numbers(read: Callable[[int], bytes], offsets: list[int], *, chunk: int = CHUNK) -> dict[int, int]:
    """The 1-based line of each offset, counting newlines in one streaming pass (for files with hits only)."""
    lines: dict[int, int] = {}
    pending = sorted(set(offsets))
    base, newlines = 0, 0
    while pending:
        buf = read(chunk)
        if not buf:
            break
        while pending and pending[0] < base + len(buf):
            lines[pending[0]] = newlines + buf.count(b"\n", 0, pending[0] - base) + 1
            pending.pop(0)
        newlines += buf.count(b"\n")
        base += len(buf)
    return lines
