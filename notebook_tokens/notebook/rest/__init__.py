"""rest: `%dbrest` / `%%dbrest`. `parse` (the line and the cell, pure), `body` ($var substitution), `call`
(through a WorkspaceSession), `render` (the RestResult mime bundle), `magic` (the IPython magic)."""
