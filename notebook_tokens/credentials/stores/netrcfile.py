"""A byte-preserving .netrc reader and editor, over the parser in `netrcsyntax`.

Editing touches exactly one `machine` entry and keeps every other byte (comments, macdef bodies, `default`,
other machines, quoting). Files are read only when they are ours, not symlinks and not readable by group or
others; writes go to a 0600 temp file in the same folder, fsync, then `os.replace`.
"""

from __future__ import annotations

import re
from pathlib import Path

from notebook_tokens.core.errors import NetrcError
from notebook_tokens.credentials.stores import securefile
from notebook_tokens.credentials.stores.netrcsyntax import (
    FIELDS,
    KEYWORDS,
    MAX_NETRC_BYTES,
    Entry,
    parse,
    parse_entries,
    quote,
    too_large,
)
from notebook_tokens.credentials.stores.securefile import write_atomic

# parse, quote, Entry and MAX_NETRC_BYTES are re-exported: callers and tests import them from here
__all__ = [
    "MAX_NETRC_BYTES", "Entry", "account_of", "lookup", "parse", "quote", "read_secure", "remove_entry",
    "set_entry",
    "write_atomic",
]

# What every reader reads back byte for byte: printable ASCII, no space, quote, backslash or leading "#".
# Python 3.10's netrc (shlex, non-POSIX) splits a word at any non-ASCII character ("bad follower token")
# and takes quotes literally, so anything needing quotes or outside ASCII is refused rather than written.
_PORTABLE = re.compile(r'[!$-\[\]-~][!#-\[\]-~]*')


def read_secure(path: Path) -> str | None:
    """`securefile.read_secure`, refusing a file too large to be a netrc before reading it."""
    try:
        size = path.lstat().st_size
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        size = 0  # securefile gives the clear message
    except ValueError:  # a NUL in the path
        raise NetrcError(f"{path!r} is not a usable file name: it holds a NUL character.") from None
    if size > MAX_NETRC_BYTES:
        raise too_large(str(path), size)
    return securefile.read_secure(path)


def _machines(entries: list[Entry], machine: str) -> list[Entry]:
    return [e for e in entries if e.kind == "machine" and e.name.lower() == machine.lower()]


def lookup(text: str, machine: str, where: str = ".netrc") -> tuple[str, str] | None:
    """(login, password) of the `machine` entry (a `default` entry is never used)."""
    found = _machines(parse(text, where), machine)
    if not found:
        return None
    entry = found[-1]
    password = entry.fields.get("password")
    login = entry.fields.get("login")
    return (login.value if login else "", password.value) if password else None


def account_of(text: str, machine: str, where: str = ".netrc") -> str | None:
    """The `account` of the `machine` entry that `lookup` reads, None when it has none."""
    found = _machines(parse(text, where), machine)
    account = found[-1].fields.get("account") if found else None
    return account.value if account else None


def set_entry(
    text: str, machine: str, login: str, password: str, where: str = ".netrc", *, account: str | None = None
) -> str:
    """Add or update the one `machine` entry (and its `account`, when given); every byte outside it is kept.
    Values every netrc reader reads back (printable ASCII, nothing to quote) only: NetrcError names the
    field, never the value."""
    values = [("machine name", machine), ("login", login), ("password", password)]
    if account is not None:
        values.append(("account", account))
    for what, value in values:
        # after "machine" every reader takes the next word as the name, so only a value may not be a keyword
        if not _PORTABLE.fullmatch(value) or (what != "machine name" and value in KEYWORDS + FIELDS):
            owner = "an entry" if what == "machine name" else f"machine {machine}"
            raise NetrcError(
                f"cannot write the {what} for {owner} to {where}: "
                "it holds a space, a quote, a backslash, a non-ASCII character or a leading #, which "
                "Python 3.10's netrc (and so requests there) cannot read back. Nothing was written; keep "
                "this credential in keyring (--store keyring) instead."
            )
    entries, open_macro = parse_entries(text, where)
    found = _machines(entries, machine)
    if len(found) > 1:
        lines = ", ".join(str(e.line) for e in found)
        raise NetrcError(
            f"{where} has {len(found)} entries for machine {machine} (lines {lines}): "
            "remove all but one, then try again."
        )
    if found:
        entry, edits = found[0], []
        missing = ""
        for key, value in values[1:]:
            tok = entry.fields.get(key)
            if tok is None:
                missing += f" {key} {quote(value)}"
            else:
                edits.append((tok.start, tok.end, quote(value)))
        if missing:
            edits.append((entry.name_end, entry.name_end, missing))
        for start, end, replacement in sorted(edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text
    line = f"machine {machine} " + " ".join(f"{key} {quote(value)}" for key, value in values[1:]) + "\n"
    default = next((e for e in entries if e.kind == "default"), None)
    if default is not None:  # curl wants `default` after every machine entry
        return text[: default.start] + line + text[default.start :]
    prefix = "" if not text or text.endswith("\n") else "\n"
    if open_macro:  # an unterminated macdef would swallow the new entry
        prefix += "\n"
    return text + prefix + line


def remove_entry(text: str, machine: str, where: str = ".netrc") -> str:
    """Remove every `machine` entry for the host (whole lines when the entry has its own lines)."""
    for entry in sorted(_machines(parse(text, where), machine), key=lambda e: e.start, reverse=True):
        start, end = entry.start, entry.end
        line_start = text.rfind("\n", 0, start) + 1
        newline = text.find("\n", end)
        line_end = len(text) if newline < 0 else newline + 1
        if not text[line_start:start].strip() and not text[end:line_end].strip():
            start, end = line_start, line_end
        text = text[:start] + text[end:]
    return text
