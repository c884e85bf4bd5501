"""Which part of a notebook a hit is in: `cell 3, outputs`, `cell 1, source`, `widget state`.

The file is byte-scanned first (fast); only a notebook with hits is parsed. `json` keeps the file's key
order, so walking the parsed notebook meets its strings in file order, and the k-th hit lands in the
first string at or after the (k-1)-th that holds its text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from notebook_tokens.lifecycle.leaks.matcher import RawHit

__all__ = ["notebook_parts"]


def _strings(node: Any, label: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield label, node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value, label)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value, label)


def _leaves(notebook: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in notebook.items():
        if key == "cells" and isinstance(value, list):
            for number, cell in enumerate(value, start=1):
                if isinstance(cell, dict):
                    for part, content in cell.items():
                        yield from _strings(content, f"cell {number}, {part}")
        elif key == "metadata" and isinstance(value, dict):
            for meta_key, meta in value.items():
                yield from _strings(meta, "widget state" if meta_key == "widgets" else "notebook metadata")


def notebook_parts(content: bytes, hits: list[RawHit]) -> dict[int, str]:
    """hit.start -> the part of the notebook holding it; empty when `content` is not a notebook."""
    try:
        notebook = json.loads(content)
    except (UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(notebook, dict):
        return {}
    leaves = list(_leaves(notebook))
    parts: dict[int, str] = {}
    index, position = 0, 0
    for hit in sorted(hits, key=lambda h: h.start):
        needle = content[hit.start:hit.end].decode(errors="replace")
        for attempt in range(2):  # the second pass, from the start, for a value the walk passed (a key)
            start_index = index if attempt == 0 else 0
            for current in range(start_index, len(leaves)):
                at = leaves[current][1].find(needle, position if current == index and attempt == 0 else 0)
                if at != -1:
                    parts[hit.start] = leaves[current][0]
                    index, position = current, at + len(needle)
                    break
            if hit.start in parts:
                break
    return parts
