"""The Generate form's scope picker: all APIs, a preset ("BI tools": sql), this notebook's calls, or a list.

"This notebook's calls" is the least set for the REST calls the kernel recorded (`http.recorder`), worked out
when Generate is clicked, so calls made after the panel opened count too. Holds scope names only.
"""

from __future__ import annotations

import ipywidgets as widgets

from notebook_tokens.core.errors import InputError
from notebook_tokens.core.scopes import known_scopes, minimal_scopes, presets
from notebook_tokens.http.recorder import RECORDER

__all__ = ["ALL", "CHOOSE", "OBSERVED", "ScopePicker", "observed"]

ALL = "all"
OBSERVED = "observed"
CHOOSE = "choose"


def observed() -> list[str]:
    """The least scope set for this kernel's recorded calls; InputError when there is none or a call maps
    to no known scope."""
    scopes, unmapped = minimal_scopes((c.method, c.path) for c in RECORDER.calls())
    if unmapped:
        raise InputError(f"no known scope covers {', '.join(unmapped)}: choose the scopes from the list")
    if not scopes:
        raise InputError("this notebook made no call that needs a scope yet: run its REST calls first, "
                         "or choose the scopes from the list")
    return scopes


class ScopePicker:
    """A Dropdown of choices and, for "Choose from the list…", a SelectMultiple of every scope name."""

    def __init__(self) -> None:
        options = [("All APIs (no scopes)", ALL)]
        options += [(f"{name} ({', '.join(names)})", f"preset:{name}") for name, names in presets().items()]
        options += [("This notebook's calls (observed)", OBSERVED), ("Choose from the list…", CHOOSE)]
        self.choice = widgets.Dropdown(options=options, value=ALL, description="Scopes",
                                       layout=widgets.Layout(width="320px"))
        self.names = widgets.SelectMultiple(options=known_scopes(), rows=6,
                                            layout=widgets.Layout(width="240px", display="none"))
        self.hint = widgets.HTML()
        self.choice.observe(lambda _change: self._changed(), names="value")
        self.widget = widgets.HBox([self.choice, self.names, self.hint])
        self._changed()

    def _changed(self) -> None:
        value = self.choice.value
        self.names.layout.display = "" if value == CHOOSE else "none"
        if value == OBSERVED:
            try:
                text = "Now: " + ", ".join(observed())
            except InputError as error:
                text = str(error)
        else:
            text = "A token with scopes reaches only those APIs." if value != ALL else ""
        self.hint.value = f'<span class="nt-hint">{text}</span>' if text else ""

    def scopes(self) -> list[str] | None:
        """The chosen scope names; None for all APIs. InputError when the choice gives none."""
        value = str(self.choice.value)
        if value == ALL:
            return None
        if value == OBSERVED:
            return observed()
        if value.startswith("preset:"):
            return presets()[value.removeprefix("preset:")]
        chosen = list(self.names.value)
        if not chosen:
            raise InputError("choose at least one scope from the list (or All APIs)")
        return chosen
