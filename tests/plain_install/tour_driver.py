"""Runs inside the plain venv's IPython (`ipython tour_driver.py CELLS_FILE`): each tour cell through
`run_cell`, as a notebook would, failing on an exception or on an error shown in the output."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from IPython import get_ipython
from IPython.utils.capture import capture_output

# names a tour may leave to the reader (README now defines both; kept for older READMEs and edits):
# defined only when a cell uses them and they are not defined yet, and said so in the output
READER_DEFINES = {  # a use of the name -> the statement that defines it
    r"\$cluster_id": "cluster_id = terminated[0]",
    r"\bnotebook_tokens\.": "import notebook_tokens",
}
# an HTTP error block ("400 INVALID_PARAMETER_VALUE: ...") or a Python error that a magic showed
SHOWN_ERROR = re.compile(r"^(?:[45]\d\d [A-Z_]*:|UsageError|\w+Error\b)", re.M)


def main(cells_file: str) -> int:
    shell = get_ipython()
    cells = Path(cells_file).read_text().split("\n\0\n")
    failed = 0
    for number, cell in enumerate(cells, 1):
        for use, statement in READER_DEFINES.items():
            name = statement.split()[1] if statement.startswith("import ") else statement.split()[0]
            if re.search(use, cell) and name not in shell.user_ns and statement not in cell:
                print(f"(the reader runs first: {statement})", flush=True)
                shell.run_cell(statement, silent=True)
        with capture_output() as captured:
            result = shell.run_cell(cell, store_history=False)
        shown = "\n".join(
            [captured.stdout, captured.stderr]
            + [str(output.data.get("text/plain", "")) for output in captured.outputs]
        )
        error = result.error_before_exec or result.error_in_exec
        verdict = "ok"
        if error is not None:
            verdict = f"FAILED: {type(error).__name__}: {error}"
        elif SHOWN_ERROR.search(shown):
            verdict = f"FAILED: the output shows an error: {SHOWN_ERROR.search(shown).group(0)}"  # type: ignore[union-attr]
        failed += verdict != "ok"
        print(f"--- tour cell {number}: {verdict}\n{cell}\n{shown.rstrip()}\n", flush=True)
    print(f"tour: {len(cells) - failed} of {len(cells)} cells ok on a plain install", flush=True)
    return 1 if failed else 0


sys.exit(main(sys.argv[1]))
