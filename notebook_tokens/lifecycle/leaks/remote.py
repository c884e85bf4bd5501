"""The workspace's notebooks and files under a folder, through the Workspace API (`workspace/list`,
`workspace/export`). Notebooks are exported as JUPYTER, which keeps their outputs (a PAT printed by a cell
is in an output, not in the source); files as SOURCE (their bytes). One export is at most 10 MB (the
platform's limit), so memory stays bounded.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from notebook_tokens.core.errors import ApiError
from notebook_tokens.lifecycle.leaks.cells import notebook_parts
from notebook_tokens.lifecycle.leaks.files import Tally
from notebook_tokens.lifecycle.leaks.hits import Hit
from notebook_tokens.lifecycle.leaks.matcher import Matcher, scan_bytes

if TYPE_CHECKING:
    from notebook_tokens.http.workspace import WorkspaceSession

__all__ = ["home_folder", "scan_workspace"]

_FOLDERS = ("DIRECTORY", "REPO")  # ObjectType: a Git folder (REPO) lists like a directory


def home_folder(user_name: str) -> str:
    return f"/Users/{user_name}"


def _objects(session: WorkspaceSession, folder: str, tally: Tally) -> Iterator[dict[str, Any]]:
    pending = [folder]
    while pending:
        path = pending.pop()
        try:
            answer = session.api("GET", "/api/2.0/workspace/list", params={"path": path})
        except ApiError as error:
            if path == folder:
                raise
            tally.problems.append(f"workspace:{path}: {error.message}")
            continue
        for item in sorted(answer.get("objects") or [], key=lambda o: str(o.get("path")), reverse=True):
            if item.get("object_type") in _FOLDERS:
                pending.append(str(item["path"]))
            elif item.get("object_type") in ("NOTEBOOK", "FILE"):
                yield item


def _export(session: WorkspaceSession, item: dict[str, Any], tally: Tally) -> bytes | None:
    notebook = item.get("object_type") == "NOTEBOOK"
    params = {"path": str(item["path"]), "format": "JUPYTER" if notebook else "SOURCE"}
    try:
        answer = session.api("GET", "/api/2.0/workspace/export", params=params)
        return base64.b64decode(str(answer.get("content") or ""), validate=True)
    except ApiError as error:
        tally.problems.append(f"workspace:{item['path']}: {error.error_code or error.status} {error.message}")
    except (binascii.Error, ValueError):
        tally.problems.append(f"workspace:{item['path']}: the export was not base64")
    return None


def scan_workspace(session: WorkspaceSession, folder: str, matcher: Matcher, tally: Tally) -> Iterator[Hit]:
    """Hits in every notebook (cells, outputs) and file under `folder`; what cannot be exported is noted
    in `tally.problems` and skipped."""
    for item in _objects(session, folder, tally):
        content = _export(session, item, tally)
        if content is None:
            continue
        tally.files += 1
        tally.bytes += len(content)
        raw = scan_bytes(content, matcher)
        notebook = item.get("object_type") == "NOTEBOOK"
        parts = notebook_parts(content, raw) if raw and notebook else {}
        for hit in raw:
            line = content.count(b"\n", 0, hit.start) + 1
            yield Hit("workspace", str(item["path"]), line, parts.get(hit.start, ""), hit.form, hit.token,
                      hit.start, hit.end - hit.start)
