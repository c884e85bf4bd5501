"""A `%dbrest` line's words: shell quoting, and `#` comments that begin a word outside quotes."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from notebook_tokens.core.errors import InputError
from notebook_tokens.notebook.rest.line import split_line, strip_comment

CASES = [
    ("GET /api/2.0/clusters/list  # every cluster", ["GET", "/api/2.0/clusters/list"]),
    ("GET /api/2.0/clusters/list #", ["GET", "/api/2.0/clusters/list"]),
    ("# only a comment", []),
    ("GET /api/x name==a#b", ["GET", "/api/x", "name==a#b"]),  # inside a word: part of it
    ("GET /api/x#frag", ["GET", "/api/x#frag"]),
    ("GET /api/x '#quoted' # c", ["GET", "/api/x", "#quoted"]),
    ("GET /api/x -e \"a[?n=='#']\" -q", ["GET", "/api/x", "-e", "a[?n=='#']", "-q"]),
    ("GET /api/x \\#escaped", ["GET", "/api/x", "#escaped"]),
    ("GET /api/x '#' #'unbalanced in a comment", ["GET", "/api/x", "#"]),
    ('GET /api/x "a"#b', ["GET", "/api/x", "a#b"]),
    ("GET /api/x\t# after a tab", ["GET", "/api/x"]),
]


@pytest.mark.parametrize(("line", "words"), CASES)
def test_words_of_a_line(line: str, words: list[str]) -> None:
    assert split_line(line) == words


def test_unbalanced_quotes_outside_a_comment_are_an_input_error() -> None:
    with pytest.raises(InputError, match="check its quotes"):
        split_line("GET /api/x 'open # not a comment inside quotes")


_WORD = st.text(st.sampled_from("abc/=-_.:#09"), min_size=1, max_size=8).filter(
    lambda w: not w.startswith("#")
)


@given(st.lists(_WORD, min_size=1, max_size=6), st.text(max_size=20))
def test_a_comment_after_any_words_leaves_the_words(words: list[str], comment: str) -> None:
    """Words holding `#` mid-word survive; whatever follows ` #` is gone (quotes in it included)."""
    assert split_line(" ".join(words) + " #" + comment) == words
    assert split_line(" ".join(words)) == words


@given(st.text(max_size=40))
def test_stripping_only_ever_cuts_a_tail(line: str) -> None:
    assert line.startswith(strip_comment(line))


def test_dbrest_with_a_trailing_comment_sends_the_request_alone(ip: InteractiveShell, db_env: Any) -> None:
    with capture_output():
        result = InteractiveShell.run_cell(
            ip,
            "r = %dbrest GET /api/2.1/clusters/list page_size==2 -q  # two of them, page_size==9",
            store_history=True,
        )
    result.raise_error()
    assert ip.user_ns["r"].ok and len(ip.user_ns["r"].data["clusters"]) == 2
    assert db_env.workspace.requests[-1].query == {"page_size": ["2"]}
