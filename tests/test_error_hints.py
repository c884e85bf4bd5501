"""Every HTTP error block ends with what to do, not only the 401/403 ones (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from notebook_tokens.core.apierrors import hint_for, next_step


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "INVALID_PARAMETER_VALUE", "fix the parameter or body"),
        (400, "QUOTA_EXCEEDED", "Revoke tokens you no longer use"),
        (404, "RESOURCE_DOES_NOT_EXIST", "check the path and API version"),
        (405, "", "fix the parameter or body"),
        (409, "RESOURCE_ALREADY_EXISTS", "pick another name"),
        (429, "REQUEST_LIMIT_EXCEEDED", "wait a moment and run it again"),
        (500, "INTERNAL_ERROR", "run it again shortly"),
        (503, "TEMPORARILY_UNAVAILABLE", "run it again shortly"),
    ],
)
def test_each_error_status_has_a_next_step(status: int, code: str, expected: str) -> None:
    assert hint_for(status, code, "message") == ""  # the 401/403 hints stay where they were
    assert expected in next_step(status, code)


def test_a_400_block_from_dbrest_ends_with_what_to_do(emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 400 an emulator gives for a bad lifetime, shown by %dbrest: the last line is the next step."""
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", emulator.workspace.admin_token)
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "notebook_tokens")
    try:
        with capture_output() as captured:
            shell.run_cell('%%dbrest POST /api/2.0/token/create\n{"lifetime_seconds": -5}')
    finally:
        shell.run_line_magic("unload_ext", "notebook_tokens")
    shown = "".join(o.data.get("text/plain", "") for o in captured.outputs) + captured.stdout
    assert shown.splitlines()[0].startswith("400 ")
    assert "then run it again" in shown.splitlines()[-1]
