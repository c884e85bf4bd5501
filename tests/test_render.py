"""RestResult and its mime bundles, and the --all page merger: pure, no kernel or socket."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from notebook_tokens.http.paging import NextPage, PageCursor, Pages
from notebook_tokens.notebook.rest.render import RequestInfo, RestResult, masked_headers, table_html

PATH = "/api/2.0/clusters/list"


def result(data: Any, status: int = 200, **kw: Any) -> RestResult:
    info = RequestInfo("GET", "http://127.0.0.1:1" + PATH, {"Authorization": "Bearer dapi…abcd"})
    return RestResult(
        status, kw.pop("reason", "OK"), {}, data, timedelta(milliseconds=12), info, PATH, data, **kw
    )


def test_json_bundle_is_rooted_at_the_path_and_collapsed() -> None:
    data, metadata = result({"clusters": [{"cluster_id": "c1"}]})._repr_mimebundle_()
    assert data["application/json"] == {"clusters": [{"cluster_id": "c1"}]}
    assert metadata == {"application/json": {"expanded": False, "root": PATH}}


def test_text_has_status_line_and_pretty_json() -> None:
    text = result({"a": 1})._repr_mimebundle_()[0]["text/plain"]
    assert text.splitlines()[0] == f"200 OK · GET {PATH} (12 ms)"
    assert '"a": 1' in text


def test_long_text_is_truncated_with_a_note() -> None:
    text = result(list(range(500))).text(max_lines=50)
    assert text.endswith("… 452 more lines not shown: the whole result is in .data")


def test_error_renders_code_message_and_hint_as_text_and_html() -> None:
    failed = result(
        None,
        403,
        reason="Forbidden",
        error_code="PERMISSION_DENIED",
        message="Invalid access token.",
        hint="The token expired: run %dbtoken rotate.",
    )
    data, _ = failed._repr_mimebundle_()
    assert not failed.ok
    assert (
        data["text/plain"]
        == "403 PERMISSION_DENIED: Invalid access token.\nThe token expired: run %dbtoken rotate."
    )
    assert "<strong>403 PERMISSION_DENIED: Invalid access token.</strong>" in data["text/html"]
    assert "application/json" not in data


def test_table_bundle_is_html_of_the_single_list() -> None:
    data, _ = result(
        {"clusters": [{"id": "c1", "n": 1}, {"id": "<b>", "x": [1]}]}, table=True
    )._repr_mimebundle_()
    html = data["text/html"]
    assert "<th>id</th><th>n</th><th>x</th>" in html
    assert "&lt;b&gt;" in html and "<td>[1]</td>" in html
    assert "application/json" not in data


def test_table_of_non_list_falls_back_to_json_with_a_note() -> None:
    assert "--table needs a list of objects" in table_html({"a": 1})


def test_scalar_data_has_no_json_bundle() -> None:
    assert "application/json" not in result("c1")._repr_mimebundle_()[0]


def test_json_method_returns_raw_body_and_refuses_text() -> None:
    assert result({"a": 1}).json() == {"a": 1}
    with pytest.raises(ValueError, match="not JSON"):
        result("<html>", is_json=False).json()


def test_masked_headers_hide_the_credential() -> None:
    shown = masked_headers([("Authorization", "Bearer dapi" + "0" * 28 + "c3f2"), ("Accept", "*/*")])
    assert shown == {"Authorization": "Bearer dapi…c3f2", "Accept": "*/*"}


def test_request_info_text_lists_line_and_headers() -> None:
    assert RequestInfo("GET", "http://h/x", {"A": "b"}).text() == "GET http://h/x\nA: b"


def test_repr_is_short() -> None:
    assert repr(result({})) == f"<RestResult 200 OK · GET {PATH} (12 ms)>"


def test_pages_follow_next_page_token_and_merge_lists() -> None:
    pages = Pages([("page_size", "2"), ("page_token", "old")])
    assert pages.add({"clusters": [1, 2], "next_page_token": "t1"}) == [
        ("page_size", "2"),
        ("page_token", "t1"),
    ]
    assert pages.add({"clusters": [3], "prev_page_token": "t0"}) is None
    assert pages.finish() == {"clusters": [1, 2, 3]}
    assert (pages.count, pages.item_count, pages.note) == (2, 3, "")


def test_pages_follow_has_more_with_offset() -> None:
    pages = Pages([])
    assert pages.add({"jobs": [1, 2], "has_more": True}) == [("offset", "2")]
    assert pages.add({"jobs": [3], "has_more": False}) is None
    assert json.dumps(pages.finish()) == '{"jobs": [1, 2, 3]}'


def test_pages_note_a_response_that_is_not_paginated() -> None:
    pages = Pages([])
    assert pages.add({"enableTokensConfig": "true"}) is None
    assert "not paginated" in pages.note


def test_pages_stop_on_a_repeated_token() -> None:
    pages = Pages([])
    pages.add({"x": [1], "next_page_token": "t"})
    assert pages.add({"x": [2], "next_page_token": "t"}) is None
    assert "repeated a page token" in pages.note


def test_page_cursor_stops_on_a_token_it_saw_pages_ago() -> None:
    """The rule iter_pages and --all share: a cycle A, B, A stops, not only an immediate repeat."""
    cursor = PageCursor()
    assert cursor.advance({"x": [1], "next_page_token": "a"}) == NextPage("page_token", "a")
    assert cursor.advance({"x": [2], "next_page_token": "b"}) == NextPage("page_token", "b")
    assert cursor.advance({"x": [3], "next_page_token": "a"}) is None and cursor.repeated


def test_page_cursor_stops_when_the_requested_token_comes_back() -> None:
    cursor = PageCursor(page_token="a")
    assert cursor.advance({"x": [1], "next_page_token": "a"}) is None and cursor.repeated


def test_page_cursor_counts_the_offset_from_the_callers_start() -> None:
    cursor = PageCursor(offset="4")
    assert cursor.advance({"jobs": [1, 2], "has_more": True}) == NextPage("offset", 6)
    assert cursor.advance({"jobs": [3], "has_more": True}) == NextPage("offset", 7)


def test_text_body_is_shown_as_is() -> None:
    text = result("<html>plain</html>", is_json=False).text()
    assert text.splitlines()[1] == "<html>plain</html>"


def test_empty_body_shows_only_the_status_line() -> None:
    assert result(None).text() == f"200 OK · GET {PATH} (12 ms)"



def test_sent_headers_are_shown_the_same_from_requests_own_mapping_and_a_dict() -> None:
    """call._masked reads CaseInsensitiveDict's store directly: the same names, values and masks."""
    from requests.structures import CaseInsensitiveDict

    from notebook_tokens.notebook.rest.call import _masked
    from notebook_tokens.notebook.rest.render import masked_headers

    pat = "dapi" + "0" * 32
    sent = {"User-Agent": "x", "Authorization": f"Bearer {pat}", "Proxy-Authorization": "Basic abcdefgh1234",
            "Accept": "*/*"}
    shown = _masked(CaseInsensitiveDict(sent))
    assert shown == masked_headers(sent.items()) == _masked(sent)
    assert list(shown) == list(sent)
    assert pat not in str(shown) and shown["Authorization"].startswith("Bearer dapi")
