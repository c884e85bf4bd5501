"""programs: what `python -m notebook_tokens` runs that is not library code (the demo). The top layer."""
