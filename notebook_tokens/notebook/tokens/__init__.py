"""tokens: `%dbtoken`. `magic` (the IPython magic and its subcommands) and `commands` (the larger ones:
list, admin revoke), rendering through notebook.tokenviews."""
