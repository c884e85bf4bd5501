"""http: talking to one workspace. `WorkspaceAuth` (a header provider and an origin check), the
`WorkspaceSession` (`workspace`), retrying, pagination, and the one translation of requests exceptions
into `TransportError` (`errors`). May import credentials and core."""
