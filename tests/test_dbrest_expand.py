"""`%dbrest` expands `$name` / `{expr}` on its line itself (`expand_line`), only when the line holds one:
what it gets must be exactly what IPython's own expansion gives any other magic, in every calling place.

Two probe magics are registered on the real shell: `%ipy_sees` (IPython expands its line as usual) and
`%nt_sees` (opted out, `expand_line` as `%dbrest` does). Their answers are compared line by line.
"""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings
from IPython.core.interactiveshell import InteractiveShell
from IPython.core.magic import no_var_expand
from IPython.utils.capture import capture_output

from notebook_tokens.notebook.rest.expand import expand_line

SEEN: dict[str, list[str]] = {"ipy": [], "nt": []}


def _register(ip: InteractiveShell) -> None:
    def ipy_sees(line: str, cell: str | None = None) -> str:
        SEEN["ipy"].append(line)
        return line

    @no_var_expand
    def nt_sees(line: str, cell: str | None = None) -> str:
        expanded = expand_line(ip, line)
        SEEN["nt"].append(expanded)
        return expanded

    for kind in ("line", "cell"):
        ip.register_magic_function(ipy_sees, kind, "ipy_sees")
        ip.register_magic_function(nt_sees, kind, "nt_sees")


def run(ip: InteractiveShell, cell: str) -> Any:
    with capture_output():
        result = InteractiveShell.run_cell(ip, cell, store_history=True)
    result.raise_error()
    return result.result


@pytest.fixture
def probes(ip: InteractiveShell) -> InteractiveShell:
    _register(ip)
    ip.user_ns.update(cid="0101-abc", n=3, nested={"k": "v"})
    SEEN["ipy"].clear()
    SEEN["nt"].clear()
    return ip


LINES = [
    "GET /api/2.0/clusters/get cluster_id==$cid",
    "GET /api/2.0/clusters/get cluster_id=={cid}",
    "GET /api/2.1/jobs/list limit=={n * 2}",
    "GET /api/x -e '{id: cluster_id}'",  # a JMESPath object: IPython leaves a line it cannot format alone
    "GET /api/x a==$$literal",
    "GET /api/x a==${cid}",
    "GET /api/x a==$undefined_name",
    "GET /api/x a=={nested['k']}",
    "GET /api/x a==}",
    "GET /api/2.0/clusters/list -q",
]


@pytest.mark.parametrize("line", LINES)
def test_a_top_level_line_sees_what_ipython_gives(probes: InteractiveShell, line: str) -> None:
    assert run(probes, f"%nt_sees {line}") == run(probes, f"%ipy_sees {line}")


@pytest.mark.parametrize("line", LINES)
def test_a_line_inside_a_function_sees_its_locals(probes: InteractiveShell, line: str) -> None:
    body = f"def f():\n    cid = 'local-id'\n    n = 40\n    seen = %nt_sees {line}\n    return seen\n"
    run(probes, body.replace("%nt_sees", "%ipy_sees").replace("def f", "def g") + "\n" + body)
    assert run(probes, "f()") == run(probes, "g()")
    if "cid" in line and "$$" not in line:
        assert "local-id" in run(probes, "f()")


@pytest.mark.parametrize("line", LINES)
def test_a_cell_magic_line_sees_what_ipython_gives(probes: InteractiveShell, line: str) -> None:
    assert run(probes, f"%%nt_sees {line}\n{{}}\n") == run(probes, f"%%ipy_sees {line}\n{{}}\n")


_FRAGMENTS = st.sampled_from(
    ["GET", "/api/2.0/x", "$cid", "${cid}", "$$", "{n}", "{n+1}", "{", "}", "'{a: b}'", "a==$n", "$", "{}",
     "{cid!r}", "{n:>4}", "x==${nope}", "\\$cid"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_FRAGMENTS, min_size=1, max_size=6))
def test_any_line_of_expansion_fragments_sees_what_ipython_gives(probes: InteractiveShell,
                                                                 words: list[str]) -> None:
    line = " ".join(words)
    assert run(probes, f"%nt_sees {line}") == run(probes, f"%ipy_sees {line}")


def test_a_line_without_dollar_or_brace_is_not_expanded(probes: InteractiveShell, monkeypatch: Any) -> None:
    """The point of opting out: no copy of the user namespace for a plain line."""
    calls: list[str] = []
    real = probes.var_expand
    monkeypatch.setattr(probes, "var_expand", lambda line, depth=0: calls.append(line) or real(line, depth))
    assert run(probes, "%nt_sees GET /api/2.0/clusters/list -q") == "GET /api/2.0/clusters/list -q"
    assert calls == []
    run(probes, "%nt_sees GET /api/x a==$cid")
    assert calls == ["GET /api/x a==$cid"]


def test_called_directly_it_expands_against_the_user_namespace(probes: InteractiveShell) -> None:
    """Outside IPython's runners there is no caller frame to name: the user namespace alone."""
    cid = "a local IPython would not see"  # noqa: F841 - must not be picked up
    assert expand_line(probes, "a==$cid {n}") == "a==0101-abc 3"


def test_dbrest_sends_the_expanded_value(ip: InteractiveShell, db_env: Any) -> None:
    cluster = db_env.workspace.clusters[0]["cluster_id"]
    ip.user_ns["cid"] = cluster
    run(ip, "def f():\n    local = cid\n    got = %dbrest GET /api/2.0/clusters/get cluster_id==$local -q\n"
            "    return got\n")
    assert run(ip, "f()").data["cluster_id"] == cluster
    assert run(ip, "%dbrest GET /api/2.0/clusters/get cluster_id=={cid} -q").data["cluster_id"] == cluster
    assert db_env.workspace.requests[-1].query == {"cluster_id": [cluster]}


def test_the_deprecated_magic_call_expands_as_ipython_does(probes: InteractiveShell) -> None:
    """`ip.magic("name line")` calls run_line_magic with _stack_depth=2: the frame above its caller."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if not hasattr(probes, "magic"):
            pytest.skip("this IPython has no magic()")
        run(probes, "def h(name):\n    cid = 'in h'\n    return get_ipython().magic(name + ' a==$cid')\n")
        assert run(probes, "h('nt_sees')") == run(probes, "h('ipy_sees')")
