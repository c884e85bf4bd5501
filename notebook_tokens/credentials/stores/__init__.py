"""stores: one module per token store, named by a store spec (`specs.parse_store`):
env, profile, keyringstore, netrcstore (with `netrcfile`, the byte-preserving netrc editor, over
`netrcsyntax`, its tokenizer and parser, and `securefile`, safe file writes) and secret (a Databricks
secret scope). May import core only."""
