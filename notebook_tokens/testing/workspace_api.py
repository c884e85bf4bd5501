"""/api/2.0/workspace/*: notebooks, files and folders (list, get-status, export, import, mkdirs, delete).

Field shapes from databricks-sdk service/workspace.py (`ObjectInfo`, `ListResponse`, `ExportResponse`,
`WorkspaceAPI.*` docstrings). A notebook is kept as nbformat 4 cells, so it exports both as SOURCE and as
JUPYTER (notebook_formats.py converts). Every user's home
folder `/Users/<userName>` and `/Shared` exist from the start; only admins read other users' homes (the
platform's default permissions on home folders).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from notebook_tokens.testing.model import User
from notebook_tokens.testing.notebook_formats import (
    COMMENT_MARKS,
    cells_from_jupyter,
    cells_from_source,
    jupyter_bytes,
    source_bytes,
    source_suffix,
)
from notebook_tokens.testing.replies import (
    ApiProblem,
    bad_request,
    opt_str,
    parse_body,
    permission_denied,
    query_one,
    query_required,
    req_str,
)

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.workspace import FakeWorkspace

# WorkspaceAPI.import_ / export: "This has a limit of 10 MB ... MAX_NOTEBOOK_SIZE_EXCEEDED".
MAX_CONTENT_BYTES = 10 * 1024 * 1024


@dataclass
class WorkspaceObject:
    path: str
    object_type: str  # NOTEBOOK | DIRECTORY | FILE (ObjectType)
    object_id: int
    created_at: int
    language: str | None = None  # notebooks only (ObjectInfo.language)
    cells: list[dict[str, Any]] = field(default_factory=list)  # notebooks: nbformat 4 cells
    data: bytes = b""  # files

    def info(self) -> dict[str, Any]:
        """`ObjectInfo.as_dict()`: size and timestamps for files only, language for notebooks only."""
        out: dict[str, Any] = {"path": self.path, "object_type": self.object_type,
                               "object_id": self.object_id, "resource_id": str(self.object_id)}
        if self.language:
            out["language"] = self.language
        if self.object_type == "FILE":
            out.update(size=len(self.data), created_at=self.created_at, modified_at=self.created_at)
        return out


def _objects(ws: FakeWorkspace) -> dict[str, WorkspaceObject]:
    return ws.workspace_objects


def _next_id(ws: FakeWorkspace) -> int:
    return max((o.object_id for o in _objects(ws).values()), default=1_000_000_000) + 1


def _norm(raw: str) -> str:
    # WorkspaceAPI: "The absolute path of the notebook or directory"; the platform answers
    # INVALID_PARAMETER_VALUE "Path (x) doesn't start with '/'" otherwise.
    if not raw.startswith("/"):
        raise bad_request(f"Path ({raw}) doesn't start with '/'")
    path = "/" + "/".join(part for part in raw.split("/") if part)
    if any(part in (".", "..") for part in path.split("/")):
        raise bad_request(f"Path ({raw}) is not a canonical path")
    return path


def _builtin_dir(ws: FakeWorkspace, path: str) -> bool:
    return path in ("/", "/Users", "/Shared") or any(path == f"/Users/{name}" for name in ws.users)


def _lookup(ws: FakeWorkspace, path: str) -> WorkspaceObject | None:
    found = _objects(ws).get(path)
    if found is None and _builtin_dir(ws, path):
        found = WorkspaceObject(path, "DIRECTORY", abs(hash(path)) % 10**15, 0)
    return found


def _missing(path: str) -> ApiProblem:
    return ApiProblem(404, "RESOURCE_DOES_NOT_EXIST", f"Path ({path}) doesn't exist.")


def _require(ws: FakeWorkspace, user: User, path: str) -> None:
    parts = path.split("/")
    if user.admin or len(parts) < 3 or parts[1] != "Users" or parts[2] == user.user_name:
        return
    raise permission_denied(f"User {user.user_name} does not have Read permission on {path}.")


def _existing(ws: FakeWorkspace, call: Call, raw: str) -> WorkspaceObject:
    path = _norm(raw)
    _require(ws, call.user, path)
    found = _lookup(ws, path)
    if found is None:
        raise _missing(path)
    return found


def _children(ws: FakeWorkspace, path: str) -> list[WorkspaceObject]:
    prefix = path.rstrip("/") + "/"
    kids = {p: o for p, o in _objects(ws).items() if p.startswith(prefix) and "/" not in p[len(prefix):]}
    if path == "/Users":
        for name in ws.users:
            kids.setdefault(f"/Users/{name}", _lookup(ws, f"/Users/{name}"))  # type: ignore[arg-type]
    return [kids[p] for p in sorted(kids)]


def list_objects(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    found = _existing(ws, call, query_required(call.query, "path"))
    items = _children(ws, found.path) if found.object_type == "DIRECTORY" else [found]
    visible = [o for o in items if call.user.admin or not _hidden(call.user, o.path)]
    return {"objects": [o.info() for o in visible]} if visible else {}


def _hidden(user: User, path: str) -> bool:
    parts = path.split("/")
    return len(parts) >= 3 and parts[1] == "Users" and parts[2] != user.user_name


def get_status(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    return _existing(ws, call, query_required(call.query, "path")).info()


def export(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    found = _existing(ws, call, query_required(call.query, "path"))
    fmt = query_one(call.query, "format") or "SOURCE"  # WorkspaceAPI.export: "By default, this is SOURCE"
    if found.object_type == "DIRECTORY":
        raise bad_request("The emulator does not export directories (the platform zips them as DBC/SOURCE).")
    if found.object_type == "FILE":
        if fmt not in ("SOURCE", "AUTO", "RAW"):
            raise bad_request(f"Export format {fmt} is not supported for files.")
        content, file_type = found.data, found.path.rsplit(".", 1)[-1] if "." in found.path else ""
    elif fmt == "SOURCE":
        content, file_type = source_bytes(found.cells, found.language), source_suffix(found.language)
    elif fmt in ("JUPYTER", "AUTO"):
        content, file_type = jupyter_bytes(found.cells, found.language), "ipynb"
    else:
        raise bad_request(f"Export format {fmt} is not supported by the emulator (SOURCE, JUPYTER, AUTO).")
    if len(content) > MAX_CONTENT_BYTES:
        raise bad_request("Notebook size exceeds the limit of 10 MB.", "MAX_NOTEBOOK_SIZE_EXCEEDED")
    return {"content": base64.b64encode(content).decode(), "file_type": file_type}


def _parent_ready(ws: FakeWorkspace, path: str) -> None:
    parent = path.rsplit("/", 1)[0] or "/"
    found = _lookup(ws, parent)
    if found is None:
        raise _missing(parent)
    if found.object_type != "DIRECTORY":
        raise ApiProblem(400, "RESOURCE_ALREADY_EXISTS", f"{parent} already exists and is not a directory.")


def import_object(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    data = parse_body(call.body)
    path = _norm(req_str(data, "path"))
    _require(ws, call.user, path)
    try:
        content = base64.b64decode(opt_str(data, "content") or "", validate=True)
    except binascii.Error:
        raise bad_request("content must be base64-encoded.") from None
    if len(content) > MAX_CONTENT_BYTES:
        raise bad_request("Content size exceeds the limit of 10 MB.", "MAX_NOTEBOOK_SIZE_EXCEEDED")
    fmt, language = opt_str(data, "format") or "SOURCE", opt_str(data, "language")
    if fmt == "AUTO":
        fmt = "JUPYTER" if path.endswith(".ipynb") else "RAW"
        path = path.removesuffix(".ipynb")  # "the item's extension is automatically removed"
    obj = WorkspaceObject(path, "NOTEBOOK", _next_id(ws), ws.now_ms(), language=language)
    if fmt == "SOURCE":
        # WorkspaceAPI.import_: "To import a single file as SOURCE, you must set the language field"
        if language not in COMMENT_MARKS:
            raise bad_request("language is required (PYTHON, SQL, SCALA or R) to import SOURCE.")
        obj.cells = cells_from_source(content.decode(errors="replace"), language)
    elif fmt == "JUPYTER":
        obj.language, obj.cells = language or "PYTHON", cells_from_jupyter(content)
    elif fmt == "RAW":
        obj.object_type, obj.language, obj.data = "FILE", None, content
    else:
        raise bad_request(f"Import format {fmt} is not supported by the emulator (SOURCE, JUPYTER, RAW).")
    existing = _lookup(ws, path)
    if existing is not None and (existing.object_type == "DIRECTORY" or not data.get("overwrite")):
        raise ApiProblem(400, "RESOURCE_ALREADY_EXISTS", f"Path ({path}) already exists.")
    _parent_ready(ws, path)
    _objects(ws)[path] = obj
    ws.changed()
    return {}


def mkdirs(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    path = _norm(req_str(parse_body(call.body), "path"))
    _require(ws, call.user, path)
    parts = path.split("/")[1:]
    for depth in range(1, len(parts) + 1):
        here = "/" + "/".join(parts[:depth])
        found = _lookup(ws, here)
        # WorkspaceAPI.mkdirs: RESOURCE_ALREADY_EXISTS for "an object (not a directory) at any prefix"
        if found is None:
            _objects(ws)[here] = WorkspaceObject(here, "DIRECTORY", _next_id(ws), ws.now_ms())
        elif found.object_type != "DIRECTORY":
            raise ApiProblem(400, "RESOURCE_ALREADY_EXISTS", f"Path ({here}) exists and is not a directory.")
    ws.changed()
    return {}


def delete(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    data = parse_body(call.body)
    found = _existing(ws, call, req_str(data, "path"))
    inside = [p for p in _objects(ws) if p.startswith(found.path.rstrip("/") + "/")]
    if inside and not data.get("recursive"):  # WorkspaceAPI.delete: DIRECTORY_NOT_EMPTY
        raise ApiProblem(400, "DIRECTORY_NOT_EMPTY", f"Folder ({found.path}) is not empty.")
    for path in [*inside, found.path]:
        _objects(ws).pop(path, None)
    ws.changed()
    return {}


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "/api/2.0/workspace/list"): list_objects,
    ("GET", "/api/2.0/workspace/get-status"): get_status,
    ("GET", "/api/2.0/workspace/export"): export,
    ("POST", "/api/2.0/workspace/import"): import_object,
    ("POST", "/api/2.0/workspace/mkdirs"): mkdirs,
    ("POST", "/api/2.0/workspace/delete"): delete,
}
