"""Loading and unloading the IPython extension: magics, output redaction, the empty-cell transformer.

Imports nothing heavy: requests, databricks-sdk and ipywidgets load on first use, so `%load_ext` stays cheap.
"""

from __future__ import annotations

from typing import Any

from notebook_tokens.notebook.context import NotebookContext

_MAGICS_CLASSES = ("DbRestMagics", "DbTokenMagics")
_ATTRIBUTE = "_notebook_tokens_context"


def get_context(shell: Any) -> NotebookContext:
    """The extension's state for `shell`; loads nothing, raises if the extension is not loaded."""
    context = getattr(shell, _ATTRIBUTE, None)
    if context is None:
        raise RuntimeError("notebook_tokens is not loaded: run %load_ext notebook_tokens")
    assert isinstance(context, NotebookContext)
    return context


def load(shell: Any) -> None:
    from notebook_tokens.notebook import cellform, outputs
    from notebook_tokens.notebook.rest import complete
    from notebook_tokens.notebook.rest.magic import DbRestMagics
    from notebook_tokens.notebook.tokens.magic import DbTokenMagics

    if getattr(shell, _ATTRIBUTE, None) is not None:
        unload(shell)
    context = NotebookContext(shell)
    setattr(shell, _ATTRIBUTE, context)
    shell.configurables.append(context.config)
    shell.register_magics(DbRestMagics(shell, context))
    shell.register_magics(DbTokenMagics(shell, context))
    outputs.install(shell, context)
    cellform.install(shell)
    complete.install(shell)  # the API index is read on the first completion, not here


def unload(shell: Any) -> None:
    from notebook_tokens.notebook import cellform, outputs
    from notebook_tokens.notebook.rest import complete

    context = getattr(shell, _ATTRIBUTE, None)
    if context is None:
        return
    complete.uninstall(shell)
    cellform.uninstall(shell)
    outputs.uninstall(shell)
    magics = shell.magics_manager.magics
    for class_name in _MAGICS_CLASSES:
        instance = shell.magics_manager.registry.pop(class_name, None)
        # the names each class registered (@magics_class records them), so a new magic needs no list here
        for kind, names in getattr(instance, "magics", {}).items():
            for name in names:
                magics[kind].pop(name, None)
    if context.config in shell.configurables:
        shell.configurables.remove(context.config)
    context.close()
    setattr(shell, _ATTRIBUTE, None)
