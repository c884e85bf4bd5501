"""The two notebook formats /api/2.0/workspace/export and /import speak, over nbformat 4 cells.

- SOURCE: the cells' sources joined by `<comment> COMMAND ----------` lines under a
  `<comment> Databricks notebook source` header, outputs dropped (the platform's .py/.sql/.scala/.r export).
- JUPYTER: an nbformat 4 notebook, outputs kept.
Languages and file suffixes from databricks-sdk service/workspace.py (`Language`, `ExportResponse.file_type`).
"""

from __future__ import annotations

import json
from typing import Any

from notebook_tokens.testing.replies import bad_request

__all__ = ["COMMENT_MARKS", "cells_from_jupyter", "cells_from_source", "jupyter_bytes", "source_bytes",
           "source_suffix"]

COMMENT_MARKS = {"PYTHON": "#", "R": "#", "SQL": "--", "SCALA": "//"}
_SUFFIX = {"PYTHON": "py", "R": "r", "SQL": "sql", "SCALA": "scala"}


def source_suffix(language: str | None) -> str:
    """The `file_type` of a SOURCE export (a notebook without a language is Python)."""
    return _SUFFIX.get(language or "PYTHON", "py")


def source_bytes(cells: list[dict[str, Any]], language: str | None) -> bytes:
    """A SOURCE export: the header, then each cell's source, `COMMAND` lines between; outputs dropped."""
    mark = COMMENT_MARKS.get(language or "PYTHON", "#")
    bodies = ["".join(c.get("source") or "") if isinstance(c.get("source"), list) else str(c.get("source"))
              for c in cells]
    text = f"{mark} Databricks notebook source\n" + f"\n\n{mark} COMMAND ----------\n\n".join(bodies)
    return text.encode()


def jupyter_bytes(cells: list[dict[str, Any]], language: str | None) -> bytes:
    """A JUPYTER export: the cells as they are, outputs included."""
    info = {"name": (language or "python").lower()}
    notebook = {"cells": cells, "metadata": {"language_info": info}, "nbformat": 4,
                "nbformat_minor": 5}
    return json.dumps(notebook, indent=1).encode()


def cells_from_source(text: str, language: str) -> list[dict[str, Any]]:
    """A SOURCE import: one code cell per `COMMAND` section, the header dropped."""
    mark = COMMENT_MARKS[language]
    header = f"{mark} Databricks notebook source"
    if text.startswith(header):
        text = text[len(header):].lstrip("\n")
    parts = text.split(f"\n{mark} COMMAND ----------\n")
    return [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
             "source": part.strip("\n")} for part in parts]


def cells_from_jupyter(content: bytes) -> list[dict[str, Any]]:
    """A JUPYTER import: its cells; BAD_REQUEST when it is not a notebook."""
    try:
        notebook = json.loads(content)
    except (UnicodeDecodeError, ValueError):
        raise bad_request("The content is not a valid Jupyter notebook (JSON).") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise bad_request("The content is not a valid Jupyter notebook: no cells.")
    return cells
