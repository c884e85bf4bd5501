"""core: the pure bottom layer. `Token` and masking, redaction, the error tree, API-error classification,
hosts and origins, lifetimes.

Imports nothing of notebook_tokens outside core, and no requests, IPython, ipywidgets, traitlets,
databricks-sdk or keyring (checked by `lint-imports`), so everything here is tested without a socket or a
kernel."""
