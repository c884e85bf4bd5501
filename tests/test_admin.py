"""Token administration against the emulator: everyone's tokens, filters, bulk revoke with 429s, settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tokensupport import session_for

from notebook_tokens.core.errors import AdminOnlyError
from notebook_tokens.http.retrying import RetryPolicy
from notebook_tokens.http.workspace import WorkspaceSession
from notebook_tokens.lifecycle.admin import admin_list, bulk_revoke, set_workspace_conf
from notebook_tokens.lifecycle.conf import workspace_conf
from notebook_tokens.lifecycle.tokens import TokenManager
from notebook_tokens.notebook.cardviews import revoke_results_text

DAY_MS = 86_400_000


@pytest.fixture
def admin(emulator: Any) -> Iterator[TokenManager]:
    session = session_for(emulator.url, emulator.workspace.admin_token)
    yield TokenManager(session)
    session.close()


@pytest.fixture
def user(emulator: Any) -> Iterator[TokenManager]:
    session = session_for(emulator.url, emulator.workspace.user_token)
    yield TokenManager(session)
    session.close()


def seed_expired(ws: Any, count: int) -> list[str]:
    now = ws.now_ms()
    owners = [ws.admin_user_name, ws.user_user_name]
    return [
        # last used 10 days ago: a token unused for 90 days would already be revoked for inactivity
        ws.issue_token(owners[n % 2], comment=f"old {n}", creation_time_ms=now - 100 * DAY_MS + n,
                       expiry_time_ms=now - DAY_MS, last_used_day=ws.today_ms() - 10 * DAY_MS)[1]
        for n in range(count)
    ]


def test_admin_lists_everyone_with_owner(admin: TokenManager, emulator: Any) -> None:
    ws = emulator.workspace
    owners = {info.created_by for info in admin_list(admin)}
    assert owners == {ws.admin_user_name, ws.user_user_name}
    assert sum(info.in_use for info in admin_list(admin)) == 1


def test_admin_list_filters_by_user(admin: TokenManager, emulator: Any) -> None:
    infos = admin_list(admin, user="user@example.com")
    assert infos and all(info.created_by == "user@example.com" for info in infos)


def test_admin_list_filters_expired(admin: TokenManager, emulator: Any) -> None:
    expired_ids = set(seed_expired(emulator.workspace, 3))
    assert {info.token_id for info in admin_list(admin, expired=True)} == expired_ids
    assert not expired_ids & {info.token_id for info in admin_list(admin, expired=False)}


def test_admin_list_filters_unused_for_n_days(admin: TokenManager, emulator: Any) -> None:
    ws = emulator.workspace
    today = ws.today_ms()
    _, stale = ws.issue_token(ws.user_user_name, comment="stale", creation_time_ms=today - 200 * DAY_MS,
                              last_used_day=today - 60 * DAY_MS)
    _, fresh = ws.issue_token(ws.user_user_name, comment="fresh", creation_time_ms=today - 200 * DAY_MS,
                              last_used_day=today - 2 * DAY_MS)
    found = {info.token_id for info in admin_list(admin, unused_days=30)}
    assert stale in found and fresh not in found
    assert next(i for i in admin_list(admin) if i.token_id == stale).last_used is not None


def test_non_admin_listing_everyone_gets_admins_only(user: TokenManager) -> None:
    with pytest.raises(AdminOnlyError, match="admins only"):
        admin_list(user)


def test_non_admin_bulk_revoke_gets_admins_only_before_any_delete(user: TokenManager, emulator: Any) -> None:
    ids = seed_expired(emulator.workspace, 2)
    emulator.workspace.clear_requests()
    with pytest.raises(AdminOnlyError, match="admins only"):
        bulk_revoke(user, ids)
    assert not [r for r in emulator.workspace.requests if r.method == "DELETE"]


def test_non_admin_changing_settings_gets_admins_only(user: TokenManager) -> None:
    with pytest.raises(AdminOnlyError, match="admins only"):
        set_workspace_conf(user, max_lifetime_days=30)


def test_bulk_revoke_of_200_expired_tokens_with_429s(emulator: Any) -> None:
    """All revoked despite 429s (Retry-After honoured), progress reported, one result per token."""
    ws = emulator.workspace
    ids = seed_expired(ws, 200)
    ws.faults.fail(status=429, times=15, retry_after="0", path="/api/2.0/token-management/tokens/",
                   method="DELETE")
    creds = session_for(emulator.url, ws.admin_token).credentials
    patient = WorkspaceSession(creds, retry_policy=RetryPolicy(retries=20, backoff=0.01))
    seen: list[tuple[int, int]] = []
    results = bulk_revoke(
        TokenManager(patient), ids, concurrency=8, progress=lambda d, t: seen.append((d, t))
    )
    assert [r.token_id for r in results] == ids
    assert all(r.ok for r in results)
    assert not set(ids) & set(ws.token_ids())
    assert seen[0] == (0, 200) and seen[-1] == (200, 200) and len(seen) == 201
    statuses = [r for r in ws.requests if r.method == "DELETE"]
    assert len(statuses) == 215  # every 429 was retried
    assert revoke_results_text(results).splitlines()[0] == "200 of 200 revoked"
    patient.close()


def test_bulk_revoke_counts_404_on_a_retried_delete_as_done(admin: TokenManager, emulator: Any) -> None:
    ws = emulator.workspace
    ids = seed_expired(ws, 1)
    ws.faults.lose_response(times=1, path="/api/2.0/token-management/tokens/", method="DELETE")
    [result] = bulk_revoke(admin, ids)
    assert result.ok and result.message == "already revoked"


def test_bulk_revoke_reports_per_token_failures(admin: TokenManager, emulator: Any) -> None:
    ws = emulator.workspace
    ids = seed_expired(ws, 3)
    ws.faults.fail(status=500, times=1, path=f"/api/2.0/token-management/tokens/{ids[1]}", method="DELETE")
    results = bulk_revoke(admin, ids)
    assert [r.ok for r in results] == [True, False, True]
    assert "500" in results[1].message
    assert "2 of 3 revoked, 1 failed" in revoke_results_text(results)


def test_admin_sets_and_reads_workspace_conf(admin: TokenManager, emulator: Any) -> None:
    set_workspace_conf(admin, max_lifetime_days=30)
    assert emulator.workspace.conf["maxTokenLifetimeDays"] == "30"
    assert workspace_conf(admin.session).max_lifetime_days == 30
    set_workspace_conf(admin, max_lifetime_days=0)
    assert workspace_conf(admin.session).max_lifetime_days is None


def test_disabling_tokens_shows_as_disabled(admin: TokenManager, emulator: Any) -> None:
    set_workspace_conf(admin, tokens_enabled=False)
    assert emulator.workspace.conf["enableTokensConfig"] == "false"
    assert workspace_conf(admin.session).tokens_enabled is False
