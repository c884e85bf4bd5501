"""ipywidgets 7 (every Databricks runtime ships 7.7 or 7.8) and 8 (local Jupyter) keep live widgets apart."""

from __future__ import annotations

from typing import Any


def live_widgets() -> dict[str, Any]:
    """The registry of widgets not yet closed, by model id: a module dict in 8.x, `Widget.widgets` in 7.x."""
    registry: dict[str, Any]
    try:
        from ipywidgets.widgets.widget import _instances as registry  # ipywidgets 8
    except ImportError:
        from ipywidgets import Widget  # ipywidgets 7: a class attribute, deprecated (with a warning) in 8

        registry = Widget.widgets
    return registry  # the live dict, not a copy
