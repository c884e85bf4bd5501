"""The official databricks-sdk-py integration tests (and ours in their style), run against the emulator."""
