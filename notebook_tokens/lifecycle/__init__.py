"""lifecycle: the token lifecycle over a session that is handed in. `TokenManager` (list / create /
revoke, `tokens`), `TokenInfo` (`tokeninfo`), the workspace's token settings (`conf`), admin views and bulk
revoke (`admin`) and crash-safe rotation (`rotation`). May import http, credentials and core; never
IPython or ipywidgets."""
