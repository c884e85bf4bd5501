"""`%dbtoken`'s help for a first-time user: `%dbtoken?` lists every subcommand with an example, a missing
--store lists the store forms, a store that cannot keep a token is refused before one is created, and a
`# comment` after the arguments is ignored (README's tour writes one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from notebook_tokens.notebook.tokens.magic import DbTokenMagics, build_parser


@pytest.fixture
def keyring_backend() -> Iterator[Any]:
    """Installs a keyring backend for one test: the fail and null backends stand for a headless machine
    (no desktop keyring can exist here)."""
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


def _creates(emulator: Any) -> int:
    return sum(1 for r in emulator.workspace.requests if r.path == "/api/2.0/token/create")


def _subcommands() -> list[str]:
    action = next(a for a in build_parser()._actions if a.dest == "command")
    return list(action.choices)  # type: ignore[arg-type]


def test_question_mark_help_shows_every_subcommand_with_an_example() -> None:
    """`%dbtoken?` shows the magic's docstring: each subcommand has a line and a `%dbtoken SUB` example."""
    doc = DbTokenMagics.dbtoken.__doc__ or ""
    lines = [line.strip() for line in doc.splitlines()]
    for name in _subcommands():
        assert any(line.startswith(f"{name} ") for line in lines), name
        assert any(line.startswith(f"%dbtoken {name}") for line in lines), name
    assert "secret:SCOPE/KEY, keyring[:SERVICE], netrc[:PATH]" in doc


def test_generate_without_store_lists_the_store_forms(ip: InteractiveShell, db_env: Any) -> None:
    with pytest.raises(UsageError) as info:
        ip.run_line_magic("dbtoken", "generate --comment x")
    message = str(info.value)
    assert "arguments are required" not in message
    for form in ("--store secret:SCOPE/KEY", "--store keyring[:SERVICE]", "--store netrc[:PATH]",
                 "pip install 'notebook-tokens[keyring]'", "%dbtoken generate --store keyring"):
        assert form in message
    assert _creates(db_env) == 0


@pytest.mark.parametrize("backend", [keyring.backends.fail.Keyring, keyring.backends.null.Keyring])
def test_generate_into_a_keyring_without_a_backend_creates_no_token(
    ip: InteractiveShell, db_env: Any, keyring_backend: Any, backend: Any
) -> None:
    keyring_backend(backend())
    with pytest.raises(UsageError, match=r"keyring|Keyring") as info:
        ip.run_line_magic("dbtoken", "generate --store keyring")
    assert "pip install keyrings.alt" in str(info.value) and "revoked" not in str(info.value)
    assert _creates(db_env) == 0


def test_generate_into_an_unwritable_folder_creates_no_token(ip: InteractiveShell, db_env: Any) -> None:
    """/sys refuses new files even to root, so this holds however the tests run."""
    with pytest.raises(UsageError, match=r"netrc /sys/nt-netrc: cannot create files in /sys"):
        ip.run_line_magic("dbtoken", "generate --store netrc:/sys/nt-netrc")
    assert _creates(db_env) == 0


def test_rotate_into_an_unwritable_folder_changes_nothing(ip: InteractiveShell, db_env: Any) -> None:
    with pytest.raises(UsageError, match=r"cannot create files in /sys"):
        ip.run_line_magic("dbtoken", "rotate --store netrc:/sys/nt-netrc")
    assert _creates(db_env) == 0


def test_netrc_probe_leaves_no_file_behind(tmp_path: Path) -> None:
    from notebook_tokens.credentials.stores.netrcstore import NetrcStore

    NetrcStore(tmp_path / "netrc").check_writable()
    assert list(tmp_path.iterdir()) == []


def test_a_trailing_comment_is_ignored(ip: InteractiveShell, db_env: Any, tmp_path: Path) -> None:
    path = tmp_path / "netrc"
    with capture_output() as captured:
        ip.run_line_magic("dbtoken", f"generate --comment 'job #3' --store netrc:{path}   # into a file")
    shown = captured.stdout + "".join(o.data.get("text/plain", "") for o in captured.outputs)
    assert f"stored in netrc {path}" in shown
    infos = [i for i in db_env.workspace.tokens.values() if str(i.comment).startswith("job #3")]
    assert len(infos) == 1
