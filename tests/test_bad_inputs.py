"""Every bad input gets a clear error that names the fix, holds no token value, and sends nothing.

One table per front door: `%dbrest`, `%dbtoken`, store specs, `notebook_tokens.session()` host strings and
netrc files. Each case runs in a real IPython InteractiveShell with the extension loaded (or calls
`session()`), against the emulator on loopback, and asserts three things: the message matches the key
words, the emulator recorded no request, and no token value (the emulator's or one in the input) is in
the message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

import notebook_tokens
from notebook_tokens.core.errors import NotebookTokensError
from notebook_tokens.credentials.stores.netrcfile import MAX_NETRC_BYTES

FILE_PAT = "dapi" + "5e" * 16  # a token written into the input (netrc files, cell text)
JSON_ERROR = "not valid JSON"


def assert_refused(run: Callable[[], Any], pattern: str, emulator: Any) -> str:
    """`run` fails with a message matching `pattern`; nothing was sent and no token value is shown."""
    with pytest.raises((UsageError, NotebookTokensError)) as info:
        run()
    message = str(info.value)
    assert re.search(pattern, message, re.DOTALL), message
    assert emulator.workspace.requests == [], [r.path for r in emulator.workspace.requests]
    workspace = emulator.workspace
    for value in (workspace.admin_token, workspace.user_token, FILE_PAT):
        assert value not in message
    assert "at at " not in message
    return message


# -- %dbrest -----------------------------------------------------------------------------------------

DBREST_CASES = [
    # (line, cell body or None, key words of the message)
    ("POST /api/2.0/clusters/start", '{"a": 1', r"not valid JSON.*ends before the JSON is complete"),
    ("POST /api/2.0/clusters/start", '{"a": 1\n', r"not valid JSON.*line 2, column 1.*ends before"),
    ("POST /api/2.0/clusters/start", '\n\n{"a": [1,\n\n', r"not valid JSON.*close every \{, \["),
    ("POST /api/2.0/clusters/start", '{"a": "x', r"Unterminated string starting at line 1, column 7"),
    ("POST /api/2.0/clusters/start", '{"a": "x\ty"}', r"Invalid control character at line 1, column 9"),
    ("POST /api/2.0/clusters/start", "[" * 100_000, r"nested too deeply to read: flatten it"),
    ("POST /api/2.0/clusters/start", '{"a": 1} x', r"Extra data at line 1, column 10"),
    ("POST /api/2.0/clusters/start", '{"id": $nowhere}', r"\$nowhere is not defined .*define it"),
    ("POST /api/2.0/clusters/start", "@/nonexistent/body.json", r"cannot read the body file"),
    ("DELETE /api/2.0/clusters/delete", "[1, 2]", r"a DELETE body must be a JSON object"),
    ("GET /api/2.0/clusters/li\x00st", None, r"the path holds a control character \(U\+0000\).*nothing was"),
    ("GET '/api/2.0/clusters/list\r\nX: y'", None, r"the path holds a control character \(U\+000D\)"),
    ("GET /api/2.0/clusters/list\x7f", None, r"the path holds a control character \(U\+007F\)"),
    ("GET /api/2.0/clusters/list X-Trace:a\x00b", None, r"an item holds a control character \(U\+0000\)"),
    ("GET /api/2.0/clusters/list 'X-Trace:a\nInjected: 1'", None, r"an item holds a control character"),
    ("GET /api/2.0/clusters/list page_token==a\x00", None, r"an item holds a control character \(U\+0000\)"),
    ("GET /api/2.0/clusters/list Authorization:Basic eA==", None, r"Authorization item is refused.*--store"),
    ("GET /api/2.0/clusters/list Host:evil.example", None, r"a Host item is refused"),
    ("GET /api/2.0/clusters/list Content-Length:5", None, r"a Content-Length item is refused"),
    ("GET /api/2.0/clusters/list X-Note:caf\u00e9\u20ac", None, r"non-ASCII character.*percent-encode"),
    ("GET /api/2.0/clusters/list X-Note:", None, r"header X-Note has no value"),
    ("GET /api/2.0/clusters/list =x", None, r"cannot read '=x': write name==value"),
    ("GET //evil.example/api/2.0/clusters/list", None, r"names another host: start the path with a single /"),
    ("GET api/2.0/clusters/list", None, r"the path must start with /"),
    ("FETCH /api/2.0/clusters/list", None, r"unknown method 'FETCH': use one of GET"),
    ("GET", None, r"GET needs a path after it"),
    ("GET https://evil.example/api/2.0/clusters/list", None, r"is not this workspace.*Use a path such as"),
    (f"GET /api/2.0/clusters/{FILE_PAT}", None, r"the path holds a token value"),
    ("GET /api/2.0/clusters/list --timeout nan", None, r"--timeout nan: give a number of seconds above 0"),
    ("GET /api/2.0/clusters/list --timeout inf", None, r"--timeout inf: give a number of seconds"),
    ("GET /api/2.0/clusters/list --timeout 0", None, r"--timeout 0: give a number of seconds above 0"),
    ("GET /api/2.0/clusters/list --max-pages 0", None, r"--max-pages 0: give at least 1 page"),
    ("GET /api/2.0/clusters/list -o 1st", None, r"-o '1st' is not a variable name"),
    ("GET /api/2.0/clusters/list -e '[[['", None, r"is not a valid JMESPath expression"),
    ("GET /api/2.0/clusters/list 'unclosed", None, r"cannot split the %dbrest line .*check its quotes"),
    ("GET /api/2.0/clusters/list --host 'https://a b.example'", None, r"workspace host has a space"),
]


@pytest.mark.parametrize(("line", "cell", "pattern"), DBREST_CASES)
def test_dbrest_refuses_bad_input_before_sending(
    ip: InteractiveShell, db_env: Any, line: str, cell: str | None, pattern: str
) -> None:
    if cell is None:
        assert_refused(lambda: ip.run_line_magic("dbrest", line), pattern, db_env)
    else:
        assert_refused(lambda: ip.run_cell_magic("dbrest", line, cell), pattern, db_env)


# -- %dbtoken ----------------------------------------------------------------------------------------

GENERATE = "generate --store netrc --lifetime "
DBTOKEN_CASES = [
    (GENERATE + "9999999999999999999999d", r"lifetime '9+d' is too long: workspaces allow at most 730 days"),
    (GENERATE + "9" * 5000 + "d", r"is too long: workspaces allow at most 730 days"),
    (GENERATE + "36000d" * 2, r"is too long"),
    (GENERATE + "-1d", r"lifetime '-1d' is negative: it must be longer than zero"),
    (GENERATE + "0d", r"lifetime '0d' must be longer than zero"),
    (GENERATE + "90", r"lifetime '90' has no unit; did you mean 90d\?"),
    (GENERATE + "5y", r"unknown unit 'y' in lifetime '5y'"),
    (GENERATE + "soon", r"cannot read lifetime 'soon'; use a number and a unit"),
    (GENERATE + "\u0663d", r"cannot read lifetime"),
    (GENERATE, r"argument --lifetime: expected one argument"),
    ("revoke '' --yes", r"a Token ID is empty: give the IDs shown by %dbtoken list"),
    ("revoke ' ' 0123 --yes", r"a Token ID is empty"),
    ("revoke ../../clusters/delete --yes", r"'../../clusters/delete' is not a Token ID"),
    ("revoke --all-users ../../clusters/delete --yes", r"is not a Token ID .*copy the IDs"),
    ("revoke --all-users abc%2Fdef --yes", r"'abc%2Fdef' is not a Token ID"),
    ("revoke --all-users --concurrency 0 --expired --yes", r"--concurrency 0: give at least 1"),
    ("revoke", r"give the Token IDs to revoke"),
    ("revoke --all-users --yes", r"refusing to revoke every token of every user"),
    ("revoke --expired", r"select other users' tokens: add --all-users"),
    ("conf --max-days 99999", r"number of days from 1 to 730, 0 for no limit"),
    ("conf --max-days -1", r"number of days from 1 to 730"),
    ("list --all-users --unused-days -4", r"--unused-days takes a number of days, 0 or more"),
    ("list --expired", r"need --all-users"),
    ("generate --store 'secret:a b/c'", r"Secret scope name 'a b' has a space: Databricks allows"),
    ("generate --store 'secret:ops/a!b'", r"Secret key name 'a!b' has the character '!'"),
    ("generate --store secret:a@b/c", r"Secret scope name 'a@b' has the character '@'"),
    ("generate --store secret:ops/" + "k" * 129, r"Secret key name 'k+' is 129 characters long"),
    ("generate --store secret:" + "s" * 129 + "/k", r"Secret scope name 's+' is 129 characters long"),
    ("generate --store secret:ops", r"is not a secret spec: write secret:SCOPE/KEY"),
    ("generate --store 'secret:ops/a\x00'", r"control character \(U\+0000\)"),
    ("generate --store bogus", r"Unknown token store 'bogus'\. Use one of: secret:SCOPE/KEY"),
    ("generate --store env", r"cannot be written: choose secret:, keyring or netrc"),
    ("use profile:", r"profile: needs a profile name"),
    ("use ''", r"token store spec is empty"),
    (f"use {FILE_PAT}", r"looks like a token.*history"),
    ("redact maybe", r"invalid choice: 'maybe'"),
    ("frobnicate", r"invalid choice: 'frobnicate'"),
    ("use 'unclosed", r"cannot read the line"),
]


@pytest.mark.parametrize(("line", "pattern"), DBTOKEN_CASES)
def test_dbtoken_refuses_bad_input_before_sending(
    ip: InteractiveShell, db_env: Any, line: str, pattern: str
) -> None:
    assert_refused(lambda: ip.run_line_magic("dbtoken", line), pattern, db_env)


# -- store specs (%dbtoken use SPEC) -------------------------------------------------------------------

SPEC_CASES = [
    ("netrc:/tmp/a\x00b", r"token store spec has a control character \(U\+0000\) at position 13"),
    ("keyring:svc\x00x", r"control character \(U\+0000\)"),
    ("keyring:svc\nx", r"control character \(U\+000A\)"),
    ("profile:PROD\x1b[2J", r"control character \(U\+001B\)"),
    ("secret:ops/pat\r", r"control character \(U\+000D\)"),
    ("secret:/pat", r"is not a secret spec"),
    ("secret:ops/", r"is not a secret spec"),
    ("secret:ops/a/b", r"is not a secret spec"),
    ("secret:\u00fcber/pat", r"Secret scope name '\u00fcber' has the character '\u00fc'"),
    ("profile", r"Unknown token store 'profile'"),
    ("vault:x", r"Unknown token store 'vault:x'"),
]


@pytest.mark.parametrize(("spec", "pattern"), SPEC_CASES)
def test_store_specs_are_checked_before_any_request(
    ip: InteractiveShell, db_env: Any, spec: str, pattern: str
) -> None:
    magics = ip.magics_manager.registry["DbTokenMagics"]
    # the spec goes in as one argv word (a magic line cannot carry every control character through shlex)
    assert_refused(lambda: magics.dbtoken("use " + _quoted(spec)), pattern, db_env)


def _quoted(word: str) -> str:
    return "'" + word.replace("'", "'\"'\"'") + "'"


# -- notebook_tokens.session(host) ----------------------------------------------------------------------

HOST_CASES = [
    ("ex\x00ample.cloud.databricks.com", r"has a control character \(U\+0000\) at position 3"),
    ("ex ample.cloud.databricks.com", r"has a space at position 3"),
    ("exa\tmple.cloud.databricks.com", r"control character \(U\+0009\)"),
    ("https://example.com\u200b", r"control character \(U\+200B\)"),
    ("https://example.com:0", r"has an invalid port\. Give a number from 1 to 65535"),
    ("https://example.com:99999", r"has an invalid port"),
    ("https://example.com:8a", r"has an invalid port"),
    ("https://[::1", r"looks like an IPv6 address: write it in brackets"),
    ("::1", r"write it in brackets"),
    ("https://[fe80::1%25eth0]", r"no %zone"),
    ("https://[v1.x]", r"looks like an IPv6 address"),
    ("https://" + "a" * 300 + ".com", r"is 304 characters long; a host name has at most 253"),
    ("https://" + "a" * 64 + ".com", r"is not a valid host name: .*1-63 characters"),
    ("https://a..b.example.com", r"is not a valid host name"),
    ("https://-a.example.com", r"no hyphen at either end"),
    ("https://a_b.example.com", r"is not a valid host name"),
    ("https://ex\u00e4mple.com", r"is not ASCII: write its punycode form \(e\.g\. xn--"),
    ("ftp://example.com", r"must start with https://"),
    ("https://user:pw@example.com", r"must not contain a user name or password"),
]


@pytest.mark.parametrize(("host", "pattern"), HOST_CASES)
def test_session_host_strings_are_checked(db_env: Any, host: str, pattern: str) -> None:
    db_env.workspace.clear_requests()
    assert_refused(lambda: notebook_tokens.session(host), pattern, db_env)


# -- netrc files (%dbrest --store netrc:PATH) -------------------------------------------------------------


def _file(text: str, mode: int = 0o600) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / "netrc"
        path.write_text(text)
        path.chmod(mode)
        return path

    return make


def _symlink(folder: Path) -> Path:
    target = _file(f"machine 127.0.0.1 login token password {FILE_PAT}\n")(folder)
    link = folder / "link"
    link.symlink_to(target)
    return link


def _folder(folder: Path) -> Path:
    (folder / "dir").mkdir()
    return folder / "dir"


def _huge(folder: Path) -> Path:
    return _file("# padding\n" * (MAX_NETRC_BYTES // 10 + 1))(folder)


MACHINE = "machine 127.0.0.1 login token password "
NETRC_CASES = [
    (_file(MACHINE + FILE_PAT + "\n", 0o644), r"can be read by other users \(mode 644\): run `chmod 600 "),
    (_file(MACHINE + FILE_PAT + "\n", 0o640), r"\(mode 640\): run `chmod 600 .*rotate"),
    (_symlink, r"is a symbolic link: refusing to use it\. Point NETRC"),
    (_folder, r"is not a regular file: point NETRC"),
    (_file(MACHINE), r"line 1: a value is missing after 'password' \(a value with spaces"),
    (_file(MACHINE + '"' + FILE_PAT), r"line 1: a quoted value is not closed"),
    (_file("macdef"), r"line 1: a name is missing after 'macdef'"),
    (_file(MACHINE + FILE_PAT + " and more words\n"), r"unexpected text .*not shown.*double quotes"),
    (_file(MACHINE + "#" + FILE_PAT + "\n  account x\n"), r"value is missing after 'password'.*leading #"),
    (_file("login token password " + FILE_PAT), r"'login' appears outside a machine or default entry"),
    (_huge, r"more than a netrc file holds \(at most 1048576\).*point NETRC"),
]


@pytest.mark.parametrize(("make", "pattern"), NETRC_CASES)
def test_netrc_problems_name_the_file_and_the_fix(
    ip: InteractiveShell, db_env: Any, tmp_path: Path, make: Callable[[Path], Path], pattern: str
) -> None:
    path = make(tmp_path)
    line = f"GET /api/2.0/clusters/list --store netrc:{path}"
    message = assert_refused(lambda: ip.run_line_magic("dbrest", line), pattern, db_env)
    assert str(path) in message


def test_netrc_of_another_user_is_refused(
    ip: InteractiveShell, db_env: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """getuid is replaced: this machine has one user, and a file owned by another needs root to make."""
    path = _file(MACHINE + FILE_PAT + "\n")(tmp_path)
    monkeypatch.setattr(os, "getuid", lambda: path.stat().st_uid + 1)
    line = f"GET /api/2.0/clusters/list --store netrc:{path}"
    refusal = r"belongs to another user.*netrc file you own"
    assert_refused(lambda: ip.run_line_magic("dbrest", line), refusal, db_env)


def test_there_are_at_least_sixty_cases() -> None:
    total = len(DBREST_CASES) + len(DBTOKEN_CASES) + len(SPEC_CASES) + len(HOST_CASES) + len(NETRC_CASES)
    assert total >= 60
