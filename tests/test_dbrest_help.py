"""`%dbrest?` lists every option although the parser is built at first use, not at `%load_ext`."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from IPython.core.interactiveshell import InteractiveShell


def test_the_inspector_shows_every_option_before_any_call() -> None:
    """What `%dbrest?` and a front end's tooltip show: IPython's inspector, through getdoc(), in a fresh
    interpreter where %load_ext has not built the parser."""
    script = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "from IPython.core import oinspect\n"
        "shell = InteractiveShell.instance()\n"
        "shell.run_line_magic('load_ext', 'notebook_tokens')\n"
        "from notebook_tokens.notebook.rest.magic import DbRestMagics\n"
        "print(getattr(DbRestMagics.dbrest, 'parser', None) is None)\n"
        "print(oinspect.getdoc(shell.find_line_magic('dbrest')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    built_at_load, doc = done.stdout.split("\n", 1)
    assert built_at_load == "True"
    for option in ("--max-pages N", "--as {curl,python,sdk}", "--doc", "-e EXPR", "--table"):
        assert option in doc
    assert "%%dbrest POST /api/2.0/clusters/start" in doc  # the examples stay


def test_pinfo_of_the_loaded_magic_lists_the_options(ip: InteractiveShell, db_env: Any) -> None:
    text = ip.object_inspect_text("%dbrest")
    assert "--max-pages N" in text and "--as {curl,python,sdk}" in text
