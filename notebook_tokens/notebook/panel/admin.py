"""The panel's Admin tab: everyone's tokens, filters, bulk revoke with progress, workspace token settings.

Shown only to workspace admins. Like the rest of the panel, a fixed set of widgets whatever the number of
tokens: the charts are HTML strings, the table one paging widget (or its HTML fallback; table.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from notebook_tokens.lifecycle.admin import admin_list, bulk_revoke, set_workspace_conf
from notebook_tokens.lifecycle.conf import workspace_conf
from notebook_tokens.notebook.panel.charts import token_charts_html
from notebook_tokens.notebook.panel.common import ConfirmBar, JobRunner, refuse_pasted_tokens
from notebook_tokens.notebook.panel.markup import display_comment, short_id
from notebook_tokens.notebook.panel.table import HtmlTokenTable, make_table

if TYPE_CHECKING:
    from notebook_tokens.lifecycle.admin import RevokeResult
    from notebook_tokens.lifecycle.conf import WorkspaceConf
    from notebook_tokens.lifecycle.tokens import TokenInfo, TokenManager

__all__ = ["AdminTab"]

_EXPIRED_CHOICES = (("any", "any"), ("expired only", "yes"), ("not expired", "no"))
_EXPIRED_FILTER = {"any": None, "yes": True, "no": False}


def _label(info: TokenInfo) -> str:
    expires = "never" if info.expires is None else f"{info.expires:%Y-%m-%d}"
    comment = display_comment(info.comment) or "(no comment)"
    return f"{short_id(info.token_id)}  {info.created_by or '?'}  {comment}  · {expires}"


class AdminTab:
    """Widgets and actions of the Admin tab. `refresh()` loads; the panel calls it on first view."""

    def __init__(self, manager: TokenManager, *, background: bool = True, table: str | None = None) -> None:
        self.manager = manager
        self._table_mode = table
        self.loaded = False
        self._infos: list[TokenInfo] = []
        self._build_filters_and_table()
        self._build_settings()
        self.status = widgets.HTML()
        self.runner = JobRunner(
            self.status,
            [self.apply, self.revoke_button, self.save_conf, self.select_all],
            background=background,
        )
        refuse_pasted_tokens(self.user, "User filter", lambda text: self.runner.say("warn", text))
        self.apply.on_click(lambda _b: self.refresh())
        self.select_all.on_click(lambda _b: self._select_all())
        self.revoke_button.on_click(lambda _b: self.ask_revoke())
        self.save_conf.on_click(lambda _b: self.save_settings())
        self.widget = self._layout()

    def _build_filters_and_table(self) -> None:
        self.user = widgets.Text(
            description="User", placeholder="all users", layout=widgets.Layout(width="260px")
        )
        self.expired = widgets.Dropdown(
            options=_EXPIRED_CHOICES, value="any", description="Expired", layout=widgets.Layout(width="200px")
        )
        self.unused_days = widgets.BoundedIntText(
            value=0, min=0, max=3650, description="Unused ≥", layout=widgets.Layout(width="150px")
        )
        self.apply = widgets.Button(description="Apply filters", icon="filter")
        self.chart = widgets.HTML()
        self.grid = make_table(
            admin=True, empty="No tokens match the filters.", label=_label, sortable=False,
            mode=self._table_mode,
        )
        self.table: Any = self.grid.html if isinstance(self.grid, HtmlTokenTable) else self.grid.grid
        self.picker = getattr(self.grid, "picker", None)
        self.select_all = widgets.Button(description="Select all shown", layout=widgets.Layout(width="auto"))
        self.revoke_button = widgets.Button(
            description="Revoke selected…",
            icon="trash",
            button_style="danger",
            layout=widgets.Layout(width="auto"),
        )
        self.progress = widgets.IntProgress(
            value=0,
            min=0,
            max=1,
            description="Revoking",
            layout=widgets.Layout(display="none", width="420px"),
        )
        self.confirm = ConfirmBar()

    def _build_settings(self) -> None:
        self.tokens_enabled = widgets.Checkbox(
            value=True, description="Personal access tokens enabled", indent=False
        )
        self.max_days = widgets.BoundedIntText(
            value=0,
            min=0,
            max=3650,
            description="Max lifetime (days, 0 = none)",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="260px"),
        )
        self.save_conf = widgets.Button(description="Save settings", icon="save")

    def _layout(self) -> widgets.VBox:
        row = widgets.Layout(align_items="center")
        section = widgets.HTML
        return widgets.VBox(
            [
                widgets.HBox(
                    [self.user, self.expired, self.unused_days, widgets.Label("days"), self.apply], layout=row
                ),
                self.chart,
                self.grid.widget,
                widgets.HBox([self.select_all, self.revoke_button], layout=row),
                self.progress,
                self.confirm.widget,
                self.status,
                section('<div class="nt-section">Workspace settings</div>'),
                widgets.HBox([self.tokens_enabled, self.max_days, self.save_conf], layout=row),
            ],
            layout=widgets.Layout(padding="4px 0"),
        )

    # -- loading ----------------------------------------------------------------------------------
    def filters(self) -> dict[str, Any]:
        days = int(self.unused_days.value)
        return {
            "user": self.user.value.strip() or None,
            "expired": _EXPIRED_FILTER[self.expired.value],
            "unused_days": days or None,
        }

    def refresh(self) -> None:
        """Load everyone's tokens with the current filters, and the workspace settings."""
        self.confirm.hide()
        filters = self.filters()
        self.runner.run(
            "Loading everyone's tokens",
            lambda: (admin_list(self.manager, **filters), workspace_conf(self.manager.session)),
            self._loaded,
        )

    def _loaded(self, result: tuple[list[TokenInfo], WorkspaceConf]) -> None:
        infos, conf = result
        self.loaded = True
        self._show(infos)
        self.tokens_enabled.value = conf.tokens_enabled
        self.max_days.value = conf.max_lifetime_days or 0
        self.runner.say("info", f"{len(infos)} token{'s' if len(infos) != 1 else ''} match the filters.")

    def _show(self, infos: Sequence[TokenInfo]) -> None:
        self._infos = list(infos)
        self.chart.value = token_charts_html(self._infos)
        self.grid.show(self._infos)

    def _select_all(self) -> None:
        self.grid.selected = self.grid.ids

    # -- bulk revoke ------------------------------------------------------------------------------
    def ask_revoke(self) -> None:
        picked = set(self.grid.selected)
        chosen = [info for info in self._infos if info.token_id in picked]
        if not chosen:
            self.runner.say("warn", "Select tokens in the list first (or Select all shown).")
            return
        users = sorted({info.created_by or "?" for info in chosen})
        shown = ", ".join(escape(short_id(info.token_id)) for info in chosen[:5])
        more = f" and {len(chosen) - 5} more" if len(chosen) > 5 else ""
        warning = (
            '<div class="nt-status warn">This includes the token this notebook is using.</div>'
            if any(info.in_use for info in chosen)
            else ""
        )
        self.confirm.ask(
            f"<b>Revoke {len(chosen)} token{'s' if len(chosen) != 1 else ''} of {len(users)} "
            f"user{'s' if len(users) != 1 else ''}?</b> ({escape(', '.join(users[:5]))}) "
            f"<code>{shown}</code>{more}. Anything using them stops working immediately.{warning}",
            "Revoke Tokens" if len(chosen) > 1 else "Revoke Token",
            lambda: self._bulk_revoke([info.token_id for info in chosen]),
        )

    def _progress(self, done: int, total: int) -> None:
        self.progress.max = max(total, 1)
        self.progress.value = done
        self.progress.description = f"{done}/{total}"

    def _bulk_revoke(self, token_ids: list[str]) -> None:
        self.progress.value = 0
        self.progress.layout.display = ""
        filters = self.filters()

        def work() -> tuple[list[RevokeResult], list[TokenInfo]]:
            results = bulk_revoke(self.manager, token_ids, progress=self._progress)
            return results, admin_list(self.manager, **filters)

        def done(outcome: tuple[list[RevokeResult], list[TokenInfo]]) -> None:
            results, infos = outcome
            self._show(infos)
            failed = [result for result in results if not result.ok]
            text = f"Revoked {len(results) - len(failed)} of {len(results)} tokens."
            if failed:
                details = "; ".join(f"{short_id(r.token_id)}: {r.message}" for r in failed[:5])
                self.runner.say("error", f"{text} Failed: {details}")
            else:
                self.runner.say("ok", text)

        self.runner.run(f"Revoking {len(token_ids)} tokens", work, done)

    # -- workspace settings -----------------------------------------------------------------------
    def save_settings(self) -> None:
        enabled, days = bool(self.tokens_enabled.value), int(self.max_days.value)

        def done(_none: None) -> None:
            limit = f"{days} days" if days else "no limit"
            state = "enabled" if enabled else "DISABLED for everyone"
            self.runner.say(
                "ok", f"Saved: personal access tokens {state}; maximum lifetime {limit} (new tokens)."
            )

        self.runner.run(
            "Saving workspace settings",
            lambda: set_workspace_conf(self.manager, tokens_enabled=enabled, max_lifetime_days=days),
            done,
        )
