"""Pieces shared by the panel's tabs: a job runner that keeps the UI responsive, and an inline confirmation.

ipywidgets has no modal dialog and JupyterLab drops output printed from widget callbacks, so every result
and error goes into an `HTML` status widget inside the panel, and a confirmation is an inline pair of buttons.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import ipywidgets as widgets

from notebook_tokens.core.errors import ApiError, NotebookTokensError
from notebook_tokens.core.redact import looks_like_token, redact
from notebook_tokens.notebook.panel.markup import status_html

__all__ = ["ConfirmBar", "JobRunner", "dead_token_message", "describe_error", "refuse_pasted_tokens"]

T = TypeVar("T")


def describe_error(exc: BaseException) -> str:
    """The message a user sees for a failed action; our errors already say what to do."""
    if isinstance(exc, NotebookTokensError):
        return redact(str(exc))
    return redact(f"Unexpected {type(exc).__name__}: {exc}")


def dead_token_message(exc: BaseException, masked: str, source: str) -> str:
    """What to do when the token in use was revoked or expired (403 "Invalid access token."), else ""."""
    if not (isinstance(exc, ApiError) and exc.status == 403 and "invalid access token" in str(exc).lower()):
        return ""
    return (f"The token in use ({masked}, from {source}) no longer works: the workspace answers 403 "
            '"Invalid access token." (it was revoked or has expired), so no tokens are listed. Switch this '
            "notebook to a working token with %dbtoken use SPEC (keyring, netrc[:PATH], secret:SCOPE/KEY, "
            "profile:NAME), or generate one (Settings → Developer → Access tokens in the workspace) and "
            "%dbtoken use it; then Refresh.")


def refuse_pasted_tokens(field: Any, name: str, warn: Callable[[str], None]) -> None:
    """Clear `field` the moment a token-shaped value arrives in its `value` trait, and `warn`.

    A widget's value is synced to the kernel on every keystroke or paste and saved with the notebook's
    widget state, so it must not wait for a button click to be checked."""

    def check(change: dict[str, Any]) -> None:
        if isinstance(change["new"], str) and looks_like_token(change["new"]):
            field.value = ""
            warn(f"The {name} looked like a token value and was cleared: never paste tokens into the panel "
                 "(a widget's value is saved with the notebook).")

    field.observe(check, names="value")


class JobRunner:
    """Runs one action at a time, in a thread (background=True) or inline (tests, `background=False`).

    While an action runs the given buttons are disabled and the status line says what is happening;
    afterwards `done(result)` updates the widgets, or the error is shown in the status line.
    """

    def __init__(
        self,
        status: Any,
        buttons: Sequence[Any],
        *,
        background: bool = True,
        allowed: Callable[[Any], bool] = lambda _button: True,
    ) -> None:
        self.status = status
        self.allowed = allowed  # whether a button may be re-enabled once the action is over
        self.buttons = list(buttons)
        self.background = background
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def say(self, kind: str, text: str) -> None:
        self.status.value = status_html(kind, text)

    def run(self, label: str, work: Callable[[], T], done: Callable[[T], None]) -> None:
        if self.busy:
            self.say("warn", "Another action is still running; wait for it to finish.")
            return
        self.say("working", f"{label}…")
        for button in self.buttons:
            button.disabled = True

        def job() -> None:
            try:
                result = work()
            except Exception as exc:
                self.say("error", describe_error(exc))
            else:
                try:
                    done(result)
                except Exception as exc:
                    self.say("error", describe_error(exc))
            finally:
                for button in self.buttons:
                    button.disabled = not self.allowed(button)

        if self.background:
            self._thread = threading.Thread(target=job, name=f"notebook-tokens: {label}", daemon=True)
            self._thread.start()
        else:
            job()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the running action is done (for tests and scripts)."""
        if self._thread is not None:
            self._thread.join(timeout)


class ConfirmBar:
    """An inline "are you sure" row: a message, a red confirm button and Cancel. Hidden until `ask()`."""

    def __init__(self) -> None:
        self.message = widgets.HTML()
        self.confirm = widgets.Button(description="Confirm", button_style="danger")
        self.cancel = widgets.Button(description="Cancel")
        buttons = widgets.HBox([self.confirm, self.cancel], layout=widgets.Layout())
        self.widget = widgets.VBox(
            [self.message, buttons],
            layout=widgets.Layout(
                display="none", border="1px solid #f0c2bd", padding="8px 10px", margin="4px 0"
            ),
        )
        self._action: Callable[[], None] | None = None
        self.confirm.on_click(lambda _button: self._fire())
        self.cancel.on_click(lambda _button: self.hide())

    @property
    def visible(self) -> bool:
        return bool(self.widget.layout.display != "none")

    def ask(self, message_html: str, confirm_label: str, action: Callable[[], None]) -> None:
        self.message.value = message_html
        self.confirm.description = confirm_label
        self._action = action
        self.widget.layout.display = "flex"

    def hide(self) -> None:
        self._action = None
        self.message.value = ""
        self.widget.layout.display = "none"

    def _fire(self) -> None:
        action, self._action = self._action, None
        self.hide()
        if action is not None:
            action()
