"""The token panel driven headless against the emulator: Button.click() and value changes, no browser.

Every panel here runs with background=False, so each click finishes before the assertion.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from ipywidgets.embed import embed_data
from widgetsupport import live_widgets

import notebook_tokens
from notebook_tokens.core.redact import PAT_PATTERN
from notebook_tokens.lifecycle.tokens import TokenManager
from notebook_tokens.notebook.panel.tokenpanel import TokenPanel

PAT_RE = re.compile(r"dapi[0-9a-f]{32}")


@pytest.fixture(autouse=True)
def fallback_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests drive the fallback view (HTML table + SelectMultiple), which front ends without
    anywidget get; tests/test_panel_table.py drives the table widget."""
    monkeypatch.setenv("NT_PANEL_TABLE", "html")


@pytest.fixture
def manager(db_env: Any) -> TokenManager:
    """A TokenManager over a session to the emulator, as its admin (DATABRICKS_HOST / DATABRICKS_TOKEN)."""
    return TokenManager(notebook_tokens.session())


@pytest.fixture
def panel(manager: TokenManager) -> TokenPanel:
    return TokenPanel(manager, background=False)


def status(panel: Any) -> str:
    return str(panel.status.value)


def netrc_store(panel: TokenPanel, path: Path) -> None:
    panel.form.store_kind.value = "netrc"
    panel.form.store_spec.value = str(path)


def netrc_value(path: Path) -> str:
    match = PAT_PATTERN.search(path.read_text())
    assert match, "no token in the netrc file"
    return match.group(0)


def test_header_shows_workspace_user_source_masked_value_and_badge(panel: TokenPanel, emulator: Any) -> None:
    header = panel.header.value
    assert emulator.url in header
    assert "admin@example.com" in header
    assert "DATABRICKS_TOKEN" in header
    assert emulator.workspace.admin_token[-4:] in header and emulator.workspace.admin_token not in header
    assert "nt-badge" in header


def test_table_lists_the_users_tokens_with_the_token_in_use_marked(panel: TokenPanel, emulator: Any) -> None:
    ids = emulator.workspace.token_ids("admin@example.com")
    assert len(panel.picker.options) == len(ids)
    assert "in use" in panel.table.value
    assert any("● in use" in label for label, _ in panel.picker.options)


def test_sort_newest_first_reverses_the_rows(panel: TokenPanel, emulator: Any) -> None:
    emulator.workspace.issue_token("admin@example.com", comment="later one")
    panel.refresh_button.click()
    oldest_first = [value for _, value in panel.picker.options]
    panel.sort.value = "desc"
    assert [value for _, value in panel.picker.options] == oldest_first[::-1]
    assert panel.table.value.index("later one") < panel.table.value.index("Token ID") + 2000


def _model_count(manager: TokenManager) -> int:
    before = len(live_widgets())
    panel = TokenPanel(manager, background=False)
    panel.tabs.selected_index = 1  # build and fill the admin tab as well
    return len(live_widgets()) - before


def test_widget_model_count_is_the_same_for_10_and_1000_tokens(manager: TokenManager, emulator: Any) -> None:
    ws = emulator.workspace
    for i in range(8):
        ws.issue_token("admin@example.com", comment=f"seed {i}")
    small = _model_count(manager)
    for i in range(992):
        ws.issue_token("admin@example.com", comment=f"bulk {i}")
    assert len(ws.token_ids("admin@example.com")) >= 1000
    assert _model_count(manager) == small


def test_generate_writes_the_value_to_the_store_and_says_where(
    panel: TokenPanel, emulator: Any, tmp_path: Path
) -> None:
    before = set(emulator.workspace.token_ids("admin@example.com"))
    netrc_store(panel, tmp_path / "netrc")
    panel.form.comment.value = "from the panel"
    panel.form.lifetime.value = 7
    panel.form.button.click()
    new = set(emulator.workspace.token_ids("admin@example.com")) - before
    assert len(new) == 1, status(panel)
    assert emulator.workspace.is_token_active(netrc_value(tmp_path / "netrc"))
    assert "Generated token" in status(panel) and str(tmp_path / "netrc") in status(panel)
    assert new.pop() in {value for _, value in panel.picker.options}
    assert "from the panel" in panel.table.value
    assert panel.form.comment.value == ""


def test_the_default_lifetime_is_90_days(panel: TokenPanel, emulator: Any, tmp_path: Path) -> None:
    netrc_store(panel, tmp_path / "netrc")
    panel.form.button.click()
    (info,) = [i for i in panel.infos if "from the panel" in i.comment or i.comment.startswith("[nt:")]
    assert info.expires is not None
    assert 89.9 < (info.expires - info.created).total_seconds() / 86_400 < 90.1


def test_widget_state_after_generating_holds_no_token_value(
    panel: TokenPanel, emulator: Any, tmp_path: Path
) -> None:
    netrc_store(panel, tmp_path / "netrc")
    panel.form.button.click()
    value = netrc_value(tmp_path / "netrc")
    state = json.dumps(embed_data(views=[panel.widget])["manager_state"])
    for secret in (value, emulator.workspace.admin_token, emulator.workspace.user_token):
        assert secret not in state
    assert not PAT_RE.search(state)


def test_lifetime_presets_respect_the_workspace_maximum(manager: TokenManager, emulator: Any) -> None:
    emulator.workspace.conf["maxTokenLifetimeDays"] = "30"
    panel = TokenPanel(manager, background=False)
    offered = [days for _, days in panel.form.lifetime.options]
    assert 90 not in offered and 0 not in offered and 30 in offered  # 0 is Never
    assert "maximum: 30 days" in panel.form.limit.value
    assert panel.form.custom_days.max == 30


def test_a_lifetime_over_a_maximum_set_after_opening_is_refused(
    panel: TokenPanel, emulator: Any, tmp_path: Path
) -> None:
    before = emulator.workspace.token_ids()
    emulator.workspace.conf["maxTokenLifetimeDays"] = "30"
    netrc_store(panel, tmp_path / "netrc")
    panel.form.lifetime.value = 90
    panel.form.button.click()
    assert "at most 30 days" in status(panel) and "error" in status(panel)
    assert emulator.workspace.token_ids() == before


def test_generate_refuses_and_clears_a_pasted_token(panel: TokenPanel, emulator: Any) -> None:
    """A token pasted into the comment is cleared from the widget (its state is saved) and nothing is sent."""
    before = emulator.workspace.token_ids()
    panel.form.comment.value = f"oops {emulator.workspace.user_token}"
    panel.form.button.click()
    assert panel.form.comment.value == ""
    assert "looked like a token" in status(panel)
    assert emulator.workspace.user_token not in status(panel)
    assert emulator.workspace.token_ids() == before


def test_generate_into_a_secret_scope_needs_scope_and_key(panel: TokenPanel) -> None:
    panel.form.store_kind.value = "secret"
    panel.form.store_spec.value = ""
    panel.form.button.click()
    assert "scope/key" in status(panel)


def test_generate_into_a_secret_scope(panel: TokenPanel, emulator: Any) -> None:
    panel.form.store_kind.value = "secret"
    panel.form.store_spec.value = "panel/pat"
    panel.form.button.click()
    stored = emulator.workspace.secret_value("panel", "pat")
    assert stored is not None and emulator.workspace.is_token_active(stored.decode()), status(panel)
    assert "secret scope" in status(panel)


def test_generate_when_tokens_are_disabled_says_an_admin_must_enable_them(
    panel: TokenPanel, emulator: Any, tmp_path: Path
) -> None:
    emulator.workspace.conf["enableTokensConfig"] = "false"
    netrc_store(panel, tmp_path / "netrc")
    panel.form.button.click()
    assert "disabled" in status(panel) and "administrator" in status(panel)


def test_opening_the_panel_with_tokens_disabled_says_so(manager: TokenManager, emulator: Any) -> None:
    emulator.workspace.conf["enableTokensConfig"] = "false"
    panel = TokenPanel(manager, background=False)
    assert "disabled" in status(panel)
    assert emulator.url in panel.header.value


def test_the_generate_button_stays_disabled_while_the_workspace_disables_tokens(panel: TokenPanel) -> None:
    panel.form.set_limit(None, tokens_enabled=False)
    panel.refresh_button.click()  # re-enables the buttons it disabled while running, but not this one
    assert panel.form.button.disabled
    assert "administrator must enable" in panel.form.limit.value


def test_generate_over_the_quota_says_so(panel: TokenPanel, emulator: Any, tmp_path: Path) -> None:
    emulator.workspace.token_quota = len(emulator.workspace.token_ids("admin@example.com"))
    netrc_store(panel, tmp_path / "netrc")
    panel.form.button.click()
    assert "quota" in status(panel)


def _select(panel: TokenPanel, token_id: str) -> None:
    panel.picker.value = (token_id,)


def test_revoke_asks_for_confirmation_then_revokes(panel: TokenPanel, emulator: Any) -> None:
    _, token_id = emulator.workspace.issue_token("admin@example.com", comment="to revoke")
    panel.refresh_button.click()
    _select(panel, token_id)
    panel.revoke_button.click()
    assert panel.confirm.visible
    assert panel.confirm.confirm.description == "Revoke Token"
    assert token_id[:10] in panel.confirm.message.value and "to revoke" in panel.confirm.message.value
    assert token_id in emulator.workspace.token_ids()
    panel.confirm.confirm.click()
    assert token_id not in emulator.workspace.token_ids()
    assert token_id not in {value for _, value in panel.picker.options}
    assert "Revoked 1 token" in status(panel)
    assert not panel.confirm.visible


def test_revoke_cancel_keeps_the_token(panel: TokenPanel, emulator: Any) -> None:
    _, token_id = emulator.workspace.issue_token("admin@example.com")
    panel.refresh_button.click()
    _select(panel, token_id)
    panel.revoke_button.click()
    panel.confirm.cancel.click()
    assert not panel.confirm.visible
    assert token_id in emulator.workspace.token_ids()


def test_revoke_without_a_selection_asks_to_select(panel: TokenPanel) -> None:
    panel.revoke_button.click()
    assert "Select one or more tokens" in status(panel)
    assert not panel.confirm.visible


def test_revoking_the_token_in_use_warns_first(panel: TokenPanel, emulator: Any) -> None:
    in_use = next(info.token_id for info in panel.infos if info.in_use)
    _select(panel, in_use)
    panel.revoke_button.click()
    assert "token this notebook is using" in panel.confirm.message.value


def test_revoking_two_tokens_names_both(panel: TokenPanel, emulator: Any) -> None:
    ids = [emulator.workspace.issue_token("admin@example.com", comment=f"pair {i}")[1] for i in range(2)]
    panel.refresh_button.click()
    panel.picker.value = tuple(ids)
    panel.revoke_button.click()
    assert panel.confirm.confirm.description == "Revoke Tokens"
    panel.confirm.confirm.click()
    assert not set(ids) & set(emulator.workspace.token_ids())
    assert "Revoked 2 tokens" in status(panel)


def test_rotate_of_an_env_token_is_refused_like_the_magic_whatever_the_generate_form_holds(
    panel: TokenPanel, emulator: Any, tmp_path: Path
) -> None:
    """The Generate form's store is no rotation target: rotating would revoke a token the environment
    variable keeps handing out. The panel gives `%dbtoken rotate`'s reason (one check, rotation_target)."""
    from notebook_tokens.core.errors import InputError
    from notebook_tokens.lifecycle.rotation import rotate

    netrc_store(panel, tmp_path / "netrc")
    panel.rotate_button.click()
    assert not panel.confirm.visible
    with pytest.raises(InputError) as magic:
        rotate(panel.manager)
    assert "Rotate refused" in status(panel)
    assert "env DATABRICKS_TOKEN, which cannot be written" in status(panel)
    assert str(magic.value).split(":")[0] in status(panel)
    assert emulator.workspace.is_token_active(emulator.workspace.admin_token)
    assert not (tmp_path / "netrc").exists()


def test_rotate_with_an_unwritable_source_and_no_store_asks_for_one(panel: TokenPanel) -> None:
    panel.form.store_kind.value = "secret"
    panel.form.store_spec.value = ""
    panel.rotate_button.click()
    assert "cannot be written" in status(panel)
    assert not panel.confirm.visible


def test_refresh_shows_tokens_created_elsewhere(panel: TokenPanel, emulator: Any) -> None:
    _, token_id = emulator.workspace.issue_token("admin@example.com", comment="made by curl")
    panel.refresh_button.click()
    assert token_id in {value for _, value in panel.picker.options}
    assert "made by curl" in panel.table.value


def test_a_server_error_is_shown_inline(panel: TokenPanel, emulator: Any) -> None:
    emulator.workspace.faults.fail(status=400, times=1, path="/api/2.0/token/list")
    panel.refresh_button.click()
    assert "nt-status error" in status(panel)
    assert not panel.refresh_button.disabled


def test_an_invalid_token_still_builds_the_panel_with_the_error(
    emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi" + "0" * 32)
    panel = TokenPanel(TokenManager(notebook_tokens.session()), background=False)
    assert "Invalid access token" in status(panel) or "403" in status(panel)
    assert emulator.url in panel.header.value
    assert "0" * 32 not in json.dumps(embed_data(views=[panel.widget])["manager_state"])


def test_a_non_admin_gets_no_admin_tab(emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", emulator.workspace.user_token)
    panel = TokenPanel(TokenManager(notebook_tokens.session()), background=False)
    assert panel.admin is None
    assert "user@example.com" in panel.header.value


def test_background_mode_finishes_in_a_thread(manager: TokenManager, emulator: Any, tmp_path: Path) -> None:
    panel = TokenPanel(manager)
    netrc_store(panel, tmp_path / "netrc")
    panel.form.button.click()
    panel.runner.wait(30)
    assert "Generated token" in status(panel)
    assert not panel.form.button.disabled


def test_a_custom_lifetime_is_used(panel: TokenPanel, emulator: Any, tmp_path: Path) -> None:
    netrc_store(panel, tmp_path / "netrc")
    panel.form.comment.value = "three days"
    panel.form.lifetime.value = -1  # Custom…
    assert panel.form.custom_days.layout.display != "none"
    panel.form.custom_days.value = 3
    panel.form.button.click()
    (info,) = [i for i in panel.infos if i.comment.startswith("three days")]
    assert info.expires is not None
    assert 2.9 < (info.expires - info.created).total_seconds() / 86_400 < 3.1


def test_rotate_a_token_that_lives_in_a_writable_store_in_place(emulator: Any, tmp_path: Path) -> None:
    from notebook_tokens.core.redact import Token
    from notebook_tokens.credentials.stores.specs import parse_store

    path = tmp_path / "netrc"
    parse_store(f"netrc:{path}").write(emulator.url, Token(emulator.workspace.admin_token))
    path.chmod(0o600)
    manager = TokenManager(notebook_tokens.session(emulator.url, store=f"netrc:{path}"))
    panel = TokenPanel(manager, background=False)
    panel.form.store_kind.value = "secret"  # the form's store is not used: the token's own store is
    panel.form.store_spec.value = "elsewhere/pat"
    panel.rotate_button.click()
    assert str(path) in panel.confirm.message.value
    panel.confirm.confirm.click()
    assert "Rotated" in status(panel), status(panel)
    new_value = netrc_value(path)
    assert new_value != emulator.workspace.admin_token and emulator.workspace.is_token_active(new_value)
    assert not emulator.workspace.is_token_active(emulator.workspace.admin_token)
    assert emulator.workspace.secret_value("elsewhere", "pat") is None


def test_generate_into_a_store_that_cannot_be_written_leaves_no_token(
    panel: TokenPanel, emulator: Any, tmp_path: Path
) -> None:
    active_before = set(emulator.workspace.token_ids())
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    netrc_store(panel, blocker / "netrc")  # a path under a regular file: the write fails
    panel.form.button.click()
    assert "nt-status error" in status(panel)
    assert set(emulator.workspace.token_ids()) == active_before


def _netrc_panel(emulator: Any, path: Path) -> TokenPanel:
    """A panel whose token lives in the netrc file at `path` (a writable store: rotation targets it)."""
    from notebook_tokens.core.redact import Token
    from notebook_tokens.credentials.stores.specs import parse_store

    path.parent.mkdir(exist_ok=True)
    parse_store(f"netrc:{path}").write(emulator.url, Token(emulator.workspace.admin_token))
    path.chmod(0o600)
    session = notebook_tokens.session(emulator.url, store=f"netrc:{path}")
    return TokenPanel(TokenManager(session), background=False)


def test_a_rotation_whose_store_write_fails_keeps_the_old_token(emulator: Any, tmp_path: Path) -> None:
    panel = _netrc_panel(emulator, tmp_path / "home" / "netrc")
    (tmp_path / "home").rename(tmp_path / "gone")  # the store's folder vanishes: its write fails
    panel.rotate_button.click()
    panel.confirm.confirm.click()
    assert "nt-status error" in status(panel)
    assert emulator.workspace.is_token_active(emulator.workspace.admin_token)
    assert emulator.workspace.admin_token[-4:] in panel.header.value


def test_rotate_names_the_target_store_and_the_old_tokens_fate_before_asking(
    emulator: Any, tmp_path: Path
) -> None:
    path = tmp_path / "home" / "netrc"
    panel = _netrc_panel(emulator, path)
    panel.rotate_button.click()
    question = panel.confirm.message.value
    assert f"Target store: <b>netrc {path}</b>" in question
    assert "revoked" in question and emulator.workspace.admin_token[-4:] in question
    assert emulator.workspace.admin_token not in question


def test_a_token_value_pasted_into_a_comment_reaches_no_widget_trait(
    manager: TokenManager, emulator: Any
) -> None:
    """Table, row picker labels and revoke question (both tabs) show such a comment redacted."""
    leaked = "dapi" + "ab" * 16
    emulator.workspace.issue_token("admin@example.com", comment=f"copy of {leaked}")
    panel = TokenPanel(manager, background=False)
    panel.picker.value = tuple(info.token_id for info in panel.infos)
    panel.ask_revoke()
    admin = panel.admin
    admin.refresh()
    admin.picker.value = tuple(info.token_id for info in admin._infos)
    admin.ask_revoke()
    labels = [label for picker in (panel.picker, admin.picker) for label, _ in picker.options]
    shown = [panel.table.value, panel.confirm.message.value, admin.table.value, admin.confirm.message.value]
    assert any("copy of" in label for label in labels)
    assert not any(leaked in text for text in labels + shown)
