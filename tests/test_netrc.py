"""The byte-preserving netrc editor (pure text) and its safe file reading/writing."""

from __future__ import annotations

import netrc as stdlib_netrc
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notebook_tokens.core.errors import NetrcError
from notebook_tokens.credentials.stores import netrcfile

PAT = "dapi" + "ab" * 16
SAMPLE = """# my netrc
machine example.com login alice password "p a\\"ss" # trailing comment
macdef init
machine inside-a-macro login x password y
cd /tmp

machine 127.0.0.1 login token password dapiold
  account acct

default login anonymous password guest
"""


def test_update_changes_only_the_password_value() -> None:
    out = netrcfile.set_entry(SAMPLE, "127.0.0.1", "token", PAT)
    assert out == SAMPLE.replace("dapiold", PAT)


def test_add_goes_before_the_default_entry() -> None:
    out = netrcfile.set_entry(SAMPLE, "new.host", "token", PAT)
    assert out == SAMPLE.replace(
        "default login", f"machine new.host login token password {PAT}\ndefault login"
    )


def test_add_appends_when_there_is_no_default() -> None:
    assert netrcfile.set_entry("machine a login b password c", "h", "token", PAT) == (
        f"machine a login b password c\nmachine h login token password {PAT}\n"
    )
    assert netrcfile.set_entry("", "h", "token", PAT) == f"machine h login token password {PAT}\n"


def test_add_after_an_unterminated_macdef_leaves_a_blank_line() -> None:
    """Without the blank line the new entry would become part of the macro body."""
    out = netrcfile.set_entry("macdef m\necho hi\n", "h", "token", PAT)
    assert netrcfile.lookup(out, "h") == ("token", PAT)


def test_missing_login_is_inserted_after_the_machine_name() -> None:
    out = netrcfile.set_entry("machine h password old\n", "h", "token", PAT)
    assert out == f"machine h login token password {PAT}\n"


def test_machine_names_match_case_insensitively() -> None:
    assert netrcfile.lookup("machine EXAMPLE.com login token password x1", "example.com") == ("token", "x1")


def test_machine_inside_a_macro_body_is_not_an_entry() -> None:
    assert netrcfile.lookup(SAMPLE, "inside-a-macro") is None


def test_default_entry_is_never_used_for_lookup() -> None:
    assert netrcfile.lookup(SAMPLE, "unknown.host") is None


def test_quoted_values_are_decoded_and_written_quoted() -> None:
    assert netrcfile.lookup(SAMPLE, "example.com") == ("alice", 'p a"ss')
    assert netrcfile.quote('a"b c') == '"a\\"b c"'
    assert netrcfile.quote("#x") == '"#x"'


def test_remove_deletes_the_entry_lines_only() -> None:
    out = netrcfile.remove_entry(SAMPLE, "127.0.0.1")
    assert "127.0.0.1" not in out and "account acct" not in out
    assert out.startswith("# my netrc\nmachine example.com") and out.endswith(
        "default login anonymous password guest\n"
    )


def test_duplicate_entries_are_refused_with_their_lines() -> None:
    with pytest.raises(NetrcError, match=r"has 2 entries for machine h \(lines 1, 2\): remove all but one"):
        netrcfile.set_entry("machine h password a\nmachine h password b\n", "h", "token", PAT)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("machine h login token password", "line 1: a value is missing after 'password'"),
        ('machine h\n  password "dapi0123456789abcdef', "line 2: a quoted value is not closed"),
        ("machine h login token password pw dapisecretfragment1234", "line 1: unexpected text where machine"),
        ("login x", "line 1: 'login' appears outside a machine or default entry"),
        ("machine", "line 1: a name is missing after 'machine'"),
    ],
)
def test_parse_errors_name_file_and_line_but_no_value(text: str, message: str) -> None:
    with pytest.raises(NetrcError) as info:
        netrcfile.parse(text, "/home/u/.netrc")
    assert str(info.value).startswith("/home/u/.netrc, " + message)
    assert "Fix the file" in str(info.value)
    for secret in ("dapi0123456789abcdef", "dapisecretfragment1234", "pw"):
        assert f"{secret}" not in str(info.value).replace("password", "")


# -- property: updating one entry round-trips and keeps every other byte --------------------------

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=12)
_value = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=16
)
# what set_entry writes: a value every netrc reader (Python 3.10's shlex-based one included) reads back
_portable = st.from_regex(r"[!$-\[\]-~][!#-\[\]-~]{0,15}", fullmatch=True).filter(
    lambda value: value not in ("machine", "default", "macdef", "login", "password", "account")
)
_space = st.sampled_from([" ", "  ", "\t", "\n", " \n  "])


@st.composite
def netrc_texts(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["machine", "comment", "macdef"]))
        if kind == "comment":
            parts.append("# " + draw(_word) + "\n")
        elif kind == "macdef":
            parts.append(f"macdef {draw(_word)}\n" + draw(_word) + " machine x\n\n")
        else:
            entry = f"machine {draw(_word)}"
            for key in draw(st.lists(st.sampled_from(["login", "password", "account"]), unique=True)):
                entry += draw(_space) + key + " " + netrcfile.quote(draw(_value))
            parts.append(entry + draw(_space))
    if draw(st.booleans()):
        parts.append("default login anonymous password guest\n")
    return "".join(parts)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=netrc_texts(), host=_word, password=_portable)
def test_set_entry_round_trips_and_keeps_the_rest_byte_identical(text: str, host: str, password: str) -> None:
    try:
        before = netrcfile.parse(text)
    except NetrcError:
        return  # a generated duplicate-free text always parses; guard for odd draws
    mine = [e for e in before if e.kind == "machine" and e.name.lower() == host.lower()]
    if len(mine) > 1:
        return
    out = netrcfile.set_entry(text, host, "token", password)
    assert netrcfile.lookup(out, host) == ("token", password)

    def shape(entries: list[netrcfile.Entry]) -> list[tuple[str, str, dict[str, str]]]:
        return [
            (e.kind, e.name, {k: v.value for k, v in e.fields.items()})
            for e in entries
            if not (e.kind == "machine" and e.name.lower() == host.lower())
        ]

    assert shape(netrcfile.parse(out)) == shape(before)
    if mine:  # every byte outside the one entry is unchanged
        assert netrcfile.remove_entry(out, host) == netrcfile.remove_entry(text, host)
    else:  # only the new line was added (after a newline when the text lacked one)
        line = f"machine {host} login token password {netrcfile.quote(password)}\n"
        assert out.replace(line, "", 1) in (text, text + "\n", text + "\n\n")
    assert netrcfile.set_entry(out, host, "token", password) == out


@settings(max_examples=200, deadline=None)
@given(text=netrc_texts(), host=_word, password=_portable)
def test_python_netrc_reads_what_we_write(
    text: str, host: str, password: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """curl and Python's netrc module (which requests uses) must read what we write: whenever Python could
    read the file before, it can read it after, and it sees our entry."""
    if any(ch in password for ch in "\\\"'#") or any(e.name == host for e in netrcfile.parse(text)):
        return  # Python's lexer and ours disagree on escapes inside quotes
    path = tmp_path_factory.mktemp("n") / "netrc"
    path.write_text(text)
    try:
        stdlib_netrc.netrc(str(path))
    except stdlib_netrc.NetrcParseError:
        return  # Python could not read the original either
    path.write_text(netrcfile.set_entry(text, host, "token", password))
    found = stdlib_netrc.netrc(str(path)).authenticators(host)
    assert found is not None
    login, account, secret = found
    # Python 3.10 reports a missing account as None, 3.11+ as ""
    assert (login, account or "", secret) == ("token", "", password)


@pytest.mark.parametrize("password", ["dapi\u00e9x", "p a ss", 'a"b', "a\\b", "#lead", "login"])
def test_set_entry_refuses_values_python_310_cannot_read_back(password: str) -> None:
    """Rather than write what Python 3.10's netrc misreads ("bad follower token"), nothing is written and
    the message names the field, never the value."""
    refused = r"cannot write the password for machine h to /n: .*Nothing was written"
    with pytest.raises(NetrcError, match=refused) as info:
        netrcfile.set_entry("machine other login x password caf\u00e9\n", "h", "token", password, "/n")
    assert password not in str(info.value).replace("password", "")


def test_other_entries_may_hold_what_we_refuse_to_write() -> None:
    """A netrc file holds other tools' entries too: a non-ASCII or quoted value there is kept as it is."""
    text = 'machine other login x password "caf\u00e9 au lait"\n'
    out = netrcfile.set_entry(text, "h", "token", PAT)
    assert out.startswith(text) and netrcfile.lookup(out, "other") == ("x", "caf\u00e9 au lait")


# -- files -----------------------------------------------------------------------------------------


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


def test_missing_file_reads_as_none(tmp_path: Path) -> None:
    assert netrcfile.read_secure(tmp_path / "nope") is None


def test_group_readable_file_is_refused_with_chmod_600(tmp_path: Path) -> None:
    path = write(tmp_path / ".netrc", "machine h password x", 0o644)
    with pytest.raises(
        NetrcError, match=rf"{path} can be read by other users \(mode 644\): run `chmod 600 {path}`"
    ):
        netrcfile.read_secure(path)


def test_symlink_is_refused(tmp_path: Path) -> None:
    target = write(tmp_path / "real", "machine h password x")
    link = tmp_path / ".netrc"
    link.symlink_to(target)
    with pytest.raises(NetrcError, match=r"is a symbolic link: refusing to use it\. Point NETRC"):
        netrcfile.read_secure(link)


def test_file_owned_by_someone_else_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / ".netrc", "machine h password x")
    monkeypatch.setattr(os, "getuid", lambda: os.stat(path).st_uid + 1)
    with pytest.raises(NetrcError, match="belongs to another user: refusing to use it"):
        netrcfile.read_secure(path)


def test_write_is_0600_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / ".netrc"
    netrcfile.write_atomic(path, "machine h password x\n")
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [".netrc"]


def test_crash_before_replace_keeps_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / ".netrc", "machine h password original\n")

    def crash(*args: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk on fire"):
        netrcfile.write_atomic(path, "machine h password new\n")
    assert path.read_text() == "machine h password original\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".netrc"]
