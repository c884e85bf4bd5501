"""Let a cell holding only `%%dbrest GET /api/...` run.

IPython refuses a cell magic whose body is empty ("the cell body is empty"). This input transformer,
run among IPython's cleanup transforms (before the cell-magic transform), rewrites such a cell to the
line form `%dbrest GET /api/...`, which behaves the same without a body.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["empty_dbrest_cell", "install", "uninstall"]

_HEAD = re.compile(r"%%dbrest(?=\s|$)")


def empty_dbrest_cell(lines: list[str]) -> list[str]:
    """`["%%dbrest GET /x\\n", "\\n"]` -> `["%dbrest GET /x\\n"]`; any other cell is returned unchanged."""
    if not lines or not _HEAD.match(lines[0]) or any(line.strip() for line in lines[1:]):
        return lines
    return [lines[0][1:].rstrip("\r\n") + "\n"]


def install(shell: Any) -> None:
    transforms = shell.input_transformers_cleanup
    if empty_dbrest_cell not in transforms:
        transforms.append(empty_dbrest_cell)


def uninstall(shell: Any) -> None:
    transforms = shell.input_transformers_cleanup
    while empty_dbrest_cell in transforms:
        transforms.remove(empty_dbrest_cell)
