# Copyright 2023 Databricks, Inc.
#
# Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
# compliance with the License. You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software distributed under the License is
# distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and limitations under the License.
#
# Copied from databricks/databricks-sdk-py, tests/integration/test_iam.py
# at commit 9ae2241564f93eec8b747514cdef56439f77a077.
# Changed: test_account_users_list_pagination left out (needs an account console; see EXCLUDED.md).
# ruff: noqa: I001 - upstream's code as upstream wrote it (its import order)

import pytest

from databricks.sdk import errors
from databricks.sdk.core import DatabricksError


def test_filtering_groups(w, random):
    all = w.groups.list(filter=f"displayName eq any-{random(12)}")
    found = len(list(all))
    assert found == 0


def test_scim_error_unmarshall(w, random):
    with pytest.raises(DatabricksError) as exc_info:
        groups = w.groups.list(filter=random(12))
        next(groups)
    assert isinstance(exc_info.value, errors.BadRequest)


def test_scim_get_user_as_dict(w):
    first_user = next(w.users.list())
    user = w.users.get(first_user.id)
    # should not throw
    user.as_dict()


@pytest.mark.parametrize(
    "path,call",
    [
        ("/api/2.0/preview/scim/v2/Users", lambda w: w.users.list(count=10)),
        ("/api/2.0/preview/scim/v2/Groups", lambda w: w.groups.list(count=4)),
        (
            "/api/2.0/preview/scim/v2/ServicePrincipals",
            lambda w: w.service_principals.list(count=1),
        ),
    ],
)
def test_workspace_users_list_pagination(w, path, call):
    # Use count=1 to avoid serializing the full result set just to read totalResults.
    raw = w.api_client.do("GET", path, query={"count": 1})
    total = raw["totalResults"]
    all = call(w)
    found = len(list(all))
    assert found == total
