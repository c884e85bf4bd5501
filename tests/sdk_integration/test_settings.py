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
# Copied from databricks/databricks-sdk-py, tests/integration/test_settings.py
# at commit 9ae2241564f93eec8b747514cdef56439f77a077.
# Unchanged.

def test_workspace_conf(w):
    w.workspace_conf.set_status({"enableResultsDownloading": "false"})
    conf = w.workspace_conf.get_status(keys="enableResultsDownloading")
    assert conf["enableResultsDownloading"] == "false"
    w.workspace_conf.set_status({"enableResultsDownloading": "true"})
    conf = w.workspace_conf.get_status(keys="enableResultsDownloading")
    assert conf["enableResultsDownloading"] == "true"
