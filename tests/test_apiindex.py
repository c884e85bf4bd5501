"""The API index: read from databricks-sdk's source without importing it, cached per SDK version, and
its lookups (templates, completion of a prefix, did you mean)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from apiindexsupport import api_cache, api_cache_dir  # noqa: F401 - fixtures

from notebook_tokens.core.apiindex import ApiIndex, Endpoint
from notebook_tokens.notebook.rest import apicache
from notebook_tokens.notebook.rest.apihelp import advice
from notebook_tokens.notebook.rest.apiscan import scan_source

SOURCE = '''
from typing import Optional


@dataclass
class ClusterDetails:
    cluster_id: Optional[str] = None


class ClustersAPI:
    """The Clusters API."""

    def __init__(self, api_client):
        self._api = api_client

    def list(self, *, page_size: Optional[int] = None, page_token: Optional[str] = None):
        """Return information about all pinned and active clusters. Terminated ones are not included.

        :param page_size: int (optional)
        """
        query = {}
        if page_size is not None:
            query["page_size"] = page_size
        if page_token is not None:
            query["page_token"] = page_token
        while True:
            json = self._api.do("GET", "/api/2.1/clusters/list", query=query, headers=headers)

    def permissions(self, cluster_id: str, access_control_list=None):
        """Updates the permissions on a cluster."""
        body = {}
        body["access_control_list"] = access_control_list
        return self._api.do("PATCH", f"/api/2.0/permissions/clusters/{cluster_id}", body=body)


class AccountGroupsAPI:
    def get(self, id: str):
        """Gets a group."""
        return self._api.do("GET", f"/api/2.0/accounts/{self._api.account_id}/scim/v2/Groups/{id}")
'''


def _small_index() -> ApiIndex:
    return ApiIndex(
        [
            Endpoint("GET", "/api/2.0/clusters/list", ("page_size",)),
            Endpoint("GET", "/api/2.0/clusters/list-zones"),
            Endpoint("POST", "/api/2.0/clusters/start", body=("cluster_id",)),
            Endpoint("GET", "/api/2.0/permissions/clusters/{cluster_id}"),
            Endpoint("PATCH", "/api/2.0/permissions/clusters/{cluster_id}"),
            Endpoint("GET", "/api/2.0/permissions/clusters/{cluster_id}/permissionLevels"),
        ],
        "0.0",
    )


def test_scan_reads_method_template_query_body_and_summary() -> None:
    found = {(e.method, e.template): e for e in scan_source(SOURCE)}
    listing = found["GET", "/api/2.1/clusters/list"]
    assert listing.query == ("page_size", "page_token")
    assert listing.summary == "Return information about all pinned and active clusters."
    patch = found["PATCH", "/api/2.0/permissions/clusters/{cluster_id}"]
    assert patch.body == ("access_control_list",) and patch.path_params == ("cluster_id",)


def test_scan_leaves_out_account_level_paths() -> None:
    """Paths built from self._api.account_id are served by the account console, not a workspace."""
    assert not [e for e in scan_source(SOURCE) if "accounts" in e.template]


def test_a_template_segment_matches_any_one_segment() -> None:
    index = _small_index()
    assert index.methods("/api/2.0/permissions/clusters/0101-abc") == ["GET", "PATCH"]
    assert index.endpoints_for("/api/2.0/permissions/clusters/") == []
    assert index.endpoint("GET", "/api/2.0/permissions/clusters/x/permissionLevels") is not None


def test_completion_stops_at_the_end_of_the_typed_segment() -> None:
    index = _small_index()
    assert index.complete_path("/api/2.0/clusters/li") == [
        "/api/2.0/clusters/list",
        "/api/2.0/clusters/list-zones",
    ]
    assert index.complete_path("/api/2.0/perm") == ["/api/2.0/permissions/"]
    assert index.complete_path("/api/2.0/permissions/clusters/") == [
        "/api/2.0/permissions/clusters/{cluster_id}",
        "/api/2.0/permissions/clusters/{cluster_id}/",
    ]
    assert index.complete_path("/api/2.0/permissions/clusters/0101-abc/") == [
        "/api/2.0/permissions/clusters/0101-abc/permissionLevels"
    ]


def test_completion_with_a_method_offers_only_paths_leading_to_it() -> None:
    assert _small_index().complete_path("/api/2.0/clusters/", "POST") == ["/api/2.0/clusters/start"]


def test_a_typo_gets_the_closest_paths() -> None:
    assert _small_index().suggest("/api/2.0/clusters/lst")[0] == "/api/2.0/clusters/list"
    assert advice(_small_index(), "GET", "/api/2.0/clusters/lst").startswith(
        "Did you mean /api/2.0/clusters/list"
    )


def test_a_prefix_of_known_paths_gets_no_advice() -> None:
    assert advice(_small_index(), "GET", "/api/2.0/clusters/") == ""


def test_a_wrong_method_names_the_methods_allowed() -> None:
    text = advice(_small_index(), "DELETE", "/api/2.0/permissions/clusters/c1")
    assert text == "/api/2.0/permissions/clusters/c1 takes GET, PATCH, not DELETE."


def test_the_index_round_trips_through_json() -> None:
    index = _small_index()
    again = ApiIndex.from_json(json.loads(json.dumps(index.to_json())))
    assert again.endpoints == index.endpoints and again.sdk_version == "0.0"


@pytest.mark.usefixtures("api_cache")
def test_the_installed_sdk_index_has_both_clusters_list_versions() -> None:
    """The SDK calls /api/2.1/clusters/list; the 2.0 path the workspace still serves is added."""
    index = apicache.index()
    assert "page_size" in index.query_names("GET", "/api/2.1/clusters/list")
    assert index.endpoint("GET", "/api/2.0/clusters/list") is not None
    assert index.endpoint("GET", "/api/2.0/token/list") is not None


def test_index_is_built_from_source_without_importing_the_sdk_and_cached_per_version(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from notebook_tokens.notebook.rest import apicache\n"
        "index = apicache.index()\n"
        "print(len(index), index.sdk_version, 'databricks.sdk' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[1])}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    count, version, imported = done.stdout.split()
    assert int(count) > 250 and imported == "False"  # 319 endpoints in databricks-sdk 0.1.6
    cached = tmp_path / "notebook-tokens" / f"api-index-{version}.json"
    assert json.loads(cached.read_text())["sdk_version"] == version
