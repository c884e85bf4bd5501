"""Output redaction while the extension is loaded: known token values become `[REDACTED]`.

Hooks installed by `install(shell, context)` and removed by `uninstall(shell)`, first what is shown:
- `sys.stdout` / `sys.stderr`: a proxy whose `write` redacts (the kernel's streams stay underneath);
- `shell.display_pub.publish`: display data (`display()`, widgets' outputs, `%dbrest` results);
- `shell.displayhook.write_format_data`: execute results (`Out[n]`);
- `shell._showtraceback`: tracebacks, `%xmode Verbose` locals included;
then what IPython saves, which it takes from before the hooks above:
- `shell.displayhook.log_output`: the execute result kept in `history.sqlite` (`output_history`, with
  `HistoryManager.db_log_output`), in the `%logstart -o` log and in `%notebook` exports;
- `shell._format_exception_for_storage`: the error kept for `%notebook` exports;
- the stream proxy's `write` may be replaced for a cell (IPython tees stdout/stderr into its history that
  way): the replacement is handed redacted text too.
`context.config.redact` (`%dbtoken redact off`) switches them all off and on, checked on every write.

Limits: only values this process has seen as a `Token` (and PAT-shaped strings) are caught, in the forms
`redact` knows (raw, URL-encoded, base64); a value sliced, reversed or split across two writes is not.

Also registered here: how a `RestResult` is displayed, so `%dbrest -q` hides it in its own cell only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO

from notebook_tokens.core.redact import redact, redact_data

__all__ = ["RedactingStream", "install", "uninstall"]

_STATE = "_notebook_tokens_outputs"
_MISSING = object()


class RedactingStream:
    """Wraps a text stream; `write` redacts known token values when `enabled()` says so."""

    def __init__(self, stream: TextIO, enabled: Callable[[], bool]) -> None:
        self._stream = stream
        self._enabled = enabled
        self._tee: Callable[..., Any] | None = None

    @property
    def wrapped(self) -> TextIO:
        return self._stream

    def _redacted(self, text: Any) -> Any:
        return redact(text) if self._enabled() and isinstance(text, str) else text

    def _write(self, text: str) -> int:
        return self._stream.write(self._redacted(text))

    @property
    def write(self) -> Callable[..., Any]:
        tee = self._tee
        if tee is None:
            return self._write
        return lambda text, *args, **kwargs: tee(self._redacted(text), *args, **kwargs)

    @write.setter
    def write(self, replacement: Callable[..., Any]) -> None:
        # InteractiveShell.run_cell assigns `sys.stdout.write` for the cell (to keep a copy in its history,
        # which `%notebook` exports) and assigns the old one back after: that copy must be redacted too
        self._tee = None if replacement == self._write else replacement

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def install(shell: Any, context: Any) -> None:
    """Wrap the shell's output paths; a second install replaces the first."""
    uninstall(shell)

    def enabled() -> bool:
        return bool(context.config.redact)

    saved: dict[str, Any] = {"stdout": sys.stdout, "stderr": sys.stderr}
    sys.stdout = RedactingStream(sys.stdout, enabled)
    sys.stderr = RedactingStream(sys.stderr, enabled)
    saved["streams"] = (sys.stdout, sys.stderr)

    hooks = [*_shown_hooks(shell, enabled), *_saved_hooks(shell, enabled)]
    # what each instance had before (usually nothing: the class method), so uninstall can put it back
    saved["hooks"] = [(owner, name, hook, owner.__dict__.get(name, _MISSING)) for owner, name, hook in hooks]
    for owner, name, hook in hooks:
        setattr(owner, name, hook)
    saved["display_formatter"] = _register_result_display(shell)
    setattr(shell, _STATE, saved)


_Hook = tuple[Any, str, Callable[..., Any]]  # (owner, attribute, replacement)


def _shown_hooks(shell: Any, enabled: Callable[[], bool]) -> list[_Hook]:
    """What reaches the screen (and, in a kernel, the notebook file)."""
    publish = shell.display_pub.publish

    def redacting_publish(data: Any, metadata: Any = None, *args: Any, **kwargs: Any) -> Any:
        if enabled():
            data, metadata = redact_data(data), redact_data(metadata)
        return publish(data, metadata, *args, **kwargs)

    write_format_data = shell.displayhook.write_format_data

    def redacting_write_format_data(format_dict: Any, md_dict: Any = None) -> Any:
        if enabled():
            format_dict, md_dict = redact_data(format_dict), redact_data(md_dict)
        return write_format_data(format_dict, md_dict)

    showtraceback = shell._showtraceback

    def redacting_showtraceback(etype: Any, evalue: Any, stb: Any) -> Any:
        if enabled():
            evalue = _RedactedValue(redact(str(evalue)))
            stb = [redact(line) for line in stb]
        return showtraceback(etype, evalue, stb)

    return [
        (shell.display_pub, "publish", redacting_publish),
        (shell.displayhook, "write_format_data", redacting_write_format_data),
        (shell, "_showtraceback", redacting_showtraceback),
    ]


def _saved_hooks(shell: Any, enabled: Callable[[], bool]) -> list[_Hook]:
    """What IPython keeps: it takes the result and the error from before the shown hooks redact them."""
    log_output = shell.displayhook.log_output

    def redacting_log_output(format_dict: Any) -> Any:
        return log_output(redact_data(format_dict) if enabled() else format_dict)

    hooks: list[_Hook] = [(shell.displayhook, "log_output", redacting_log_output)]
    format_exception = getattr(shell, "_format_exception_for_storage", None)  # IPython 9 and later
    if format_exception is not None:

        def redacting_format_exception(*args: Any, **kwargs: Any) -> Any:
            stored = format_exception(*args, **kwargs)
            return redact_data(stored) if enabled() else stored

        hooks.append((shell, "_format_exception_for_storage", redacting_format_exception))
    return hooks


def uninstall(shell: Any) -> None:
    """Remove whatever `install` put in place; safe to call when nothing is installed."""
    saved = getattr(shell, _STATE, None)
    if saved is None:
        return
    for name, proxy in zip(("stdout", "stderr"), saved["streams"], strict=True):
        if getattr(sys, name) is proxy:
            setattr(sys, name, saved[name])
    for owner, name, hook, previous in saved["hooks"]:
        if owner.__dict__.get(name) is not hook:
            continue  # replaced since by someone else: leave theirs alone
        if previous is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, previous)
    _unregister_result_display(*saved["display_formatter"])
    setattr(shell, _STATE, None)


class _RedactedValue(str):
    """A stand-in for the exception value in `_showtraceback`: ipykernel only takes its `str()`."""


# by name: render is imported on first %dbrest
_RESULT_TYPE = ("notebook_tokens.notebook.rest.render", "RestResult")


def _register_result_display(shell: Any) -> tuple[Any, Any]:
    formatter = shell.display_formatter.ipython_display_formatter

    def show(result: Any) -> None:
        if result.quiet_in is not None and result.quiet_in == shell.execution_count:
            return
        data, metadata = result._repr_mimebundle_()
        shell.display_pub.publish(data, metadata)

    formatter.for_type_by_name(*_RESULT_TYPE, show)
    return formatter, show


def _unregister_result_display(formatter: Any, show: Any) -> None:
    if formatter.deferred_printers.get(_RESULT_TYPE) is show:
        del formatter.deferred_printers[_RESULT_TYPE]
    for cls, printer in list(formatter.type_printers.items()):
        if printer is show:
            del formatter.type_printers[cls]
