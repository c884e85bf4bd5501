"""Store files: paths are absolute and in an existing folder (never created); a full disk names the store."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from notebook_tokens.core.errors import InputError, NetrcError, StoreError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores.netrcstore import NetrcStore
from notebook_tokens.credentials.stores.specs import parse_store

PAT = "dapi" + "ef" * 16
OLD = "machine old.example login token password " + "dapi" + "01" * 16 + "\n"


def test_a_relative_netrc_path_becomes_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`netrc:../../x` names one file, shown in full, whatever the working folder is later."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "b")
    store = parse_store("netrc:../../x")
    assert isinstance(store, NetrcStore)
    assert store.path == tmp_path / "x" and store.path.is_absolute()
    assert store.spec == f"netrc:{tmp_path / 'x'}"


def test_a_netrc_path_in_a_missing_folder_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent" / "dir"
    with pytest.raises(InputError) as info:
        parse_store(f"netrc:{missing / 'x'}")
    assert str(info.value) == (
        f"netrc:{missing / 'x'}: the folder {missing} does not exist, and a token store never creates "
        "folders. Create it yourself (mkdir -m 700 FOLDER) or name a file in an existing folder; nothing "
        "was written."
    )
    assert not (tmp_path / "nonexistent").exists()


def test_dbtoken_netrc_into_a_missing_folder_says_what_to_do(db_env: Any, tmp_path: Path) -> None:
    """`%dbtoken netrc /nonexistent/dir/x` in a real shell: a UsageError, no folder, no file."""
    from IPython.core.error import UsageError
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # used only when this creates the process's shell
    shell = InteractiveShell.instance(config=config)
    shell.run_line_magic("load_ext", "notebook_tokens")
    try:
        with pytest.raises(UsageError, match=r"the folder .*/nonexistent/dir does not exist.*mkdir -m 700"):
            shell.run_line_magic("dbtoken", f"netrc {tmp_path / 'nonexistent' / 'dir' / 'x'}")
    finally:
        shell.run_line_magic("unload_ext", "notebook_tokens")
    assert not (tmp_path / "nonexistent").exists()


def test_NETRC_in_a_missing_folder_is_not_created_on_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path / "gone" / "netrc"))
    store = NetrcStore()
    assert store.read("https://h.example") is None  # reading a missing file is fine
    with pytest.raises(NetrcError, match=r"the folder .*/gone does not exist, and a token store never"):
        store.write("https://h.example", Token(PAT))
    assert not (tmp_path / "gone").exists()


class _FullDisk:
    """A file whose writes fail as a full disk does (ENOSPC): a real full file system cannot be made
    here without root, so the test wraps the file object that `os.fdopen` returns, for this test only."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def test_a_full_disk_names_the_store_and_file_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "netrc"
    path.write_text(OLD)
    path.chmod(0o600)
    store = NetrcStore(path)
    real_fdopen = os.fdopen

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_fdopen(fd, mode, *args, **kwargs)
        return _FullDisk(handle) if "w" in mode else handle

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(StoreError) as info:
        store.write("https://h.example", Token(PAT))
    monkeypatch.undo()
    assert isinstance(info.value, NetrcError)
    assert str(info.value) == (
        f"netrc {path}: could not write {path} (No space left on device); the old file is unchanged. "
        "Free some disk space and try again."
    )
    assert path.read_text() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["netrc", "netrc.lock"]
