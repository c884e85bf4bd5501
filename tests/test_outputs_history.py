"""What IPython saves is redacted like what it shows: `history.sqlite` output rows, `%notebook` exports.

A real InteractiveShell given a real sqlite HistoryManager in a temp folder (`db_log_output=True`), with
`%load_ext notebook_tokens`; then the files themselves are read back and searched for the value in every
form `redact` knows (raw, URL-encoded, base64)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.history import HistoryManager
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from traitlets.config import Config

from notebook_tokens.core.redact import Token, _forms

SECRET = "not-a-pat-but-known-" + "5" * 12  # caught because a Token() saw it, not by its shape


@pytest.fixture
def history_shell(tmp_path: Path) -> Iterator[tuple[InteractiveShell, Path]]:
    """The process's shell, its history swapped for a sqlite file in tmp_path that keeps outputs."""
    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # used only when this creates the process's shell
    shell = InteractiveShell.instance(config=config)
    previous = shell.history_manager
    hist_file = tmp_path / "history.sqlite"
    manager = HistoryManager(shell=shell, parent=shell, hist_file=str(hist_file), db_log_output=True)
    manager.outputs = defaultdict(list)  # IPython declares it on the class: every manager would share it
    shell.history_manager = manager
    count, shell.execution_count = shell.execution_count, 1  # this history's cells are numbered from 1
    shell.run_line_magic("load_ext", "notebook_tokens")
    shell.push({"secret": Token(SECRET)})  # not typed into a cell: the input history stays clean
    try:
        yield shell, hist_file
    finally:
        shell.run_line_magic("unload_ext", "notebook_tokens")
        manager.end_session()
        if manager.save_thread is not None:
            manager.save_thread.stop()
        shell.history_manager, shell.execution_count = previous, count


def leaked_forms(blob: bytes) -> list[str]:
    return [form for form in _forms(SECRET) if len(form) >= 8 and form.encode() in blob]


def test_an_execute_result_holding_the_token_is_redacted_in_history_sqlite(
    history_shell: tuple[InteractiveShell, Path],
) -> None:
    shell, hist_file = history_shell
    with capture_output() as shown:
        shell.run_cell("'raw ' + secret.reveal()", store_history=True)
        encoded = "import base64\nbase64.b64encode(secret.reveal().encode()).decode()"
        shell.run_cell(encoded, store_history=True)
    shell.history_manager.writeout_cache()
    assert "[REDACTED]" in shown.stdout and SECRET not in shown.stdout
    with sqlite3.connect(hist_file) as db:
        saved = [row[0] for row in db.execute("SELECT output FROM output_history")]
    assert len(saved) == 2 and all("[REDACTED]" in text for text in saved), saved
    assert leaked_forms(hist_file.read_bytes()) == []


@pytest.mark.skipif(
    not hasattr(HistoryManager, "outputs"),
    reason="this IPython's %notebook exports inputs only (outputs came with HistoryManager.outputs)",
)
def test_a_notebook_export_holds_no_token_from_results_prints_or_errors(
    history_shell: tuple[InteractiveShell, Path], tmp_path: Path
) -> None:
    """`%notebook` writes what IPython kept of each cell: its execute result, its printed text, its error."""
    shell, _ = history_shell
    # IPython tees whatever sys.stdout is when a cell starts; in a kernel that is the extension's redacting
    # stream. pytest puts its own sys.stdout back between fixture and test, so load the hooks again here
    # (over pytest's stream) and capture nothing else.
    shell.run_line_magic("reload_ext", "notebook_tokens")
    shell.run_cell("secret.reveal()", store_history=True)
    shell.run_cell("print('printed', secret.reveal())", store_history=True)
    shell.run_cell("raise ValueError('failed with ' + secret.reveal())", store_history=True)
    exported = tmp_path / "export.ipynb"
    shell.run_cell(f"%notebook {exported}", store_history=True)  # it exports the cells before its own
    text = exported.read_text()
    assert text.count("[REDACTED]") >= 3, text
    assert leaked_forms(exported.read_bytes()) == []
