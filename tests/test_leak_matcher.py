"""The leak scanner's pure parts: the matcher over chunked streams, .gitignore rules, notebook cells, and the
byte-exact file rewrite. No workspace: values are made up here."""

from __future__ import annotations

import base64
import io
import json
import secrets
from pathlib import Path
from urllib.parse import quote

import pytest

from notebook_tokens.core.redact import REDACTED, Token
from notebook_tokens.lifecycle.leaks.cells import notebook_parts
from notebook_tokens.lifecycle.leaks.cleanup import redact_files
from notebook_tokens.lifecycle.leaks.files import Tally, scan_paths
from notebook_tokens.lifecycle.leaks.hits import Finding
from notebook_tokens.lifecycle.leaks.matcher import Matcher, scan_bytes, scan_stream


def pat() -> str:
    return "dapi" + secrets.token_hex(16)


@pytest.mark.parametrize("chunk", [64, 100, 1000, 4096])
def test_a_value_across_any_chunk_boundary_is_found_once(chunk: int) -> None:
    value = pat() + "-3"
    matcher = Matcher()
    for offset in range(chunk - 45, chunk + 5):
        data = b"x" * offset + value.encode() + b" tail"
        hits = list(scan_stream(io.BytesIO(data).read, matcher, chunk=chunk))
        assert [(h.start, h.end, h.form) for h in hits] == [(offset, offset + len(value), "PAT")], offset
        assert hits[0].token.reveal() == value


def test_known_tokens_are_found_as_base64_basic_auth_and_url_encoded() -> None:
    odd = Token("x1/y2+z3=Q" + secrets.token_hex(8))  # a non-PAT value whose URL encoding differs
    known = Token(pat())
    matcher = Matcher([odd, known])
    basic = base64.b64encode(f"token:{known.reveal()}".encode())
    data = b"Authorization: Basic " + basic + b"\nurl=?t=" + quote(odd.reveal(), safe="").encode() + b"\n"
    hits = scan_bytes(data, matcher)
    assert [(h.form, h.token) for h in hits] == [("base64", known), ("URL-encoded", odd)]
    assert "x1/y2" not in repr(matcher) and known.reveal() not in repr(matcher)


def test_a_dapi_prefix_without_32_hex_is_not_a_hit() -> None:
    assert scan_bytes(b"dapi dapi123 dapi" + b"g" * 32, Matcher()) == []


def test_gitignored_files_and_folders_and_unscanned_suffixes_are_skipped(tmp_path: Path) -> None:
    value = pat()
    for name in ("keep.py", "notes", ".env", "secret.log", "build/out.txt", "sub/skip.txt", "sub/keep.md",
                 "image.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"t = {value}\n")
    (tmp_path / ".gitignore").write_text("# comment\nbuild/\n/sub/skip.*\n!keep.md\n")
    tally = Tally()
    hits = scan_paths([tmp_path], Matcher(), tally)
    found = sorted(Path(h.where).relative_to(tmp_path).as_posix() for h in hits)
    assert found == [".env", "keep.py", "notes", "sub/keep.md"]
    assert tally.files == 5  # and .gitignore itself: a file without an extension


def test_notebook_hits_are_named_by_cell_and_part() -> None:
    live, dead = pat(), pat()
    notebook = {"cells": [
        {"cell_type": "code", "source": ["x = 1\n"], "outputs": [{"text": [f"token {live}\n"]}]},
        {"cell_type": "code", "source": [f"t = '{dead}'"], "outputs": []},
    ], "metadata": {"widgets": {"state": {"v": live}}}, "nbformat": 4, "nbformat_minor": 5}
    content = json.dumps(notebook, indent=1).encode()
    hits = scan_bytes(content, Matcher())
    parts = notebook_parts(content, hits)
    assert [parts[h.start] for h in hits] == ["cell 1, outputs", "cell 2, source", "widget state"]


def test_redacting_a_notebook_keeps_every_other_byte_and_valid_json(tmp_path: Path) -> None:
    value, known = pat(), Token(pat())
    b64 = base64.b64encode(known.reveal().encode()).decode()
    notebook = {"cells": [{"cell_type": "code", "source": f"a='{value}' # {b64}", "outputs": []}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "n.ipynb"
    original = json.dumps(notebook).encode()
    path.write_bytes(original)
    path.chmod(0o640)
    matcher = Matcher([known])
    hits = list(scan_paths([path], matcher, Tally()))
    rewrites = redact_files([Finding(h, "unknown") for h in hits], matcher)
    assert [r.ok for r in rewrites] == [True]
    after = path.read_bytes()
    assert json.loads(after)["cells"][0]["source"].startswith(f"a='{REDACTED}' # ")
    assert value.encode() not in after and list(scan_paths([path], matcher, Tally())) == []
    encoded = original[hits[1].offset:hits[1].offset + hits[1].length]  # the value's part of the base64
    assert hits[1].form == "base64" and encoded in b64.encode()
    assert after == original.replace(value.encode(), REDACTED.encode()).replace(encoded, REDACTED.encode())
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("prefix", ["", "t", "to", "token:", "user@example.com:"])
def test_base64_of_any_pat_is_found_at_every_alignment_and_in_both_alphabets(prefix: str) -> None:
    """No known token needed: the anchors of `dapi` in base64 find an unseen PAT inside a Basic header."""
    value = pat() + "-1"
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        blob = encode(f"{prefix}{value}".encode())
        data = b'{"Authorization": "Basic ' + blob + b'"}'
        [hit] = scan_bytes(data, Matcher())
        assert (hit.form, hit.token.reveal()) == ("base64", value)
        assert data[hit.start:hit.end] in blob


@pytest.mark.parametrize("chunk", [100, 257])
def test_base64_across_a_chunk_boundary_is_found_once(chunk: int) -> None:
    value = pat()
    blob = base64.b64encode(f"token:{value}".encode())
    for offset in range(chunk - 70, chunk + 3):
        data = b"=" * offset + blob + b"\n"
        hits = list(scan_stream(io.BytesIO(data).read, Matcher(), chunk=chunk))
        assert [h.token.reveal() for h in hits] == [value], offset


def test_worker_processes_find_the_same_hits_as_one_process(tmp_path: Path) -> None:
    """A large tree goes to worker processes (here forced with threshold=0), which answer only paths."""
    from notebook_tokens.lifecycle.leaks.parallel import scan_tree

    for number in range(30):
        body = f"x = {number}\n" * 50 + (f"t = '{pat()}'\n" if number % 7 == 0 else "")
        (tmp_path / f"f{number}.py").write_text(body)
    (tmp_path / "b.txt").write_bytes(b"Basic " + base64.b64encode(f"token:{pat()}".encode()))
    alone = sorted((h.where, h.line, h.token.reveal()) for h in scan_paths([tmp_path], Matcher(), Tally()))
    tally = Tally()
    parallel = scan_tree(tmp_path, Matcher(), tally, workers=2, threshold=0)
    assert parallel is not None
    assert sorted((h.where, h.line, h.token.reveal()) for h in parallel) == alone and len(alone) == 6
    assert tally.files == 31
    assert scan_tree(tmp_path, Matcher([Token("an-oauth-token-" + pat())]), Tally(), workers=2) is None
