"""notebook: the IPython and ipywidgets front ends, thin: parse -> call -> render.

`extension` (load / unload), `context` (per-shell settings and session), `outputs` (output redaction),
`cellform` (the empty-cell transformer), `tokenviews` (the token tables and cards), and `rest/` (%dbrest),
`tokens/` (%dbtoken), `panel/` (the ipywidgets panel). May import every layer below."""
