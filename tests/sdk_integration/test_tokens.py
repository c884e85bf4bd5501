"""Tokens and token management through the SDK client, in the style of upstream's integration tests (upstream
has none for these areas). Only what holds whatever the lifetime rules are: create, list, get, delete."""

from __future__ import annotations

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound, PermissionDenied

from notebook_tokens.testing import EmulatorServer

from .conftest import client


def test_create_list_delete_token(w: WorkspaceClient, random) -> None:
    comment = f"sdk-{random(8)}"
    created = w.tokens.create(comment=comment, lifetime_seconds=3600)
    assert created.token_value and created.token_info and created.token_info.comment == comment
    assert created.token_info.token_id in [t.token_id for t in w.tokens.list()]
    w.tokens.delete(created.token_info.token_id)
    assert created.token_info.token_id not in [t.token_id for t in w.tokens.list()]


def test_new_token_authenticates_as_its_creator(w: WorkspaceClient, emulator: EmulatorServer, random) -> None:
    created = w.tokens.create(comment=f"sdk-{random(8)}", lifetime_seconds=600)
    assert created.token_value
    assert client(emulator, created.token_value).current_user.me().user_name == w.current_user.me().user_name


def test_deleted_token_is_refused(w: WorkspaceClient, emulator: EmulatorServer, random) -> None:
    created = w.tokens.create(comment=f"sdk-{random(8)}", lifetime_seconds=600)
    assert created.token_value and created.token_info and created.token_info.token_id
    w.tokens.delete(created.token_info.token_id)
    with pytest.raises(PermissionDenied, match="Invalid access token"):
        client(emulator, created.token_value).current_user.me()


def test_token_management_lists_gets_and_deletes_a_users_token(
    w: WorkspaceClient, user_client: WorkspaceClient, random
) -> None:
    created = user_client.tokens.create(comment=f"managed-{random(8)}", lifetime_seconds=600)
    assert created.token_info and created.token_info.token_id
    token_id = created.token_info.token_id
    user_name = user_client.current_user.me().user_name
    listed = list(w.token_management.list(created_by_username=user_name))
    assert token_id in [t.token_id for t in listed]
    info = w.token_management.get(token_id).token_info
    assert info and info.created_by_username == user_name and info.comment == created.token_info.comment
    w.token_management.delete(token_id)
    with pytest.raises(NotFound):
        w.token_management.get(token_id)


def test_token_management_is_for_admins_only(user_client: WorkspaceClient) -> None:
    with pytest.raises(PermissionDenied):
        list(user_client.token_management.list())
