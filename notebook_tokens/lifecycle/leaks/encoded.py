"""PATs inside base64: `Authorization: Basic base64("token:" + PAT)` in a saved output, a .netrc turned
into a header, a JSON body sent base64-encoded. Every PAT starts with `dapi`, so its base64 at each of the 3
byte alignments contains a fixed anchor (`ZGFw`, `RhcG`, `kYXB`); around an anchor the base64 run is
decoded at the 4 possible group boundaries and searched for the PAT shape. Three `bytes.find` passes
cover the base64 of every PAT, known to this kernel or not, in the standard and URL-safe alphabets.
"""

from __future__ import annotations

import base64
import binascii
import re

__all__ = ["ANCHORS", "PAT_BYTES", "WINDOW", "decode_around", "value_chars"]

# core.redact's PAT_PATTERN over bytes, written out: a scan worker imports this module and nothing of the
# package above it (tests/test_leak_workers.py checks that the two are the same)
PAT_BYTES = re.compile(rb"dapi[0-9a-f]{32}(?:-\d)?")
WINDOW = 64  # base64 characters after an anchor that can still encode part of a PAT (38 bytes -> 51 + 13)
_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")
_TO_STANDARD = bytes.maketrans(b"-_", b"+/")


def value_chars(prefix_bytes: int, value_bytes: int) -> tuple[int, int]:
    """The base64 characters (from a group boundary) that depend on the value's bits alone, for a value
    after `prefix_bytes` bytes: the same slice `core.redact` redacts inside any base64 blob."""
    return -(-8 * prefix_bytes // 6), (8 * (prefix_bytes + value_bytes)) // 6


def _anchors() -> tuple[bytes, ...]:
    found = []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + b"dapi" + b"\0\0")
        first, _ = value_chars(offset, 4)
        # 4 characters are enough to be rare in base64 (1 in 16.7M positions) and in text; ending on an
        # uppercase letter makes `bytes.find` skip faster (it tests the needle's last byte first)
        found.append(encoded[first:first + 4])
    return tuple(found)


ANCHORS = _anchors()


def _decode(buf: bytes, start: int, right: int, padded: int) -> re.Match[bytes] | None:
    ends = [padded] if (padded - start) % 4 == 0 else []
    ends.append(start + (right - start) // 4 * 4)
    for end in ends:
        try:
            # b64decode(validate=True), not a2b_base64(strict_mode=True): that keyword is Python 3.11+
            decoded = base64.b64decode(buf[start:end].translate(_TO_STANDARD), validate=True)
        except binascii.Error:
            continue
        match = PAT_BYTES.search(decoded)
        if match is not None:
            return match
    return None


def decode_around(buf: bytes, at: int) -> tuple[int, int, str] | None:
    """(start, end, PAT) for a base64-encoded PAT whose anchor is at `at`; [start, end) is the characters
    that encode the PAT alone (redacting them leaves at most 4 of its bits in each neighbour)."""
    right = at
    stop = min(len(buf), at + WINDOW)
    while right < stop and buf[right] in _ALPHABET:
        right += 1
    padded = right
    while padded < min(len(buf), right + 2) and buf[padded] == ord("="):
        padded += 1  # the padding that completes the last group
    for start in range(max(0, at - 3), at + 1):  # one of these is a group boundary of the run
        found = _decode(buf, start, right, padded)
        if found is not None:
            first, last = value_chars(found.start(), found.end() - found.start())
            if start + first <= at < start + last:
                return start + first, start + last, found.group().decode()
    return None
