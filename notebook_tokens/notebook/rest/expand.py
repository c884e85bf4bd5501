"""`$name` and `{expr}` on a `%dbrest` line: IPython's own expansion, asked for only when there is any.

IPython expands every magic's line before calling it (`InteractiveShell.var_expand`), and each expansion
copies the whole user namespace: about 10 µs per call with a few hundred names, more in a notebook that
star-imports a library, and most `%dbrest` lines hold neither a `$` nor a `{`. So `%dbrest` opts out
(`@no_var_expand`) and calls the same `var_expand` itself when the line holds one of them, pointed at the
frame IPython would have used: `run_line_magic`'s `_stack_depth` frames above it (1, its caller; 2 when
called through the deprecated `magic()`), or for a cell magic the frame `run_cell_magic`'s depth of 2
names. Called some other way (a direct method call, a shell that replaced the runners), it expands against
the user namespace alone, as var_expand does when the frame it is told to use does not exist.
"""

from __future__ import annotations

import sys
from typing import Any

from IPython.core.interactiveshell import InteractiveShell

__all__ = ["expand_line"]

# IPython's stack depth per runner: "the distance in the stack to the user's frame" (interactiveshell.py)
_RUNNERS = {InteractiveShell.run_line_magic.__code__: 1, InteractiveShell.run_cell_magic.__code__: 2}


def expand_line(shell: Any, line: str) -> str:
    """`line` as IPython would have expanded it for this magic call."""
    if "$" not in line and "{" not in line:
        return line  # what IPython's DollarFormatter returns for such a line
    frame = sys._getframe(0)
    hops = 0
    while frame is not None:
        depth = _RUNNERS.get(frame.f_code)
        if depth is not None:
            if depth == 1:  # run_line_magic takes its depth as an argument (the deprecated magic() passes 2)
                depth = int(frame.f_locals.get("_stack_depth", 1))
            # var_expand looks `depth + 1` frames above itself: itself, this function, then `hops` more
            return str(shell.var_expand(line, hops + depth))
        frame = frame.f_back  # type: ignore[assignment]
        hops += 1
    return str(shell.var_expand(line, hops + 1))  # past the outermost frame: the user namespace alone
