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
# Copied from databricks/databricks-sdk-py, tests/integration/test_dbutils.py
# at commit 9ae2241564f93eec8b747514cdef56439f77a077.
# Changed: only test_secrets is kept; the file-system tests need DBFS or Unity Catalog volumes
# (see EXCLUDED.md). Its imports are upstream's, unused ones included.
# ruff: noqa: I001, F401 - upstream's code as upstream wrote it (its import order, its imports)

import base64
import logging

import pytest

from databricks.sdk.core import DatabricksError
from databricks.sdk.errors import NotFound


def test_secrets(w, random):
    random_scope = f"scope-{random()}"
    key_for_string = f"string-{random()}"
    key_for_bytes = f"bytes-{random()}"
    random_value = f"SECRET-{random()}"

    logger = logging.getLogger("foo")
    logger.info(f"Before loading secret: {random_value}")

    w.secrets.create_scope(random_scope)
    w.secrets.put_secret(random_scope, key_for_string, string_value=random_value)
    w.secrets.put_secret(
        random_scope,
        key_for_bytes,
        bytes_value=base64.b64encode(random_value.encode()).decode(),
    )

    from databricks.sdk.runtime import dbutils

    all_scopes = dbutils.secrets.listScopes()
    assert random_scope in [scope.getName() for scope in all_scopes]

    all_secrets = {}
    for secret_metadata in dbutils.secrets.list(random_scope):
        key = secret_metadata.key
        try:
            all_secrets[key] = dbutils.secrets.get(random_scope, key)
        except DatabricksError as e:
            if e.error_code == "BAD_REQUEST":
                pytest.skip("dbconnect is not enabled on this workspace")
            raise e

    logger.info(f"After loading secret: {random_value}")
    logging.getLogger("databricks.sdk").info(f"After loading secret: {random_value}")

    assert all_secrets[key_for_string] == random_value
    assert all_secrets[key_for_bytes] == random_value
