"""The panel's "Generate new token" form: comment, lifetime presets, store, scopes. Holds no token value.

The workspace maximum (maxTokenLifetimeDays) is shown and enforced: presets beyond it are removed, "Never"
too, and the custom field is bounded. The comment and store fields refuse anything shaped like a token and
clear themselves, because a widget's value is saved with the notebook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from notebook_tokens.core.errors import InputError, LifetimeTooLongError
from notebook_tokens.core.redact import looks_like_token
from notebook_tokens.notebook.panel.common import refuse_pasted_tokens
from notebook_tokens.notebook.panel.scopepicker import ScopePicker

__all__ = ["LIFETIME_PRESETS", "STORE_KINDS", "GenerateForm"]

# Dropdown values are ints: a None value would mean "nothing selected" to ipywidgets (a blank box).
_NEVER = 0
_CUSTOM = -1
LIFETIME_PRESETS: tuple[tuple[str, int], ...] = (
    ("1 day", 1),
    ("7 days", 7),
    ("30 days", 30),
    ("90 days", 90),
    ("Never", _NEVER),
)
# kind -> (label, spec prefix, placeholder of the spec field, whether the field may stay empty)
STORE_KINDS: dict[str, tuple[str, str, str, bool]] = {
    "secret": ("Secret scope", "secret:", "scope/key, e.g. ops/pat", False),
    "keyring": ("Keyring", "keyring", "service (default: databricks)", True),
    "netrc": ("netrc file", "netrc", "path (default: ~/.netrc)", True),
}


def _split_spec(spec: str) -> tuple[str, str]:
    kind, _, rest = spec.partition(":")
    return (kind, rest) if kind in STORE_KINDS else ("keyring", "")


class GenerateForm:
    """Widgets of the form, and `values()` turning them into (comment, lifetime, store spec)."""

    def __init__(self, default_store: str = "") -> None:
        kind, rest = _split_spec(default_store)
        wide = widgets.Layout(width="420px")
        self.comment = widgets.Text(description="Comment", placeholder="What is this token for?", layout=wide)
        self.lifetime = widgets.Dropdown(description="Lifetime", layout=widgets.Layout(width="240px"))
        self.custom_days = widgets.BoundedIntText(
            value=14,
            min=1,
            max=3650,
            description="Days",
            layout=widgets.Layout(width="160px", display="none"),
        )
        self.limit = widgets.HTML()
        self.store_kind = widgets.Dropdown(
            options=[(label, key) for key, (label, *_rest) in STORE_KINDS.items()],
            value=kind,
            description="Store in",
            layout=widgets.Layout(width="240px"),
        )
        self.store_spec = widgets.Text(value=rest, layout=widgets.Layout(width="260px"))
        self.scopes = ScopePicker()
        self.button = widgets.Button(description="Generate", button_style="primary", icon="key")
        self.max_days: int | None = None
        self.tokens_enabled = True
        self.set_limit(None, True)
        self.lifetime.observe(self._lifetime_changed, names="value")
        self.store_kind.observe(lambda _change: self._kind_changed(), names="value")
        self.warn: Callable[[str], None] = lambda _text: None  # the panel points it at its status line
        self.cleared: set[str] = set()  # fields cleared of a pasted token since their last real edit
        self._guard(self.comment, "comment")
        self._guard(self.store_spec, "store field")
        self._kind_changed()
        title = widgets.HTML('<div class="nt-section">Generate new token</div>')
        self.widget = widgets.VBox(
            [
                title,
                self.comment,
                widgets.HBox([self.lifetime, self.custom_days, self.limit], layout=widgets.Layout()),
                widgets.HBox([self.store_kind, self.store_spec], layout=widgets.Layout()),
                self.scopes.widget,
                self.button,
            ],
            layout=widgets.Layout(border="1px solid #e0e3e7", padding="8px 12px", margin="8px 0 0 0"),
        )

    def set_limit(self, max_days: int | None, tokens_enabled: bool = True) -> None:
        """Offer only lifetimes the workspace allows, and say what the maximum is."""
        self.max_days = max_days
        self.tokens_enabled = tokens_enabled
        options = [
            (label, days) for label, days in LIFETIME_PRESETS if not max_days or _NEVER < days <= max_days
        ]
        if max_days and all(days != max_days for _, days in options):
            options.append((f"{max_days} days (maximum)", max_days))
        options.append(("Custom…", _CUSTOM))
        previous = self.lifetime.value
        self.lifetime.options = options
        values = [days for _, days in options]
        self.lifetime.value = previous if previous in values else (90 if 90 in values else values[-2])
        self.custom_days.max = max_days or 3650
        if not tokens_enabled:
            hint = "Tokens are disabled in this workspace: an administrator must enable them."
        elif max_days:
            hint = f"Workspace maximum: {max_days} days"
        else:
            hint = "No workspace maximum"
        self.limit.value = f'<span class="nt-hint">{hint}</span>'
        self.button.disabled = not tokens_enabled

    def _lifetime_changed(self, change: dict[str, object]) -> None:
        self.custom_days.layout.display = "" if change["new"] == _CUSTOM else "none"

    def _kind_changed(self) -> None:
        self.store_spec.placeholder = STORE_KINDS[self.store_kind.value][2]

    def _guard(self, field: widgets.Text, name: str) -> None:
        refuse_pasted_tokens(field, name, lambda text: self._pasted(name, text))
        field.observe(lambda change: self._edited(name, change), names="value")

    def _pasted(self, name: str, text: str) -> None:
        self.cleared.add(name)
        self.warn(text)

    def _edited(self, name: str, change: dict[str, Any]) -> None:
        new = change["new"]
        if name in self.cleared and new.strip() and not looks_like_token(new):
            self.cleared.discard(name)  # typed again after the warning (a token never gets this far)

    def _refuse_token(self, name: str) -> None:
        """Generate right after a pasted token was cleared would silently use an empty field: refuse."""
        if name in self.cleared:
            raise InputError(f"the {name} looked like a token value and was cleared: never paste tokens here")

    def lifetime_text(self) -> str:
        """The chosen lifetime as `parse_lifetime` reads it ("30d", "never"); enforces the maximum."""
        choice = self.lifetime.value
        days = int(self.custom_days.value) if choice == _CUSTOM else choice
        if days == _NEVER:
            return "never"
        if self.max_days and days > self.max_days:
            raise LifetimeTooLongError(
                f"this workspace allows tokens of at most {self.max_days} days; "
                f"choose {self.max_days} or less"
            )
        return f"{days}d"

    def store_spec_or_none(self) -> str | None:
        """The store spec the form names, or None when it is incomplete."""
        _label, prefix, _placeholder, optional = STORE_KINDS[self.store_kind.value]
        rest = self.store_spec.value.strip()
        if not rest:
            return prefix.rstrip(":") if optional else None
        return f"{prefix}{rest}" if prefix.endswith(":") else f"{prefix}:{rest}"

    def values(self) -> tuple[str, str, str]:
        """(comment, lifetime, store spec); InputError when something is missing or wrong."""
        self._refuse_token("comment")
        self._refuse_token("store field")
        spec = self.store_spec_or_none()
        if spec is None:
            raise InputError(
                "name the secret as scope/key (e.g. ops/pat) to store the token in a secret scope"
            )
        return self.comment.value.strip(), self.lifetime_text(), spec
