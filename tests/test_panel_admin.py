"""The panel's Admin tab driven headless against the emulator: filters, bulk revoke, workspace settings."""

from __future__ import annotations

from typing import Any

import pytest

import notebook_tokens
from notebook_tokens.lifecycle.tokens import TokenManager
from notebook_tokens.notebook.panel.tokenpanel import TokenPanel

DAY_MS = 86_400_000


@pytest.fixture(autouse=True)
def fallback_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests drive the fallback view (HTML table + SelectMultiple), which front ends without
    anywidget get; tests/test_panel_table.py drives the table widget."""
    monkeypatch.setenv("NT_PANEL_TABLE", "html")


@pytest.fixture
def panel(db_env: Any) -> TokenPanel:
    """An admin's panel with the Admin tab opened (which loads it)."""
    panel = TokenPanel(TokenManager(notebook_tokens.session()), background=False)
    panel.tabs.selected_index = 1
    return panel


def ids_shown(panel: TokenPanel) -> set[str]:
    return {value for _, value in panel.admin.picker.options}


def test_the_admin_tab_loads_everyones_tokens_when_first_opened(panel: TokenPanel, emulator: Any) -> None:
    assert panel.admin.loaded
    assert ids_shown(panel) == set(emulator.workspace.token_ids())
    assert "user@example.com" in panel.admin.table.value and "admin@example.com" in panel.admin.table.value
    assert panel.admin.chart.value.count("<svg") == 2


def test_filter_by_user(panel: TokenPanel, emulator: Any) -> None:
    panel.admin.user.value = "user@example.com"
    panel.admin.apply.click()
    assert ids_shown(panel) == set(emulator.workspace.token_ids("user@example.com"))


def test_filter_expired_only(panel: TokenPanel, emulator: Any) -> None:
    ws = emulator.workspace
    _, expired_id = ws.issue_token("user@example.com", comment="old", expiry_time_ms=ws.now_ms() - DAY_MS)
    panel.admin.expired.value = "yes"
    panel.admin.apply.click()
    assert ids_shown(panel) == {expired_id}
    panel.admin.expired.value = "no"
    panel.admin.apply.click()
    assert expired_id not in ids_shown(panel) and ids_shown(panel)


def test_filter_unused_for_n_days(panel: TokenPanel, emulator: Any) -> None:
    ws = emulator.workspace
    long_ago = ws.today_ms() - 85 * DAY_MS  # under 90 days: the platform would have revoked it already
    _, stale_id = ws.issue_token(
        "user@example.com", comment="stale", creation_time_ms=long_ago, last_used_day=long_ago
    )
    panel.admin.unused_days.value = 80
    panel.admin.apply.click()
    assert stale_id in ids_shown(panel)
    assert not set(ws.token_ids("admin@example.com")) & ids_shown(panel)


def test_bulk_revoke_asks_then_revokes_with_progress(panel: TokenPanel, emulator: Any) -> None:
    ws = emulator.workspace
    ids = [ws.issue_token("user@example.com", comment=f"bulk {i}")[1] for i in range(12)]
    panel.admin.user.value = "user@example.com"
    panel.admin.apply.click()
    panel.admin.picker.value = tuple(ids)
    panel.admin.revoke_button.click()
    assert panel.admin.confirm.visible and "Revoke 12 tokens of 1 user" in panel.admin.confirm.message.value
    panel.admin.confirm.confirm.click()
    assert not set(ids) & set(ws.token_ids())
    assert (panel.admin.progress.value, panel.admin.progress.max) == (12, 12)
    assert "Revoked 12 of 12" in panel.admin.status.value
    assert not set(ids) & ids_shown(panel)


def test_select_all_shown_selects_every_filtered_token(panel: TokenPanel, emulator: Any) -> None:
    panel.admin.user.value = "user@example.com"
    panel.admin.apply.click()
    panel.admin.select_all.click()
    assert set(panel.admin.picker.value) == set(emulator.workspace.token_ids("user@example.com"))


def test_bulk_revoke_reports_the_tokens_that_failed(panel: TokenPanel, emulator: Any) -> None:
    ws = emulator.workspace
    ids = [ws.issue_token("user@example.com")[1] for _ in range(2)]
    panel.admin.apply.click()
    panel.admin.picker.value = tuple(ids)
    ws.faults.fail(status=400, times=1, path=f"/api/2.0/token-management/tokens/{ids[0]}")
    panel.admin.revoke_button.click()
    panel.admin.confirm.confirm.click()
    assert "Revoked 1 of 2" in panel.admin.status.value
    assert ids[0][:10] in panel.admin.status.value and "nt-status error" in panel.admin.status.value


def test_bulk_revoke_without_a_selection_asks_to_select(panel: TokenPanel) -> None:
    panel.admin.revoke_button.click()
    assert "Select tokens" in panel.admin.status.value and not panel.admin.confirm.visible


def test_workspace_settings_are_shown_and_saved(panel: TokenPanel, emulator: Any) -> None:
    # a new workspace's maxTokenLifetimeDays is 730 (was 0 = no limit on the 2020 platform)
    assert panel.admin.tokens_enabled.value is True and panel.admin.max_days.value == 730
    panel.admin.max_days.value = 60
    panel.admin.save_conf.click()
    assert emulator.workspace.conf["maxTokenLifetimeDays"] == "60"
    assert "60 days" in panel.admin.status.value


def test_a_failed_settings_save_is_shown_inline(panel: TokenPanel, emulator: Any) -> None:
    emulator.workspace.faults.fail(status=400, times=1, path="/api/2.0/workspace-conf", method="PATCH")
    panel.admin.max_days.value = 10
    panel.admin.save_conf.click()
    assert "nt-status error" in panel.admin.status.value
    assert emulator.workspace.conf["maxTokenLifetimeDays"] == "730"  # unchanged: a new workspace's default
    assert not panel.admin.save_conf.disabled
