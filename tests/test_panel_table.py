"""The panel's table widget (anywidget), driven through its traits as the front end sets them: checkbox
selection (`selected`), header clicks (`sort_by`, `descending`), pages (`page`). And its fallback."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from ipywidgets.embed import embed_data
from widgetsupport import live_widgets

import notebook_tokens
from notebook_tokens.lifecycle.tokens import TokenManager
from notebook_tokens.notebook.panel import tokenpanel
from notebook_tokens.notebook.panel.table import PANEL_EXTRA, HtmlTokenTable, WidgetTokenTable, table_mode
from notebook_tokens.notebook.panel.tokenpanel import TokenPanel

PAT_RE = re.compile(r"dapi[0-9a-f]{32}")


@pytest.fixture
def manager(db_env: Any) -> TokenManager:
    return TokenManager(notebook_tokens.session())


@pytest.fixture
def panel(manager: TokenManager) -> TokenPanel:
    pytest.importorskip("anywidget", reason="the table widget needs the `panel` extra (anywidget)")
    panel = TokenPanel(manager, background=False, table="widget")
    assert isinstance(panel.grid, WidgetTokenTable)
    return panel


def shown_ids(panel: TokenPanel) -> list[str]:
    return [row["id"] for row in panel.table.rows]


def test_a_ticked_checkbox_selects_the_row_and_revoke_revokes_it(panel: TokenPanel, emulator: Any) -> None:
    _, token_id = emulator.workspace.issue_token("admin@example.com", comment="tick me")
    panel.refresh_button.click()
    panel.table.selected = [token_id]  # what the row's checkbox sends
    panel.revoke_button.click()
    assert "tick me" in panel.confirm.message.value
    panel.confirm.confirm.click()
    assert token_id not in emulator.workspace.token_ids()
    assert token_id not in shown_ids(panel) and panel.table.selected == []


def test_clicking_a_header_sorts_by_it_and_clicking_again_reverses(panel: TokenPanel, emulator: Any) -> None:
    for days, comment in ((30, "b month"), (2, "a soon"), (400, "c later")):
        emulator.workspace.issue_token("admin@example.com", comment=comment,
                                       expiry_time_ms=emulator.workspace.now_ms() + days * 86_400_000)
    panel.refresh_button.click()
    panel.table.sort_by = "comment"
    comments = [row["comment"] for row in panel.table.rows]
    assert comments == sorted(comments, key=str.lower)
    panel.table.descending = True
    assert [row["comment"] for row in panel.table.rows] == comments[::-1]
    panel.table.sort_by, panel.table.descending = "expires", False
    picked = ("a soon", "b month", "c later")
    expiring = [row["comment"] for row in panel.table.rows if row["comment"] in picked]
    assert expiring == ["a soon", "b month", "c later"]
    assert panel.table.rows[-1]["expires"] == "Never"  # no expiry sorts last


def test_1000_tokens_are_paged_with_a_constant_count_of_widget_models(
    manager: TokenManager, emulator: Any
) -> None:
    pytest.importorskip("anywidget", reason="the table widget needs the `panel` extra (anywidget)")

    def count() -> tuple[int, TokenPanel]:
        before = len(live_widgets())
        panel = TokenPanel(manager, background=False, table="widget")
        panel.tabs.selected_index = 1
        return len(live_widgets()) - before, panel

    small, _ = count()
    for i in range(1000):
        emulator.workspace.issue_token("admin@example.com", comment=f"bulk {i}")
    large, panel = count()
    assert large == small
    assert panel.table.total >= 1000 and len(panel.table.rows) == panel.table.page_size
    first = shown_ids(panel)
    panel.table.page = 1
    assert len(panel.table.rows) == panel.table.page_size and not set(first) & set(shown_ids(panel))
    admin = panel.admin
    admin.select_all.click()  # every filtered token, not only the page shown
    assert len(admin.grid.selected) == admin.table.total >= 1000


def test_the_widget_state_holds_ids_redacted_comments_and_no_token_value(
    manager: TokenManager, emulator: Any
) -> None:
    pytest.importorskip("anywidget", reason="the table widget needs the `panel` extra (anywidget)")
    leaked = "dapi" + "cd" * 16
    emulator.workspace.issue_token("admin@example.com", comment=f"copy of {leaked} [nt:1a2b3c4d]")
    panel = TokenPanel(manager, background=False, table="widget")
    panel.tabs.selected_index = 1
    state = json.dumps(embed_data(views=[panel.widget])["manager_state"])
    assert "copy of" in state and "[nt:" not in state
    ids = {row["id"] for row in panel.table.rows}
    assert ids and all(token_id in state for token_id in ids)
    for secret in (leaked, emulator.workspace.admin_token, emulator.workspace.user_token):
        assert secret not in state
    assert not PAT_RE.search(state)


def test_rows_carry_days_until_expiry(panel: TokenPanel, emulator: Any) -> None:
    emulator.workspace.issue_token("admin@example.com", comment="five days",
                                   expiry_time_ms=emulator.workspace.now_ms() + 5 * 86_400_000 + 60_000)
    panel.refresh_button.click()
    (row,) = [row for row in panel.table.rows if row["comment"] == "five days"]
    assert row["expires_left"] == "in 5 days"


def test_nt_panel_table_html_forces_the_fallback(
    manager: TokenManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NT_PANEL_TABLE", "html")
    panel = TokenPanel(manager, background=False)
    assert isinstance(panel.grid, HtmlTokenTable) and panel.picker is not None
    assert isinstance(panel.admin.grid, HtmlTokenTable)


def test_without_anywidget_the_panel_falls_back_to_the_html_view(monkeypatch: pytest.MonkeyPatch) -> None:
    """A kernel without the `panel` extra: `import anywidget` fails (a None entry in sys.modules)."""
    monkeypatch.setitem(sys.modules, "anywidget", None)
    monkeypatch.delitem(sys.modules, "notebook_tokens.notebook.panel.grid", raising=False)
    assert table_mode() == "html"


@pytest.fixture
def without_anywidget(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A kernel without the `panel` extra. anywidget is installed here, so it is made unimportable: a None
    entry in sys.modules makes `import anywidget` raise ModuleNotFoundError(name="anywidget"), as a missing
    package does; the cached grid module is dropped so the panel tries that import again. The once-per-
    kernel flag starts cleared, as in a fresh kernel. monkeypatch puts all three back afterwards."""
    monkeypatch.setitem(sys.modules, "anywidget", None)
    monkeypatch.delitem(sys.modules, "notebook_tokens.notebook.panel.grid", raising=False)
    monkeypatch.setattr(tokenpanel, "_NOTICE_SAID", [])
    yield


def shown_texts(captured: Any) -> list[str]:
    return [str(output.data.get("text/plain", "")) for output in captured.outputs]


def test_panel_without_anywidget_says_once_per_kernel_what_is_missing_and_the_install_command(
    ip: InteractiveShell, without_anywidget: None, db_env: Any
) -> None:
    """`%dbtoken panel` in a real IPython shell without anywidget: the HTML panel still shows, with one line
    naming anywidget and `pip install 'notebook-tokens[panel]'`; a second `%dbtoken panel` does not repeat
    it. The line carries no token value."""
    with capture_output() as first:
        ip.run_line_magic("dbtoken", "panel")
    assert any("application/vnd.jupyter.widget-view+json" in o.data for o in first.outputs)
    notices = [text for text in shown_texts(first) if PANEL_EXTRA in text]
    assert len(notices) == 1 and "anywidget is not installed" in notices[0]
    assert "\n" not in notices[0] and len(notices[0]) < 160  # one short line
    assert PANEL_EXTRA == "pip install 'notebook-tokens[panel]'"
    for secret in (db_env.workspace.admin_token, db_env.workspace.user_token):
        assert secret not in "".join(shown_texts(first)) + first.stdout + first.stderr
    with capture_output() as second:
        ip.run_line_magic("dbtoken", "panel")
    assert any("application/vnd.jupyter.widget-view+json" in o.data for o in second.outputs)
    assert not [text for text in shown_texts(second) if PANEL_EXTRA in text]


def test_panel_forced_to_html_by_nt_panel_table_says_nothing_about_the_extra(
    ip: InteractiveShell, without_anywidget: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`NT_PANEL_TABLE=html` is the user's own choice: no install hint, even where anywidget is missing."""
    monkeypatch.setenv("NT_PANEL_TABLE", "html")
    with capture_output() as captured:
        ip.run_line_magic("dbtoken", "panel")
    assert not [text for text in shown_texts(captured) if "anywidget" in text or PANEL_EXTRA in text]


def test_panel_with_anywidget_shows_no_fallback_notice(
    ip: InteractiveShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the widget loads there is nothing to say."""
    pytest.importorskip("anywidget", reason="the table widget needs the `panel` extra (anywidget)")
    monkeypatch.setattr(tokenpanel, "_NOTICE_SAID", [])
    with capture_output() as captured:
        ip.run_line_magic("dbtoken", "panel")
    assert not [text for text in shown_texts(captured) if PANEL_EXTRA in text]


def test_days_until_expiry_are_whole_days_and_hours_under_a_day() -> None:
    from datetime import datetime, timedelta, timezone

    from notebook_tokens.notebook.tokenviews import expiry_left

    now = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
    assert expiry_left(now + timedelta(days=4, hours=23), now) == "in 4 days"
    assert expiry_left(now - timedelta(days=3, hours=2), now) == "3 days ago"
    assert expiry_left(now + timedelta(hours=5), now) == "in 5 hours"
    assert expiry_left(None, now) == ""
