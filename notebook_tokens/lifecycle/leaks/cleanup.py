"""Clean up after a leak: rewrite local files with `[REDACTED]` in place of each value, revoke live tokens.

A rewrite keeps every other byte: the file is copied to a temporary file beside it, each hit's byte range
replaced, then renamed over the original (same permissions). A PAT, a base64 or URL-encoded form never
holds a quote or a backslash, so a value inside a JSON string is replaced inside that string and a
notebook stays valid JSON; it is parsed before the rename anyway, and the file is rescanned after.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from notebook_tokens.core.redact import REDACTED
from notebook_tokens.lifecycle.admin import RevokeResult, bulk_revoke
from notebook_tokens.lifecycle.leaks.files import Tally, scan_file
from notebook_tokens.lifecycle.leaks.hits import Finding, Hit
from notebook_tokens.lifecycle.leaks.matcher import CHUNK, Matcher

if TYPE_CHECKING:
    from notebook_tokens.lifecycle.tokens import TokenManager

__all__ = ["FileRewrite", "redact_files", "revoke_findings"]


@dataclass(frozen=True)
class FileRewrite:
    path: str
    replaced: int
    ok: bool
    message: str


def _copy(reader: BinaryIO, writer: BinaryIO, count: int) -> None:
    while count > 0:
        chunk = reader.read(min(CHUNK, count))
        if not chunk:
            return
        writer.write(chunk)
        count -= len(chunk)


def _copy_replacing(source: Path, target: int, spans: list[tuple[int, int]]) -> None:
    with open(source, "rb") as reader, os.fdopen(target, "wb") as writer:
        position = 0
        for start, end in spans:
            if start < position:  # overlapping spans: the first one covered it
                continue
            _copy(reader, writer, start - position)
            writer.write(REDACTED.encode())
            reader.seek(end)
            position = end
        while chunk := reader.read(CHUNK):
            writer.write(chunk)


def _rewrite(path: Path, hits: list[Hit], matcher: Matcher) -> FileRewrite:
    spans = sorted({(hit.offset, hit.offset + hit.length) for hit in hits})
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".redacting", dir=path.parent)
    try:
        _copy_replacing(path, handle, spans)
        if path.suffix.lower() == ".ipynb":
            json.loads(Path(temporary).read_bytes())  # ValueError: keep the original
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except (OSError, ValueError) as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return FileRewrite(str(path), 0, False, f"not rewritten: {type(error).__name__}: {error}")
    left = scan_file(path, matcher, Tally())
    if left:
        return FileRewrite(str(path), len(spans), False, f"{len(left)} value(s) remain: edit by hand")
    return FileRewrite(str(path), len(spans), True, "redacted")


def redact_files(findings: Iterable[Finding], matcher: Matcher) -> list[FileRewrite]:
    """Rewrite each local file holding a hit (git and workspace hits are left alone)."""
    by_file: dict[str, list[Hit]] = {}
    for finding in findings:
        if finding.hit.origin == "file":
            by_file.setdefault(finding.hit.where, []).append(finding.hit)
    return [_rewrite(Path(name), hits, matcher) for name, hits in by_file.items()]


def revoke_findings(manager: TokenManager, findings: Iterable[Finding], user: str) -> list[RevokeResult]:
    """Revoke each live token once: the user's own with token/delete, other users' with token management
    (admins). The token in use is the caller's to rotate first: it is not revoked here."""
    own: dict[str, None] = {}
    others: dict[str, None] = {}
    for finding in findings:
        if finding.status != "live" or finding.in_use or not finding.token_id:
            continue
        if manager.current_token_id() == finding.token_id:
            continue
        (own if finding.owner in (None, user) else others)[finding.token_id] = None
    results: list[RevokeResult] = []
    for token_id in own:
        try:
            manager.revoke(token_id, missing_ok=True)
            results.append(RevokeResult(token_id, True, "revoked"))
        except Exception as error:  # one failure must not hide the others' results
            results.append(RevokeResult(token_id, False, f"{type(error).__name__}: {error}"))
    if others:
        results.extend(bulk_revoke(manager, list(others)))
    return results
