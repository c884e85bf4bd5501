"""A notebook executed by nbclient with store_widget_state=True (papermill's default) after generating a
token from the panel: the saved notebook, widget state included, holds no token value."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from notebook_tokens.core.redact import PAT_PATTERN

PAT_RE = re.compile(r"dapi[0-9a-f]{32}")


@pytest.mark.slow
def test_a_notebook_saved_with_widget_state_after_generating_holds_no_token(
    db_env: Any, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    cells = [
        "%load_ext notebook_tokens",
        "%dbtoken panel",
        "from notebook_tokens.notebook.extension import get_context\n"
        "from notebook_tokens.notebook.panel.tokenpanel import show\n"
        "p = show(get_context(get_ipython()), background=False)\n"
        "p.form.store_kind.value = 'netrc'\n"
        f"p.form.store_spec.value = {str(netrc)!r}\n"
        "p.form.comment.value = 'from nbclient'\n"
        "p.form.button.click()\n"
        "print(p.status.value)",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(notebook, timeout=120, kernel_name="python3", store_widget_state=True).execute()
    saved = tmp_path / "executed.ipynb"
    nbformat.write(notebook, saved)

    value = PAT_PATTERN.search(netrc.read_text())
    assert value, "the panel stored nothing"
    assert db_env.workspace.is_token_active(value.group(0))
    printed = "".join(out.get("text", "") for out in notebook.cells[2].outputs)
    assert "Generated token" in printed
    text = saved.read_text()
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert len(state) > 50, "the widget state was not stored, so the scan proves nothing"
    assert "Generated token" in json.dumps(state)
    for secret in (value.group(0), db_env.workspace.admin_token, db_env.workspace.user_token):
        assert secret not in text
    assert not PAT_RE.search(text)
