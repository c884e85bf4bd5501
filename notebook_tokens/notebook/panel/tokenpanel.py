"""`%dbtoken panel`: an ipywidgets panel to list, generate, revoke and rotate personal access tokens.

Laid out like the Access Tokens tab of the Databricks UI: a header card (workspace, user, token source,
masked value, expiry badge), the token table, Generate / Revoke / Rotate / Refresh, and for admins a second
tab (panel_admin.py). Two rules shape it:
- No token value ever enters a widget trait: widget state is saved into notebooks (nbclient does so by
  default). A generated value goes straight into a store; the panel only says where.
- The number of widget models does not grow with the number of tokens: the table (table.py) is one custom
  widget that pages, or, where custom widgets cannot load, one `HTML` and one `SelectMultiple`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from notebook_tokens.core.errors import NotebookTokensError
from notebook_tokens.lifecycle.conf import workspace_conf
from notebook_tokens.notebook.panel.actions import TokenActions
from notebook_tokens.notebook.panel.common import ConfirmBar, JobRunner, dead_token_message, describe_error
from notebook_tokens.notebook.panel.form import GenerateForm
from notebook_tokens.notebook.panel.markup import header_html, row_label
from notebook_tokens.notebook.panel.table import HtmlTokenTable, fallback_notice, make_table, table_mode

if TYPE_CHECKING:
    from notebook_tokens.credentials.stores.base import Store
    from notebook_tokens.lifecycle.tokens import TokenInfo, TokenManager
    from notebook_tokens.notebook.context import NotebookContext

__all__ = ["TokenPanel", "show"]

# The fallback notice is said once per kernel (this process), not on every `%dbtoken panel`: after the
# first time it is noise. A list so that `show` need not declare a global.
_NOTICE_SAID: list[bool] = []


class TokenPanel(TokenActions):
    """The panel. `widget` is the root widget; displaying a TokenPanel displays it.

    `background=False` runs every action inline, so `Button.click()` is deterministic in tests.
    """

    def __init__(
        self,
        manager: TokenManager,
        *,
        default_store: str = "",
        store_resolver: Callable[[str], Store | str] | None = None,
        background: bool = True,
        table: str | None = None,
    ) -> None:
        self.manager = manager
        self._table_mode = table_mode(table)
        self._infos: list[TokenInfo] = []
        self._me: dict[str, Any] = {}
        self._resolve = store_resolver or (lambda spec: spec)
        self.admin: Any = None
        self._revoked = ""  # the message while the token in use is revoked or expired
        self._build(default_store, background)
        self._wire()
        self._render_header()
        self.runner.run("Loading tokens", self._load_all, self._loaded)
        self.runner.wait()

    def _build(self, default_store: str, background: bool) -> None:
        """The widgets: a fixed count, whatever the number of tokens."""
        self.header = widgets.HTML()
        self.grid = make_table(
            admin=False, empty="You have no tokens. Generate one below.", label=row_label,
            mode=self._table_mode,
        )
        # the fallback's parts keep their names (table / picker / sort); the widget is one model
        self.table: Any = self.grid.html if isinstance(self.grid, HtmlTokenTable) else self.grid.grid
        self.picker = getattr(self.grid, "picker", None)
        self.sort = getattr(self.grid, "sort", None)
        self.revoke_button = widgets.Button(description="Revoke…", icon="trash", button_style="danger")
        self.rotate_button = widgets.Button(description="Rotate…", icon="sync")
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self.status = widgets.HTML()
        self.status.add_class("nt-status-line")  # the My tokens tab's answers (tests find it by this)
        self.confirm = ConfirmBar()
        self.form = GenerateForm(default_store)
        self.runner = JobRunner(
            self.status,
            [self.revoke_button, self.rotate_button, self.refresh_button, self.form.button],
            background=background,
            allowed=lambda button: button is not self.form.button or self.form.tokens_enabled,
        )
        buttons = [self.revoke_button, self.rotate_button, self.refresh_button]
        actions = widgets.HBox(
            [*buttons, *([self.sort] if self.sort else [])],
            layout=widgets.Layout(align_items="center"),
        )
        mine = widgets.VBox(
            [self.grid.widget, actions, self.confirm.widget, self.status, self.form.widget],
            layout=widgets.Layout(padding="4px 0"),
        )
        self.body = widgets.VBox([mine])
        self.widget = widgets.VBox(
            # the status line is My tokens' own (inside its tab): the Admin tab has its own
            [self.header, self.body], layout=widgets.Layout(max_width="1100px")
        )
        self.widget.add_class("nt-panel")
        self.widget.add_class("nt-view")  # the scoped stylesheets apply inside this root only

    def _wire(self) -> None:
        self.form.warn = lambda text: self.runner.say("warn", text)
        self.revoke_button.on_click(lambda _b: self.ask_revoke())
        self.rotate_button.on_click(lambda _b: self.ask_rotate())
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.form.button.on_click(lambda _b: self.generate())

    # -- display ----------------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def infos(self) -> list[TokenInfo]:
        return list(self._infos)

    # -- loading ----------------------------------------------------------------------------------
    def _load_all(self) -> tuple[dict[str, Any], bool, Any, list[TokenInfo], str]:
        try:
            me = self.manager.me()
            admin = self.manager.is_admin(me)
            conf = workspace_conf(self.manager.session)
        except NotebookTokensError as exc:
            if not self._dead(exc):
                raise
            return {}, False, None, [], self._dead(exc)
        try:  # with tokens disabled the list is refused, yet an admin needs the panel to enable them
            return me, admin, conf, self.manager.list(), ""
        except NotebookTokensError as exc:
            return me, admin, conf, [], self._dead(exc) or describe_error(exc)

    def _dead(self, exc: BaseException) -> str:
        """The "your token was revoked" message for `exc`, or ""; remembers it for the header."""
        creds = self.manager.session.credentials
        masked = creds.token.masked if creds.token is not None else "OAuth"
        self._revoked = dead_token_message(exc, masked, creds.source)
        return self._revoked

    def _loaded(self, result: tuple[dict[str, Any], bool, Any, list[TokenInfo], str]) -> None:
        self._me, admin, conf, infos, error = result
        if conf is not None:
            self.form.set_limit(conf.max_lifetime_days, conf.tokens_enabled)
        self._show_tokens(infos)
        if admin and self.admin is None:
            from notebook_tokens.notebook.panel.admin import AdminTab

            self.admin = AdminTab(self.manager, background=self.runner.background, table=self._table_mode)
            tabs = widgets.Tab(children=[self.body.children[0], self.admin.widget])
            tabs.set_title(0, "My tokens")
            tabs.set_title(1, "Admin")
            tabs.observe(self._tab_changed, names="selected_index")
            self.tabs = tabs
            self.body.children = [tabs]
        if error:
            self.runner.say("error", error)
        else:
            self.runner.say("info", f"{len(infos)} token{'s' if len(infos) != 1 else ''}.")

    def _tab_changed(self, change: dict[str, Any]) -> None:
        if change["new"] == 1 and self.admin is not None and not self.admin.loaded:
            self.admin.refresh()

    def refresh(self) -> None:
        """Reload the token list (and the header) from the workspace."""
        self.confirm.hide()

        def work() -> tuple[list[TokenInfo], str]:
            try:
                return self.manager.list(), ""
            except NotebookTokensError as exc:
                if not self._dead(exc):
                    raise
                return [], self._revoked

        self.runner.run("Refreshing", work, self._refreshed)

    def _refreshed(self, result: tuple[list[TokenInfo], str]) -> None:
        infos, dead = result
        if not dead:
            self._revoked = ""
        self._show_tokens(infos)  # a dead token lists nothing: no stale rows marked "in use"
        if dead:
            self.runner.say("error", dead)
        else:
            self.runner.say("info", f"{len(infos)} token{'s' if len(infos) != 1 else ''}.")

    def _show_tokens(self, infos: Sequence[TokenInfo]) -> None:
        self._infos = list(infos)
        self._render_header()
        self._render_table()

    def _render_header(self) -> None:
        session = self.manager.session
        creds = session.credentials
        current = next((info for info in self._infos if info.in_use), None)
        self.header.value = header_html(
            workspace=session.host,
            user=str(self._me.get("userName") or "unknown"),
            source=creds.source,
            masked=creds.token.masked if creds.token is not None else "(not a personal access token)",
            expires=current.expires if current else None,
            status="invalid" if self._revoked else current.status if current else "unknown",
        )

    def _render_table(self) -> None:
        self.grid.show(self._infos)


def show(context: NotebookContext, *, background: bool = True) -> TokenPanel:
    """Build the panel over the notebook's default session and display it."""
    from IPython.display import display  # IPython ships no type information

    from notebook_tokens.credentials.stores.specs import parse_store

    manager = context.manager()

    def resolve(spec: str) -> Store | str:
        return parse_store(spec, api=manager.session, dbutils=context.dbutils)

    panel = TokenPanel(
        manager, default_store=context.config.default_store, store_resolver=resolve, background=background
    )
    display(panel.widget)  # type: ignore[no-untyped-call]
    notice = fallback_notice() if not _NOTICE_SAID else ""
    if notice:
        _NOTICE_SAID.append(True)
        display({"text/plain": notice}, raw=True)  # type: ignore[no-untyped-call]
    return panel
