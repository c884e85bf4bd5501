"""The emulator's Workspace API (notebooks, files, folders) through the official databricks-sdk client."""

from __future__ import annotations

import base64
import json

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config
from databricks.sdk.errors import BadRequest, NotFound, PermissionDenied, ResourceAlreadyExists
from databricks.sdk.service.workspace import ExportFormat, ImportFormat, Language, ObjectInfo, ObjectType

from notebook_tokens.testing import EmulatorServer

HOME = "/Users/user@example.com"
NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "source": "print(1)", "metadata": {}, "execution_count": 1,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "1\n"}]},
        {"cell_type": "code", "source": "x = 2", "metadata": {}, "execution_count": 2, "outputs": []},
    ],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
}


def client(server: EmulatorServer, token: str) -> WorkspaceClient:
    return WorkspaceClient(config=Config(host=server.url, token=token, retry_timeout_seconds=5))


@pytest.fixture
def user(emulator: EmulatorServer) -> WorkspaceClient:
    return client(emulator, emulator.workspace.user_token)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_jupyter_import_exports_with_outputs_as_jupyter_and_without_as_source(user: WorkspaceClient) -> None:
    user.workspace.mkdirs(f"{HOME}/proj")
    user.workspace.import_(f"{HOME}/proj/nb", content=_b64(json.dumps(NOTEBOOK).encode()),
                           format=ImportFormat.JUPYTER)
    jupyter = user.workspace.export(f"{HOME}/proj/nb", format=ExportFormat.JUPYTER)
    cells = json.loads(base64.b64decode(jupyter.content or ""))["cells"]
    assert jupyter.file_type == "ipynb" and cells[0]["outputs"][0]["text"] == "1\n"
    source = base64.b64decode(user.workspace.export(f"{HOME}/proj/nb").content or "").decode()
    assert source == "# Databricks notebook source\nprint(1)\n\n# COMMAND ----------\n\nx = 2"


def test_list_and_get_status_round_trip_through_object_info(user: WorkspaceClient) -> None:
    user.workspace.import_(f"{HOME}/q", content=_b64(b"SELECT 1"), format=ImportFormat.SOURCE,
                           language=Language.SQL)
    user.workspace.import_(f"{HOME}/data.txt", content=_b64(b"hello"), format=ImportFormat.RAW)
    listed = {o.path: o for o in user.workspace.list(HOME)}
    query = listed[f"{HOME}/q"]
    assert query.object_type == ObjectType.NOTEBOOK and query.language == Language.SQL
    assert listed[f"{HOME}/data.txt"].object_type == ObjectType.FILE and listed[f"{HOME}/data.txt"].size == 5
    status = user.workspace.get_status(f"{HOME}/data.txt")
    assert ObjectInfo.from_dict(status.as_dict()) == status
    assert base64.b64decode(user.workspace.export(f"{HOME}/data.txt").content or "") == b"hello"


def test_missing_paths_conflicts_and_relative_paths_are_refused(user: WorkspaceClient) -> None:
    with pytest.raises(NotFound, match="doesn't exist"):
        user.workspace.get_status(f"{HOME}/nope")
    user.workspace.import_(f"{HOME}/f.py", content=_b64(b"x"), format=ImportFormat.RAW)
    with pytest.raises(ResourceAlreadyExists):
        user.workspace.import_(f"{HOME}/f.py", content=_b64(b"y"), format=ImportFormat.RAW)
    user.workspace.import_(f"{HOME}/f.py", content=_b64(b"y"), format=ImportFormat.RAW, overwrite=True)
    with pytest.raises(BadRequest, match="start with '/'"):
        list(user.workspace.list("Users/user@example.com"))  # the SDK's list is a lazy generator
    with pytest.raises(BadRequest, match="language is required"):
        user.workspace.import_(f"{HOME}/nb", content=_b64(b"x"), format=ImportFormat.SOURCE)


def test_non_empty_folder_needs_recursive_delete(user: WorkspaceClient) -> None:
    user.workspace.mkdirs(f"{HOME}/a/b")
    user.workspace.import_(f"{HOME}/a/b/f.txt", content=_b64(b"x"), format=ImportFormat.RAW)
    with pytest.raises(BadRequest, match="not empty"):
        user.workspace.delete(f"{HOME}/a")
    user.workspace.delete(f"{HOME}/a", recursive=True)
    assert list(user.workspace.list(HOME)) == []


def test_only_admins_read_another_users_home(emulator: EmulatorServer, user: WorkspaceClient) -> None:
    admin = client(emulator, emulator.workspace.admin_token)
    admin.workspace.import_("/Users/admin@example.com/secret.py", content=_b64(b"x"), format=ImportFormat.RAW)
    with pytest.raises(PermissionDenied):
        list(user.workspace.list("/Users/admin@example.com"))
    admin.workspace.import_(f"{HOME}/by-admin.txt", content=_b64(b"x"), format=ImportFormat.RAW)
    assert [o.path for o in admin.workspace.list(HOME)] == [f"{HOME}/by-admin.txt"]
    assert [o.path for o in user.workspace.list("/Users")] == [HOME]


def test_a_sql_source_notebook_keeps_its_commands_and_comment_mark_through_import_and_export(
    user: WorkspaceClient,
) -> None:
    """SOURCE in, SOURCE out: one cell per `-- COMMAND` section, the `.sql` file type, the same text."""
    text = "-- Databricks notebook source\nSELECT 1\n\n-- COMMAND ----------\n\nSELECT 2"
    user.workspace.import_(f"{HOME}/two", content=_b64(text.encode()), format=ImportFormat.SOURCE,
                           language=Language.SQL)
    exported = user.workspace.export(f"{HOME}/two", format=ExportFormat.SOURCE)
    assert exported.file_type == "sql"
    assert base64.b64decode(exported.content or "").decode() == text
    jupyter = user.workspace.export(f"{HOME}/two", format=ExportFormat.JUPYTER)
    cells = json.loads(base64.b64decode(jupyter.content or ""))["cells"]
    assert [cell["source"] for cell in cells] == ["SELECT 1", "SELECT 2"]
