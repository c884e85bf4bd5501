"""Output redaction hooks on a real IPython InteractiveShell: streams, display data, results, tracebacks.

Where a kernel would send output, recorders stand in (a plain shell would print everything to the same
stdout the stream proxy already redacts), so each hook is seen on its own.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from notebook_tokens.core.redact import Token
from notebook_tokens.notebook import cellform, outputs
from notebook_tokens.notebook.context import NotebookContext

SECRET = "not-a-pat-but-known-" + "7" * 12  # redacted because a Token() saw it, not by its shape


class Recorder:
    """Stands in for the kernel's publish / write_format_data / _showtraceback: keeps what reached it."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(args)


@pytest.fixture
def hooked(
    shell: InteractiveShell,
) -> Iterator[tuple[InteractiveShell, NotebookContext, dict[str, Recorder]]]:
    """Recorders where the kernel would send output, with the redaction hooks installed on top."""
    recorders = {"publish": Recorder(), "write_format_data": Recorder(), "_showtraceback": Recorder()}
    owners = {"publish": shell.display_pub, "write_format_data": shell.displayhook, "_showtraceback": shell}
    for name, recorder in recorders.items():
        setattr(owners[name], name, recorder)
    Token(SECRET)
    context = NotebookContext(shell)
    outputs.install(shell, context)
    yield shell, context, recorders
    outputs.uninstall(shell)
    for name, recorder in recorders.items():
        assert owners[name].__dict__[name] is recorder  # uninstall put back what was there
        delattr(owners[name], name)


def test_print_to_stdout_and_stderr_is_redacted(hooked: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell, _, _ = hooked
    outputs.uninstall(shell)
    outputs.install(shell, NotebookContext(shell))  # wrap pytest's capture streams, now current
    InteractiveShell.run_cell(
        shell, f"print({SECRET!r}); import sys; print('x' + {SECRET!r}, file=sys.stderr)"
    )
    captured = capsys.readouterr()
    assert captured.out == "[REDACTED]\n" and captured.err == "x[REDACTED]\n"


def test_display_data_is_redacted(hooked: Any) -> None:
    shell, _, recorders = hooked
    InteractiveShell.run_cell(
        shell, f"from IPython.display import display; display({{'text/plain': {SECRET!r}}}, raw=True)"
    )
    assert recorders["publish"].calls[-1][0] == {"text/plain": "[REDACTED]"}


def test_execute_result_is_redacted(hooked: Any) -> None:
    shell, _, recorders = hooked
    InteractiveShell.run_cell(shell, f"{{'key': {SECRET!r}}}", store_history=True)
    assert recorders["write_format_data"].calls[-1][0]["text/plain"] == "{'key': '[REDACTED]'}"


def test_traceback_and_verbose_locals_are_redacted(hooked: Any) -> None:
    shell, _, recorders = hooked
    shell.run_line_magic("xmode", "Verbose")
    try:
        InteractiveShell.run_cell(
            shell, f"def fail():\n    value = {SECRET!r}\n    raise ValueError(value)\nfail()"
        )
    finally:
        shell.run_line_magic("xmode", "Context")
    _, evalue, stb = recorders["_showtraceback"].calls[-1]
    assert evalue == "[REDACTED]"
    assert SECRET not in "".join(stb) and "[REDACTED]" in "".join(stb)


def test_redaction_off_lets_values_through(hooked: Any) -> None:
    shell, context, recorders = hooked
    context.config.redact = False
    InteractiveShell.run_cell(
        shell, f"from IPython.display import display; display({{'text/plain': {SECRET!r}}}, raw=True)"
    )
    assert recorders["publish"].calls[-1][0] == {"text/plain": SECRET}


def test_uninstall_restores_every_hook(shell: InteractiveShell) -> None:
    stdout, publish = sys.stdout, shell.display_pub.publish
    outputs.install(shell, NotebookContext(shell))
    assert sys.stdout is not stdout and shell.display_pub.__dict__.get("publish") is not None
    outputs.uninstall(shell)
    assert sys.stdout is stdout and shell.display_pub.publish == publish
    assert "_showtraceback" not in shell.__dict__ and "write_format_data" not in shell.displayhook.__dict__
    outputs.uninstall(shell)  # a second uninstall is harmless


def test_empty_dbrest_cell_becomes_the_line_form(shell: InteractiveShell) -> None:
    cellform.install(shell)
    cellform.install(shell)  # idempotent
    try:
        assert shell.transform_cell("%%dbrest GET /api/2.0/clusters/list\n\n") == (
            "get_ipython().run_line_magic('dbrest', 'GET /api/2.0/clusters/list')\n"
        )
        assert "run_cell_magic" in shell.transform_cell('%%dbrest POST /x\n{"a": 1}\n')
        assert "run_cell_magic" in shell.transform_cell("%%dbrestx GET /x\n")
    finally:
        cellform.uninstall(shell)
    assert cellform.empty_dbrest_cell not in shell.input_transformers_cleanup


def test_installing_twice_wraps_the_streams_once(shell: InteractiveShell) -> None:
    """%reload_ext installs again: the proxy must not stack on itself."""
    stdout = sys.stdout
    outputs.install(shell, NotebookContext(shell))
    outputs.install(shell, NotebookContext(shell))
    try:
        assert isinstance(sys.stdout, outputs.RedactingStream) and sys.stdout.wrapped is stdout
    finally:
        outputs.uninstall(shell)
    assert sys.stdout is stdout
