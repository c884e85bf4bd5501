"""What the panel's buttons do: generate, revoke and rotate, each behind an inline confirmation.

A mixin of `TokenPanel`, which owns the widgets these methods read and the `runner` they run on.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

from notebook_tokens.core.errors import InputError
from notebook_tokens.lifecycle.rotation import rotate, rotation_target
from notebook_tokens.notebook.panel.common import describe_error
from notebook_tokens.notebook.panel.markup import revoke_confirm_html, short_id
from notebook_tokens.notebook.tokenviews import scopes_shown

if TYPE_CHECKING:
    from collections.abc import Sequence

    from notebook_tokens.credentials.stores.base import Store
    from notebook_tokens.lifecycle.tokens import GeneratedToken, TokenInfo, TokenManager
    from notebook_tokens.notebook.panel.common import ConfirmBar, JobRunner
    from notebook_tokens.notebook.panel.form import GenerateForm
    from notebook_tokens.notebook.panel.table import HtmlTokenTable, WidgetTokenTable

__all__ = ["TokenActions"]


class TokenActions:
    """Generate / Revoke… / Rotate… of the My tokens tab."""

    manager: TokenManager
    runner: JobRunner
    confirm: ConfirmBar
    form: GenerateForm
    grid: HtmlTokenTable | WidgetTokenTable
    _infos: list[TokenInfo]
    _resolve: Callable[[str], Store | str]

    def _show_tokens(self, infos: Sequence[TokenInfo]) -> None:
        raise NotImplementedError  # TokenPanel's

    def generate(self) -> None:
        """Generate a token with the form's comment, lifetime and store; the value goes into the store."""
        self.confirm.hide()
        try:
            comment, lifetime, spec = self.form.values()
            scopes = self.form.scopes.scopes()
        except Exception as exc:  # an InputError from the form: shown, nothing sent
            self.runner.say("error", describe_error(exc))
            return
        self.runner.run(
            "Generating a token",
            lambda: self.manager.generate(comment, lifetime, store=self._resolve(spec), scopes=scopes),
            self._generated,
        )

    def _generated(self, generated: GeneratedToken) -> None:
        self._show_tokens(self.manager.list())
        info = generated.info
        expires = "never expires" if info.expires is None else f"expires {info.expires:%Y-%m-%d %H:%M} UTC"
        self.form.comment.value = ""
        self.runner.say(
            "ok",
            f"Generated token {short_id(info.token_id)} ({generated.token.masked}, {expires}, scopes: "
            f"{scopes_shown(info)}) and stored it in {generated.stored_in}. The value is not shown and is "
            "not kept in this notebook.",
        )

    def ask_revoke(self) -> None:
        picked = set(self.grid.selected)
        chosen = [info for info in self._infos if info.token_id in picked]
        if not chosen:
            self.runner.say("warn", "Select one or more tokens in the list first.")
            return
        self.confirm.ask(
            revoke_confirm_html(chosen),
            "Revoke Tokens" if len(chosen) > 1 else "Revoke Token",
            lambda: self._revoke([info.token_id for info in chosen]),
        )

    def _revoke(self, token_ids: list[str]) -> None:
        def work() -> list[TokenInfo]:
            for done, token_id in enumerate(token_ids, start=1):
                self.manager.revoke(token_id, missing_ok=True)
                if len(token_ids) > 1:
                    self.runner.say("working", f"Revoking… {done} of {len(token_ids)} done")
            return self.manager.list()

        def done(infos: list[TokenInfo]) -> None:
            self._show_tokens(infos)
            plural = "s" if len(token_ids) > 1 else ""
            self.runner.say("ok", f"Revoked {len(token_ids)} token{plural}.")

        self.runner.run("Revoking", work, done)

    def ask_rotate(self) -> None:
        """Say where the new token goes and what happens to the old one, then ask. The target is the store
        the token in use came from, never the Generate form's: a read-only source is refused, with the reason
        `%dbtoken rotate` gives (one check, `rotation_target`)."""
        creds = self.manager.session.credentials
        try:
            target = rotation_target(creds)
        except InputError as exc:
            self.runner.say("error", f"Rotate refused: {describe_error(exc)}.")
            return
        assert creds.token is not None  # rotation_target checked it
        masked = escape(creds.token.masked)
        old_id = escape(short_id(creds.token.token_id))
        self.confirm.ask(
            f"<b>Rotate the token in use ({masked}, Token ID <code>{old_id}</code>)?</b><ul>"
            f"<li>Target store: <b>{escape(target.description)}</b> (where this token came from).</li>"
            "<li>A new token (90 days, or the workspace maximum if shorter) is generated, written "
            "there, read back and verified; this notebook switches to it.</li>"
            f"<li>The old token {masked} is then <b>revoked</b>: anything else still using it gets 403.</li>"
            "</ul>",
            "Rotate Token",
            lambda: self._rotate(None),
        )

    def _rotate(self, store: Store | str | None) -> None:
        def done(result: Any) -> None:
            self._show_tokens(self.manager.list())
            warning = f" {result.warning}" if getattr(result, "warning", None) else ""
            old = f"; {short_id(result.old_id)} revoked" if result.old_id else ""
            self.runner.say(
                "warn" if warning else "ok",
                f"Rotated: now using {short_id(result.new_id)}, stored in {result.stored_in}{old}.{warning}",
            )

        self.runner.run("Rotating", lambda: rotate(self.manager, store), done)


