"""The panel's fields and its revoked-token state, driven through widget traits against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

import notebook_tokens
from notebook_tokens.lifecycle.tokens import TokenManager
from notebook_tokens.notebook.panel.tokenpanel import TokenPanel


@pytest.fixture
def panel(db_env: Any) -> TokenPanel:
    return TokenPanel(TokenManager(notebook_tokens.session()), background=False)


@pytest.mark.parametrize("field", ["comment", "store_spec", "admin_user"])
def test_a_token_typed_into_a_field_is_cleared_the_moment_it_arrives(
    panel: TokenPanel, emulator: Any, field: str
) -> None:
    """No click needed: the value trait is observed, cleared and the status line warns."""
    widget = panel.admin.user if field == "admin_user" else getattr(panel.form, field)
    runner = panel.admin.runner if field == "admin_user" else panel.runner
    widget.value = f"see {emulator.workspace.user_token}"
    assert widget.value == ""
    assert "looked like a token value and was cleared" in runner.status.value
    assert "nt-status warn" in runner.status.value
    assert emulator.workspace.user_token not in runner.status.value


def test_generate_right_after_a_cleared_paste_is_refused_until_the_field_is_typed_again(
    panel: TokenPanel, emulator: Any, tmp_path: Any
) -> None:
    before = emulator.workspace.token_ids()
    panel.form.comment.value = emulator.workspace.user_token
    panel.form.button.click()
    assert emulator.workspace.token_ids() == before
    panel.form.store_kind.value = "netrc"
    panel.form.store_spec.value = str(tmp_path / "netrc")
    panel.form.comment.value = "typed this time"
    panel.form.button.click()
    assert "Generated token" in panel.status.value


def test_a_revoked_token_in_use_says_so_and_shows_no_stale_rows(panel: TokenPanel, emulator: Any) -> None:
    """Refresh after the panel's own token was revoked: 403 "Invalid access token." explained, the way
    out offered (`%dbtoken use SPEC`, or generate one), no row left marked in use."""
    assert panel.infos
    in_use = next(info.token_id for info in panel.infos if info.in_use)
    panel.manager.revoke(in_use)  # as section 8 of token-lifecycle.ipynb does to the panel's token
    panel.refresh_button.click()
    text = panel.status.value
    assert "no longer works" in text and "%dbtoken use SPEC" in text and "generate" in text
    assert panel.infos == []
    assert in_use not in str(panel.table.value if hasattr(panel.table, "value") else panel.table.rows)
    assert 'data-status="invalid"' in panel.header.value


def test_the_my_tokens_status_line_lives_inside_its_tab(panel: TokenPanel) -> None:
    mine, admin = panel.tabs.children
    assert panel.status in mine.children
    assert panel.status not in panel.widget.children and panel.admin.status in admin.children
