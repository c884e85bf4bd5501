"""The pure %%dbrest parser: line words + body -> RestRequest, without a kernel or a socket."""

from __future__ import annotations

from pathlib import Path

import pytest

from notebook_tokens.core.errors import ForeignOriginError, InputError
from notebook_tokens.core.redact import Token
from notebook_tokens.notebook.rest.parse import RestRequest, parse_request, substitute

HOST = "https://adb-1.2.azuredatabricks.net"


def test_path_alone_means_get() -> None:
    assert parse_request(["/api/2.0/clusters/list"]) == RestRequest("GET", "/api/2.0/clusters/list")


@pytest.mark.parametrize("method", ["get", "Post", "PUT", "patch", "delete", "HEAD"])
def test_method_in_any_case(method: str) -> None:
    assert parse_request([method, "/api/x"]).method == method.upper()


def test_unknown_method_is_refused_with_the_list_of_methods() -> None:
    with pytest.raises(InputError, match=r"unknown method 'FETCH': use one of GET, POST"):
        parse_request(["FETCH", "/api/2.0/clusters/list"])


def test_path_without_leading_slash_is_refused_with_the_fix() -> None:
    with pytest.raises(InputError, match=r"must start with /: write '/api/2.0/clusters/list'"):
        parse_request(["GET", "api/2.0/clusters/list"])


def test_protocol_relative_path_is_refused() -> None:
    with pytest.raises(InputError, match="names another host"):
        parse_request(["GET", "//evil.example.com/api"])


def test_query_string_in_path_becomes_params() -> None:
    request = parse_request(["/api/2.1/clusters/list?page_size=5&x="])
    assert request.path == "/api/2.1/clusters/list"
    assert request.params == [("page_size", "5"), ("x", "")]


def test_param_and_header_items() -> None:
    request = parse_request(["GET", "/api/x", "page_size==5", "X-Trace:abc", "filter==a:b"])
    assert request.params == [("page_size", "5"), ("filter", "a:b")]
    assert request.headers == {"X-Trace": "abc"}


@pytest.mark.parametrize("item", ["Authorization:Bearer abc", "authorization:Basic Zm9v"])
def test_authorization_item_is_refused(item: str) -> None:
    with pytest.raises(InputError, match="Authorization item is refused: the token comes from a store"):
        parse_request(["GET", "/api/x", item])


def test_pat_in_a_param_is_refused_without_echoing_it() -> None:
    value = "dapi" + "0123456789abcdef" * 2
    with pytest.raises(InputError, match="holds a token value") as info:
        parse_request(["GET", "/api/x", f"t=={value}"])
    assert value not in str(info.value)


def test_unreadable_item_says_what_to_write() -> None:
    with pytest.raises(InputError, match="write name==value for a query parameter or Header:value"):
        parse_request(["GET", "/api/x", "nonsense"])


def test_header_without_value_is_refused() -> None:
    with pytest.raises(InputError, match="header X-Foo has no value"):
        parse_request(["GET", "/api/x", "X-Foo:"])


def test_same_origin_absolute_url_becomes_a_path() -> None:
    request = parse_request(["GET", f"{HOST}:443/api/2.0/clusters/list?a=1"], host=HOST)
    assert (request.path, request.params) == ("/api/2.0/clusters/list", [("a", "1")])


def test_foreign_absolute_url_is_refused() -> None:
    with pytest.raises(ForeignOriginError, match=r"https://evil\.example\.com is not this workspace"):
        parse_request(["GET", "https://evil.example.com/api/2.0/clusters/list"], host=HOST)


@pytest.mark.parametrize(
    "url",
    [
        "https://adb-1.2.azuredatabricks.net.evil.example.com/api",
        "https://adb-1.2.azuredatabricks.net@evil.example.com/api",
        "https://adb-1.2.azuredatabricks.net:8443/api",
    ],
)
def test_lookalikes_of_the_workspace_are_foreign(url: str) -> None:
    with pytest.raises(ForeignOriginError):
        parse_request(["GET", url], host=HOST)


def test_the_workspace_in_upper_case_is_the_same_origin() -> None:
    assert parse_request(["GET", f"{HOST.upper()}/api/x"], host=HOST).path == "/api/x"


def test_http_to_an_https_workspace_is_foreign() -> None:
    with pytest.raises(ForeignOriginError):
        parse_request(["GET", "http://adb-1.2.azuredatabricks.net/api"], host=HOST)


def test_json_body_is_parsed() -> None:
    request = parse_request(["POST", "/api/2.0/clusters/start"], '{"cluster_id": "abc"}\n')
    assert request.body == {"cluster_id": "abc"}


def test_blank_body_is_no_body() -> None:
    assert not parse_request(["POST", "/api/x"], "\n  \n").has_body


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(InputError, match=r"not valid JSON: .* at line 2, column 16"):
        parse_request(["POST", "/api/x"], '{\n  "a": 1,  "b" 2\n}')


def test_dollar_name_inside_a_string_inserts_escaped_text() -> None:
    assert substitute('{"id": "$cid", "q": "${q}x"}', {"cid": "a-1", "q": 'say "hi"'}) == (
        '{"id": "a-1", "q": "say \\"hi\\"x"}'
    )


def test_dollar_name_outside_a_string_inserts_json() -> None:
    text = substitute(
        '{"n": $n, "ids": $ids, "on": $on, "none": $none}', {"n": 3, "ids": ["a"], "on": True, "none": None}
    )
    assert text == '{"n": 3, "ids": ["a"], "on": true, "none": null}'


def test_double_dollar_is_a_literal_dollar() -> None:
    assert parse_request(["POST", "/api/x"], '{"price": "$$5", "v": "$$name"}').body == {
        "price": "$5",
        "v": "$name",
    }


def test_undefined_name_is_an_error_with_its_position() -> None:
    with pytest.raises(InputError, match=r"\$cid is not defined \(body line 2, column 18\)"):
        parse_request(["POST", "/api/x"], '{\n  "cluster_id": "$cid"}', {})


def test_token_is_not_substituted() -> None:
    with pytest.raises(InputError, match=r"\$tok is a Token"):
        substitute('{"v": "$tok"}', {"tok": Token("dapi" + "ab" * 16)})


def test_unserialisable_value_outside_a_string_is_an_error() -> None:
    with pytest.raises(InputError, match=r"\$obj is a object, which has no JSON form"):
        substitute('{"v": $obj}', {"obj": object()})


def test_escaped_quote_keeps_string_state() -> None:
    assert substitute('{"a": "x\\"$v"}', {"v": 1}) == '{"a": "x\\"1"}'


def test_get_object_body_becomes_query_params() -> None:
    request = parse_request(["GET", "/api/x", "a==1"], '{"b": 2, "c": [true, "x"], "d": null}')
    assert request.params == [("a", "1"), ("b", "2"), ("c", "true"), ("c", "x")]
    assert request.body is None


def test_get_body_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InputError, match="a DELETE body must be a JSON object"):
        parse_request(["DELETE", "/api/x"], "[1, 2]")


def test_at_file_body_is_read_verbatim(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text('{"price": "$5"}')
    assert parse_request(["POST", "/api/x"], f"@{body}\n").body == {"price": "$5"}


def test_missing_at_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the body file"):
        parse_request(["POST", "/api/x"], f"@{tmp_path / 'nope.json'}")


def test_invalid_json_in_at_file_names_the_file() -> None:
    with pytest.raises(InputError, match=r"the body file b.json is not valid JSON: .* line 1, column 2"):
        parse_request(["POST", "/api/x"], "@b.json", read_file=lambda _: "{oops}")


def test_no_words_is_an_input_error() -> None:
    with pytest.raises(InputError, match="needs a path"):
        parse_request([])


def test_method_without_path_is_an_input_error() -> None:
    with pytest.raises(InputError, match="POST needs a path"):
        parse_request(["POST"])
