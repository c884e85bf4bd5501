"""panel: `%dbtoken panel`, the ipywidgets Access Tokens panel. `tokenpanel` (the panel and its My tokens
tab), `admin` (the admin tab), `form` (Generate), `common` (confirm bar, background jobs), `markup` (its
HTML), `charts` (SVG charts). ipywidgets is imported only here."""
