"""Local files and folders: which files are scanned (by suffix, honouring .gitignore), and each file's hits.

A file is read in 64 KiB chunks (bounded memory); the lines of a file with hits are counted in a second
pass, so the common case (no hit) reads each byte once and counts nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from notebook_tokens.lifecycle.leaks.cells import notebook_parts
from notebook_tokens.lifecycle.leaks.gitignore import IgnoreRules
from notebook_tokens.lifecycle.leaks.hits import Hit
from notebook_tokens.lifecycle.leaks.matcher import Matcher, RawHit, line_numbers, scan_stream

__all__ = ["SUFFIXES", "Tally", "local_files", "scan_file", "scan_paths", "wanted"]

SUFFIXES = frozenset({
    ".ipynb", ".py", ".sql", ".scala", ".r", ".md", ".txt", ".json", ".yml", ".yaml", ".env", ".cfg",
    ".ini", ".netrc",
})
_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn"})
_NOTEBOOK_MAX = 256 << 20  # a notebook with hits is parsed to name the cell; past this, only its lines


@dataclass
class Tally:
    """What a scan covered: files and bytes read, and what could not be read (path: reason)."""

    files: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)


def wanted(path: Path) -> bool:
    """A scanned kind of file: one of SUFFIXES (`.env`, `.netrc` included), or no extension at all."""
    suffix = os.path.splitext(path.name)[1].lower()
    return suffix in SUFFIXES or suffix == ""


def local_files(root: Path, tally: Tally) -> Iterator[Path]:
    """`root` itself when it is a file (named explicitly: scanned whatever its kind), else the wanted files
    below it that no .gitignore excludes. Symbolic links are not followed (no loops, nothing outside)."""
    if root.is_file():
        yield root
        return
    stack: list[tuple[Path, IgnoreRules]] = [(root, IgnoreRules().below(root))]
    while stack:
        directory, rules = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name, reverse=True)
        except OSError as error:
            tally.problems.append(f"{directory}: {error.strerror or error}")
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if entry.name not in _SKIPPED_DIRS and not rules.ignored(path, is_dir=True):
                    stack.append((path, rules.below(path)))
            elif entry.is_file() and wanted(path) and not rules.ignored(path, is_dir=False):
                yield path


def scan_file(path: Path, matcher: Matcher, tally: Tally) -> list[Hit]:
    try:
        with open(path, "rb", buffering=0) as stream:
            raw = list(scan_stream(stream.read, matcher))
            tally.files += 1
            tally.bytes += stream.tell()
            if not raw:
                return []
            stream.seek(0)
            lines = line_numbers(stream.read, [hit.start for hit in raw])
            parts = _parts(path, raw)
    except OSError as error:
        tally.problems.append(f"{path}: {error.strerror or error}")
        return []
    return [Hit("file", str(path), lines.get(h.start, 0), parts.get(h.start, ""), h.form, h.token, h.start,
                h.end - h.start)
            for h in raw]


def _parts(path: Path, raw: list[RawHit]) -> dict[int, str]:
    if path.suffix.lower() != ".ipynb" or path.stat().st_size > _NOTEBOOK_MAX:
        return {}
    return notebook_parts(path.read_bytes(), raw)


def scan_paths(roots: list[Path], matcher: Matcher, tally: Tally) -> Iterator[Hit]:
    seen: set[Path] = set()
    for root in roots:
        if not root.exists():
            tally.problems.append(f"{root}: no such file or directory")
            continue
        for path in local_files(root, tally):
            if len(roots) > 1:  # overlapping roots (`. notebooks/`): each file once
                resolved = path.resolve()
                if resolved in seen:
                    continue
                seen.add(resolved)
            yield from scan_file(path, matcher, tally)
