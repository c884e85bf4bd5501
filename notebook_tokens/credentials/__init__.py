"""credentials: where a credential comes from and which workspace host it is bound to.

`chain` (the order of sources as data, in `sources`), the Databricks notebook context (`nbcontext`),
databricks-sdk unified auth as a header provider (`sdkauth`), the `Credentials` value (`creds`), and
`stores/`. May import core only. It never speaks HTTP itself: a store that calls the API is handed an
object with `host` and `api()`, and the chain is handed a session factory."""
