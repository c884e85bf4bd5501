"""Output redaction while the extension is loaded: known token values become `[REDACTED]`.

Four hooks, installed by `install(shell, context)` and removed by `uninstall(shell)`:
- `sys.stdout` / `sys.stderr`: a proxy whose `write` redacts (the kernel's streams stay underneath);
- `shell.display_pub.publish`: display data (`display()`, widgets' outputs, `%dbrest` results);
- `shell.displayhook.write_format_data`: execute results (`Out[n]`);
- `shell._showtraceback`: tracebacks, `%xmode Verbose` locals included.
`context.config.redact` (`%dbtoken redact off`) switches all four off and on, checked on every write.

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

    @property
    def wrapped(self) -> TextIO:
        return self._stream

    def write(self, text: str) -> int:
        if self._enabled() and isinstance(text, str):
            text = redact(text)
        return self._stream.write(text)

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

    hooks = (
        (shell.display_pub, "publish", redacting_publish),
        (shell.displayhook, "write_format_data", redacting_write_format_data),
        (shell, "_showtraceback", redacting_showtraceback),
    )
    # what each instance had before (usually nothing: the class method), so uninstall can put it back
    saved["hooks"] = [(owner, name, hook, owner.__dict__.get(name, _MISSING)) for owner, name, hook in hooks]
    for owner, name, hook in hooks:
        setattr(owner, name, hook)
    saved["display_formatter"] = _register_result_display(shell)
    setattr(shell, _STATE, saved)


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
