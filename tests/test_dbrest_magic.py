"""`%dbrest` / `%%dbrest` in a real IPython InteractiveShell against the emulator over loopback.

The shell's failed cells raise (like jupysql's InteractiveShell); its history is in memory only.
"""

from __future__ import annotations

from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from notebook_tokens.core.errors import ApiError
from notebook_tokens.notebook.rest.render import RestResult


def run(ip: InteractiveShell, cell: str) -> tuple[Any, list[Any]]:
    """Run a cell (counted, like a kernel); its value and the rich outputs it displayed."""
    with capture_output() as captured:
        result = InteractiveShell.run_cell(ip, cell, store_history=True)
    result.raise_error()
    return result.result, captured.outputs


def test_cell_without_body_displays_clusters_as_a_json_tree(ip: InteractiveShell, db_env: Any) -> None:
    value, outputs = run(ip, "%%dbrest GET /api/2.0/clusters/list")
    assert isinstance(value, RestResult) and value.status_code == 200
    assert len(outputs[0].data["application/json"]["clusters"]) == 30
    assert outputs[0].metadata["application/json"] == {"expanded": False, "root": "/api/2.0/clusters/list"}


def test_all_merges_every_page(ip: InteractiveShell, db_env: Any) -> None:
    value, _ = run(ip, "%dbrest GET /api/2.1/clusters/list page_size==5 --all")
    ids = [c["cluster_id"] for c in value.data["clusters"]]
    assert ids == [c["cluster_id"] for c in db_env.workspace.clusters]
    assert value.pages == 6 and "next_page_token" not in value.data
    assert len(db_env.workspace.requests) == 6


def test_max_pages_stops_with_a_note(ip: InteractiveShell) -> None:
    """--max-pages implies --all."""
    value, outputs = run(ip, "%dbrest GET /api/2.1/clusters/list page_size==5 --max-pages 2")
    assert len(value.data["clusters"]) == 10
    assert "stopped after 2 pages" in outputs[0].data["text/plain"]


def test_extract_and_out_store_a_list(ip: InteractiveShell, db_env: Any) -> None:
    run(ip, "%%dbrest GET /api/2.1/clusters/list page_size==7 --all -e 'clusters[].cluster_id' -o ids -q\n")
    assert ip.user_ns["ids"] == [c["cluster_id"] for c in db_env.workspace.clusters]


def test_post_body_with_dollar_var_starts_that_cluster(ip: InteractiveShell, db_env: Any) -> None:
    cluster = next(c for c in db_env.workspace.clusters if c["state"] == "TERMINATED")
    ip.user_ns["cid"] = cluster["cluster_id"]
    value, _ = run(ip, '%%dbrest POST /api/2.0/clusters/start\n{"cluster_id": "$cid"}\n')
    assert value.ok
    assert cluster["state"] == "PENDING"
    assert db_env.workspace.requests[-1].body == f'{{"cluster_id": "{cluster["cluster_id"]}"}}'.encode()


def test_line_form_returns_the_result_and_q_displays_nothing(ip: InteractiveShell) -> None:
    _, outputs = run(ip, "x = %dbrest GET /api/2.0/clusters/list -q\nx")
    assert outputs == []
    assert isinstance(ip.user_ns["x"], RestResult) and ip.user_ns["x"].ok
    _, later = run(ip, "x")
    assert "application/json" in later[0].data


def test_ipython_expands_braces_on_the_line(ip: InteractiveShell, db_env: Any) -> None:
    ip.user_ns["first"] = db_env.workspace.clusters[0]["cluster_id"]
    value, _ = run(ip, "%dbrest GET /api/2.0/clusters/get cluster_id=={first}")
    assert value.data["cluster_id"] == ip.user_ns["first"]


def test_get_body_becomes_query_params_and_header_items_are_sent(ip: InteractiveShell, db_env: Any) -> None:
    run(ip, '%%dbrest GET /api/2.1/clusters/list X-Trace:abc\n{"page_size": 3}\n')
    sent = db_env.workspace.requests[-1]
    assert sent.query["page_size"] == ["3"] and sent.header("X-Trace") == "abc" and sent.body == b""


def test_http_error_renders_a_block_and_the_cell_does_not_fail(ip: InteractiveShell) -> None:
    value, outputs = run(ip, "%dbrest GET /api/2.0/clusters/get cluster_id==nope -o got")
    assert not value.ok and value.status_code == 400
    assert (
        outputs[0].data["text/plain"].startswith("400 INVALID_PARAMETER_VALUE: Cluster nope does not exist")
    )
    assert "<strong>400" in outputs[0].data["text/html"]
    assert "got" not in ip.user_ns


def test_invalid_token_shows_403_and_the_hint(ip: InteractiveShell, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi" + "0" * 32)
    value, _ = run(ip, "%dbrest GET /api/2.0/clusters/list")
    assert value.text().startswith("403 PERMISSION_DENIED: Invalid access token.\nThe token from")


def test_raise_makes_the_cell_fail(ip: InteractiveShell) -> None:
    with pytest.raises(ApiError, match="Cluster nope does not exist"):
        run(ip, "%dbrest GET /api/2.0/clusters/get cluster_id==nope --raise")


def test_verbose_shows_the_request_with_the_token_masked(ip: InteractiveShell, db_env: Any) -> None:
    _, outputs = run(ip, "%dbrest -v GET /api/2.0/clusters/list")
    request_text = outputs[0].data["text/plain"]
    token = db_env.workspace.admin_token
    assert request_text.startswith(f"GET {db_env.url}/api/2.0/clusters/list")
    assert f"Authorization: Bearer dapi…{token[-4:]}" in request_text
    assert all(token not in str(o.data) for o in outputs)


def test_table_renders_html(ip: InteractiveShell) -> None:
    _, outputs = run(ip, "%dbrest GET /api/2.0/clusters/list --table")
    assert "<th>cluster_id</th>" in outputs[0].data["text/html"]
    assert "application/json" not in outputs[0].data


def test_all_on_a_response_that_is_not_paginated_notes_it(ip: InteractiveShell, db_env: Any) -> None:
    value, outputs = run(ip, "%dbrest GET /api/2.0/workspace-conf keys==enableTokensConfig --all")
    assert value.ok and value.data == {"enableTokensConfig": "true"}
    assert "note: --all: this response is not paginated" in outputs[0].data["text/plain"]
    assert len(db_env.workspace.requests) == 1


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("%dbrest FETCH /api/2.0/clusters/list", "unknown method 'FETCH': use one of GET, POST"),
        ("%dbrest GET api/2.0/clusters/list", "the path must start with /: write '/api/2.0/clusters/list'"),
        (
            '%%dbrest POST /api/2.0/clusters/start\n{"cluster_id" "x"}',
            "not valid JSON: Expecting ':' delimiter at line 1, column 15",
        ),
        (
            '%%dbrest POST /api/2.0/clusters/start\n{"cluster_id": "$nowhere"}',
            "$nowhere is not defined (body line 1, column 17)",
        ),
        ("%dbrest --bogus GET /api/2.0/clusters/list", "unrecognized arguments: --bogus"),
        ("%dbrest GET /api/2.0/clusters/list 'Authorization:Bearer x'", "an Authorization item is refused"),
        ("%dbrest GET /api/2.0/clusters/list -e 'clusters[' ", "is not a valid JMESPath expression"),
        ("%dbrest GET /api/2.0/clusters/list -o 2x", "-o '2x' is not a variable name"),
        ("%dbrest GET /api/2.1/clusters/list --max-pages 0", "--max-pages 0: give at least 1 page"),
        ("%dbrest GET /api/2.0/clusters/list --timeout 0", "--timeout 0: give a number of seconds above 0"),
    ],
)
def test_bad_input_is_a_usage_error_and_sends_nothing(
    ip: InteractiveShell, db_env: Any, cell: str, message: str
) -> None:
    with pytest.raises(UsageError) as info:
        run(ip, cell)
    assert message in str(info.value)
    assert db_env.workspace.requests == []


def test_foreign_absolute_url_is_refused_and_nothing_is_sent(
    ip: InteractiveShell, db_env: Any, foreign_server: Any
) -> None:
    with pytest.raises(UsageError, match="is not this workspace"):
        run(ip, f"%dbrest GET {foreign_server.url}/api/2.0/clusters/list")
    assert foreign_server.requests == [] and db_env.workspace.requests == []


def test_same_origin_absolute_url_is_accepted(ip: InteractiveShell, db_env: Any) -> None:
    value, _ = run(ip, f"%dbrest GET {db_env.url}/api/2.0/clusters/list")
    assert value.ok


def test_a_host_override_session_is_closed_after_the_call_and_the_default_kept(
    ip: InteractiveShell, db_env: Any
) -> None:
    """The one-off session of --store / --profile / --host holds no open connection once the call is over."""
    from notebook_tokens.notebook.extension import get_context

    context = get_context(ip)
    with context.call_session(host=db_env.url) as one_off:
        one_off.api("GET", "/api/2.0/clusters/list")
        pools = one_off.get_adapter(db_env.url).poolmanager.pools
        assert len(pools) == 1
    assert len(pools) == 0
    with context.call_session() as default:
        pass
    assert default is context.session()


def test_help_has_examples(ip: InteractiveShell) -> None:
    from IPython.core import oinspect

    doc = oinspect.getdoc(ip.find_line_magic("dbrest")) or ""  # what %dbrest? shows
    assert "%%dbrest POST /api/2.0/clusters/start" in doc and "--all" in doc and "--max-pages N" in doc


def test_unload_removes_magic_and_transformer(shell: InteractiveShell, db_env: Any) -> None:
    shell.run_line_magic("load_ext", "notebook_tokens")
    shell.run_line_magic("unload_ext", "notebook_tokens")
    assert shell.find_line_magic("dbrest") is None
    assert shell.find_cell_magic("dbrest") is None and shell.find_line_magic("dbtoken") is None
    assert not any("empty_dbrest_cell" in repr(t) for t in shell.input_transformers_cleanup)
    with pytest.raises(UsageError, match="Cell magic `%%dbrest` not found"):  # not rewritten any more
        run(shell, "%%dbrest GET /api/2.0/clusters/list\n")
    shell.run_line_magic("load_ext", "notebook_tokens")  # leave it as the fixture expects to find it
    shell.run_line_magic("unload_ext", "notebook_tokens")


def test_profile_option_uses_that_profiles_token(
    ip: InteractiveShell, db_env: Any, isolated_home: Any
) -> None:
    ws = db_env.workspace
    (isolated_home / ".databrickscfg").write_text(f"[USER]\nhost = {db_env.url}\ntoken = {ws.user_token}\n")
    value, _ = run(ip, "%dbrest GET /api/2.0/preview/scim/v2/Me --profile USER -e userName")
    assert value.data == ws.user_user_name
    assert ws.requests[-1].header("Authorization") == f"Bearer {ws.user_token}"


def test_slow_all_shows_progress_with_pages_and_items(ip: InteractiveShell, db_env: Any) -> None:
    db_env.workspace.faults.delay(0.6, times=3, path="/api/2.1/clusters/list")
    value, outputs = run(ip, "%dbrest GET /api/2.1/clusters/list page_size==10 --all")
    texts = [o.data["text/plain"] for o in outputs]
    assert value.pages == 3
    assert any(t.startswith("--all: 2 pages, 20 items so far") for t in texts)
    assert "--all: fetched 3 pages in" in texts[-2]  # the progress line's last update, then the result


def test_timeout_is_a_usage_error_naming_the_option(ip: InteractiveShell, db_env: Any) -> None:
    db_env.workspace.faults.delay(1.0, times=10, path="/api/2.0/clusters/list")
    with pytest.raises(UsageError, match=r"did not answer GET /api/2\.0/clusters/list in time .* --timeout"):
        run(ip, "%dbrest GET /api/2.0/clusters/list --timeout 0.2")


def test_reload_ext_keeps_dbrest_working(ip: InteractiveShell) -> None:
    run(ip, "%reload_ext notebook_tokens")
    value, outputs = run(ip, "%%dbrest GET /api/2.0/clusters/list")
    assert value.ok and len(outputs) == 1


def test_at_file_body_is_sent(ip: InteractiveShell, db_env: Any, tmp_path: Any) -> None:
    cluster = next(c for c in db_env.workspace.clusters if c["state"] == "TERMINATED")
    body = tmp_path / "start.json"
    body.write_text(f'{{"cluster_id": "{cluster["cluster_id"]}"}}')
    value, _ = run(ip, f"%%dbrest POST /api/2.0/clusters/start\n@{body}\n")
    assert value.ok and cluster["state"] == "PENDING"


def test_config_default_store_switches_the_credential_of_later_cells(
    ip: InteractiveShell, db_env: Any, tmp_path: Any
) -> None:
    """`%config NotebookTokens.default_store = "netrc:PATH"` makes cells use that store's token."""
    netrc = tmp_path / "netrc"
    # by hand, its port named by the account (a bare `machine` entry is for https on port 443 only)
    token = db_env.workspace.user_token
    netrc.write_text(f"machine 127.0.0.1 login token password {token} account {db_env.url}\n")
    netrc.chmod(0o600)
    try:
        run(ip, f'%config NotebookTokens.default_store = "netrc:{netrc}"')
        who, _ = run(ip, "%dbrest GET /api/2.0/preview/scim/v2/Me -e userName -q")
        assert who.data == db_env.workspace.user_user_name
    finally:
        run(ip, '%config NotebookTokens.default_store = ""')
    who, _ = run(ip, "%dbrest GET /api/2.0/preview/scim/v2/Me -e userName -q")
    assert who.data == db_env.workspace.admin_user_name


def test_config_timeout_reaches_the_next_call_after_a_cached_one(ip: InteractiveShell, db_env: Any) -> None:
    """The default session's settings are kept between calls: a %config change must still reach it."""
    context = ip.magics_manager.registry["DbRestMagics"].context
    run(ip, "%dbrest GET /api/2.0/clusters/list -q")
    try:
        run(ip, "%config NotebookTokens.timeout = 7.5")
        run(ip, "%dbrest GET /api/2.0/clusters/list -q")
        assert context.session().timeout == (10.0, 7.5)
    finally:
        run(ip, "%config NotebookTokens.timeout = 60.0")
    assert context.session().timeout == (10.0, 60.0)
