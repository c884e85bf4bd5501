"""/api/2.0|2.1/clusters/{list,get,start} and /api/2.0/preview/scim/v2/Me."""

from __future__ import annotations

import base64
import random
from typing import TYPE_CHECKING, Any

from notebook_tokens.testing.replies import (
    ApiProblem,
    bad_request,
    parse_body,
    query_int,
    query_one,
    query_required,
)

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.workspace import FakeWorkspace

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
_NAMES = [
    "etl-nightly",
    "ml-training",
    "bi-dashboards",
    "adhoc",
    "streaming",
    "feature-store",
    "dlt-pipeline",
]
_RUNTIMES = ["15.4.x-scala2.12", "14.3.x-scala2.12", "16.1.x-scala2.12", "15.4.x-cpu-ml-scala2.12"]
_NODES = ["i3.xlarge", "m5d.large", "r5d.2xlarge", "g5.xlarge"]


def make_clusters(count: int, creators: list[str], now_ms: int, seed: int = 42) -> list[dict[str, Any]]:
    """`count` plausible ClusterDetails dicts, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    clusters = []
    for n in range(count):
        started = now_ms - rng.randint(1, 60 * 24) * 60_000
        suffix = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))
        day = f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        state = rng.choice(["RUNNING", "TERMINATED", "TERMINATED"])
        node = rng.choice(_NODES)
        cluster: dict[str, Any] = {
            "cluster_id": f"{day}-{rng.randint(0, 235959):06d}-{suffix}",
            "cluster_name": f"{_NAMES[n % len(_NAMES)]}-{n + 1:02d}",
            "spark_version": rng.choice(_RUNTIMES),
            "node_type_id": node,
            "driver_node_type_id": node,
            "num_workers": rng.randint(0, 8),
            "autotermination_minutes": rng.choice([30, 60, 120]),
            "creator_user_name": creators[n % len(creators)],
            "cluster_source": rng.choice(["UI", "API", "JOB"]),
            "state": state,
            "state_message": ""
            if state == "RUNNING"
            else "Inactive cluster terminated (inactive for 60 minutes).",
            "start_time": started,
            "custom_tags": {"team": rng.choice(["data", "ml", "analytics"])},
            "data_security_mode": "USER_ISOLATION",
            "runtime_engine": "STANDARD",
        }
        if state == "TERMINATED":
            cluster["terminated_time"] = started + rng.randint(5, 120) * 60_000
            cluster["termination_reason"] = {"code": "INACTIVITY", "type": "SUCCESS"}
        clusters.append(cluster)
    return clusters


def _settle(ws: FakeWorkspace, cluster: dict[str, Any]) -> dict[str, Any]:
    """A PENDING cluster is RUNNING once `ws.cluster_start_seconds` have passed since start."""
    if (
        cluster["state"] == "PENDING"
        and ws.now_ms() - cluster["start_time"] >= ws.cluster_start_seconds * 1000
    ):
        cluster["state"] = "RUNNING"
        cluster["state_message"] = ""
        ws.changed()
    return cluster


def _find(ws: FakeWorkspace, cluster_id: str) -> dict[str, Any]:
    for cluster in ws.clusters:
        if cluster["cluster_id"] == cluster_id:
            return _settle(ws, cluster)
    raise bad_request(f"Cluster {cluster_id} does not exist")


def list_all(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    if not ws.clusters:
        return {}
    return {"clusters": [_settle(ws, c) for c in ws.clusters]}


def _offset_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _parse_page_token(token: str) -> int:
    try:
        prefix, _, number = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if prefix == "offset" and number.isdigit():
            return int(number)
    except (ValueError, UnicodeDecodeError):
        pass
    raise bad_request(f"Invalid page_token: {token}")


def list_paged(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    size = query_int(call.query, "page_size") or DEFAULT_PAGE_SIZE
    if size < 0:
        raise bad_request("page_size must be positive")
    size = min(size, MAX_PAGE_SIZE)
    token = query_one(call.query, "page_token")
    offset = _parse_page_token(token) if token else 0
    page = [_settle(ws, c) for c in ws.clusters[offset : offset + size]]
    answer: dict[str, Any] = {"clusters": page} if page else {}
    if offset + size < len(ws.clusters):
        answer["next_page_token"] = _offset_token(offset + size)
    if offset > 0:
        answer["prev_page_token"] = _offset_token(max(0, offset - size))
    return answer


def get(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    return _find(ws, query_required(call.query, "cluster_id"))


def start(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    data = parse_body(call.body)
    cluster_id = data.get("cluster_id")
    if not isinstance(cluster_id, str) or not cluster_id:
        raise bad_request("Missing required field: cluster_id")
    cluster = _find(ws, cluster_id)
    if cluster["state"] != "TERMINATED":
        state = cluster["state"].title()
        raise ApiProblem(400, "INVALID_STATE", f"Cluster {cluster_id} is in unexpected state {state}.")
    cluster.update(state="PENDING", state_message="Starting Spark", start_time=ws.now_ms())
    cluster.pop("terminated_time", None)
    cluster.pop("termination_reason", None)
    ws.changed()
    return {}


def me(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    """SCIM `User` for the caller; admins are in the "admins" group, everyone in "users"."""
    user = call.user
    groups = [{"display": "users", "value": "100", "type": "direct", "$ref": "Groups/100"}]
    if user.admin:
        groups.insert(0, {"display": "admins", "value": "101", "type": "direct", "$ref": "Groups/101"})
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": str(user.id),
        "userName": user.user_name,
        "displayName": user.display_name,
        "active": True,
        "emails": [{"value": user.user_name, "type": "work", "primary": True}],
        "name": {"givenName": user.display_name},
        "groups": groups,
        "entitlements": [{"value": "workspace-access"}, {"value": "allow-cluster-create"}],
    }


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "/api/2.0/clusters/list"): list_all,
    ("GET", "/api/2.1/clusters/list"): list_paged,
    ("GET", "/api/2.0/clusters/get"): get,
    ("GET", "/api/2.1/clusters/get"): get,
    ("POST", "/api/2.0/clusters/start"): start,
    ("POST", "/api/2.1/clusters/start"): start,
    ("GET", "/api/2.0/preview/scim/v2/Me"): me,
}
