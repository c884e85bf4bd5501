"""Whatever a client sends, the emulator answers in the platform's error shape, never a 500."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from notebook_tokens.testing import FakeWorkspace
from notebook_tokens.testing.routes import _EXACT, _PREFIXED

WS = FakeWorkspace()  # shared: hypothesis calls the test many times; the examples only add tokens/secrets
ROUTES = sorted(_EXACT) + [(method, prefix + "x") for method, prefix in _PREFIXED]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.just(float("inf"))
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
field_names = st.sampled_from(
    ["comment", "lifetime_seconds", "token_id", "scope", "key", "string_value", "bytes_value", "cluster_id",
     "initial_manage_principal", "enableTokensConfig", "maxTokenLifetimeDays"]
)  # fmt: skip
bodies = st.one_of(
    st.binary(max_size=40),
    st.dictionaries(field_names, json_values, max_size=4).map(lambda d: json.dumps(d).encode()),
)
queries = st.dictionaries(
    st.sampled_from(["keys", "scope", "key", "cluster_id", "page_size", "page_token", "created_by_id"]),
    st.lists(st.text(max_size=12), min_size=1, max_size=2),
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(route=st.sampled_from(ROUTES), body=bodies, query=queries, admin=st.booleans())
def test_any_request_gets_a_platform_shaped_answer(
    route: tuple[str, str], body: bytes, query: dict[str, list[str]], admin: bool
) -> None:
    method, path = route
    token = WS.admin_token if admin else WS.user_token
    WS.conf.update(
        {"enableTokensConfig": "true", "maxTokenLifetimeDays": "0"}
    )  # a PATCH may have changed them
    reply = WS.handle(method, path, query, {"Authorization": f"Bearer {token}"}, body)
    assert reply.status in {200, 204, 400, 403, 404}, (reply.status, reply.body)
    if reply.status >= 400:
        data: Any = json.loads(reply.body)
        assert set(data) == {"error_code", "message"} and data["message"]
