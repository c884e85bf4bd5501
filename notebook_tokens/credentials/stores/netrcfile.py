"""A byte-preserving .netrc reader and editor.

Our own tokenizer (Python's `netrc` module can quote a piece of a password in its parse errors): errors
name the file and line and never echo a value. Editing touches exactly one `machine` entry and keeps every
other byte (comments, macdef bodies, `default`, other machines, quoting). Files are read only when they are
ours, not symlinks and not readable by group or others; writes go to a 0600 temp file in the same folder,
fsync, then `os.replace`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from notebook_tokens.core.errors import NetrcError
from notebook_tokens.credentials.stores import securefile
from notebook_tokens.credentials.stores.securefile import write_atomic

__all__ = [
    "MAX_NETRC_BYTES", "Entry", "account_of", "lookup", "parse", "quote", "read_secure", "remove_entry",
    "set_entry",
    "write_atomic",
]

_FIELDS = ("login", "password", "account")
_KEYWORDS = ("machine", "default", "macdef")
_SAFE = re.compile(r'[^\s"\\#][^\s"\\]*')
# What every reader reads back byte for byte: printable ASCII, no space, quote, backslash or leading "#".
# Python 3.10's netrc (shlex, non-POSIX) splits a word at any non-ASCII character ("bad follower token")
# and takes quotes literally, so anything needing quotes or outside ASCII is refused rather than written.
_PORTABLE = re.compile(r'[!$-\[\]-~][!#-\[\]-~]*')
# A netrc file holds a few entries; a multi-megabyte one is a mistake (or an attack on the parser).
MAX_NETRC_BYTES = 1 << 20
_QUOTING_HINT = (
    'a value with spaces, quotes or a leading # must be written in double quotes ("p a\\"ss")'
)


@dataclass
class _Tok:
    value: str
    start: int
    end: int
    line: int
    quoted: bool = False


@dataclass
class Entry:
    """A `machine NAME` / `default` / `macdef NAME` entry; `start`/`end` are offsets into the text."""

    kind: str
    name: str
    start: int
    end: int
    line: int
    fields: dict[str, _Tok] = field(default_factory=dict)
    name_end: int = 0


class _Lexer:
    def __init__(self, text: str, where: str) -> None:
        self.text, self.where, self.pos, self.line = text, where, 0, 1
        self.open_macro = False

    def error(self, line: int, what: str) -> NetrcError:
        return NetrcError(
            f"{self.where}, line {line}: {what}. Fix the file (or move it aside) and try again."
        )

    def next(self) -> _Tok | None:
        text, n = self.text, len(self.text)
        while self.pos < n:
            ch = text[self.pos]
            if ch == "\n":
                self.line += 1
                self.pos += 1
            elif ch.isspace():
                self.pos += 1
            elif ch == "#":
                end = text.find("\n", self.pos)
                self.pos = n if end < 0 else end
            else:
                break
        if self.pos >= n:
            return None
        start, line, out = self.pos, self.line, []
        if text[start] == '"':
            self.pos += 1
            while True:
                if self.pos >= n:
                    raise self.error(line, 'a quoted value is not closed (missing ")')
                ch = text[self.pos]
                if ch == "\\" and self.pos + 1 < n:
                    out.append(text[self.pos + 1])
                    self.pos += 2
                    continue
                self.pos += 1
                if ch == '"':
                    break
                if ch == "\n":
                    self.line += 1
                out.append(ch)
        else:
            while self.pos < n and not text[self.pos].isspace():
                if text[self.pos] == "\\" and self.pos + 1 < n:
                    self.pos += 1
                out.append(text[self.pos])
                self.pos += 1
        return _Tok("".join(out), start, self.pos, line, text[start] == '"')

    def skip_macro(self) -> int:
        """Skip a macdef body: the lines after the macdef line up to an empty line (or the end)."""
        text = self.text
        end = text.find("\n", self.pos)
        if end < 0:
            self.pos, self.open_macro = len(text), True
            return self.pos
        self.pos = end + 1
        self.line += 1
        while self.pos < len(text):
            end = text.find("\n", self.pos)
            line = text[self.pos : len(text) if end < 0 else end]
            if line.strip("\r") == "":
                return self.pos
            self.line += 1
            self.pos = len(text) if end < 0 else end + 1
        self.open_macro = True
        return self.pos


def parse(text: str, where: str = ".netrc") -> list[Entry]:
    """Every entry in a netrc text; NetrcError (file and line, no value shown) when it is malformed."""
    return _parse(text, where)[0]


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
        raise _too_large(str(path), size)
    return securefile.read_secure(path)


def _too_large(where: str, size: int) -> NetrcError:
    return NetrcError(
        f"{where} is {size} bytes, more than a netrc file holds (at most {MAX_NETRC_BYTES}): check it is "
        "the file you meant, or point NETRC (or netrc:PATH) at your netrc file."
    )


def _parse(text: str, where: str) -> tuple[list[Entry], _Lexer]:
    if len(text) > MAX_NETRC_BYTES:
        raise _too_large(where, len(text.encode("utf-8", "surrogateescape")))
    lexer, entries = _Lexer(text, where), []
    current: Entry | None = None
    while (tok := lexer.next()) is not None:
        word = "" if tok.quoted else tok.value
        if word in _KEYWORDS:
            name = ""
            if word != "default":
                name_tok = lexer.next()
                if name_tok is None:
                    raise lexer.error(tok.line, f"a name is missing after '{word}'")
                name = name_tok.value
            current = Entry(word, name, tok.start, lexer.pos, tok.line, name_end=lexer.pos)
            entries.append(current)
            if word == "macdef":
                current.end = lexer.skip_macro()
                current = None
        elif word in _FIELDS:
            if current is None:
                raise lexer.error(tok.line, f"'{word}' appears outside a machine or default entry")
            value = lexer.next()
            if value is None or (not value.quoted and value.value in _KEYWORDS + _FIELDS):
                raise lexer.error(tok.line, f"a value is missing after '{word}' ({_QUOTING_HINT})")
            current.fields[word] = value
            current.end = value.end
        else:
            raise lexer.error(
                tok.line,
                "unexpected text where machine, default, macdef, login, password or account was expected "
                f"(not shown: it could be part of a secret; {_QUOTING_HINT}, and a macdef body ends at an "
                "empty line)",
            )
    return entries, lexer


def quote(value: str) -> str:
    """The value as a netrc token: bare when safe, else double-quoted with backslash escapes."""
    if _SAFE.fullmatch(value) and value not in _KEYWORDS and value not in _FIELDS:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
        if not _PORTABLE.fullmatch(value) or (what != "machine name" and value in _KEYWORDS + _FIELDS):
            owner = "an entry" if what == "machine name" else f"machine {machine}"
            raise NetrcError(
                f"cannot write the {what} for {owner} to {where}: "
                "it holds a space, a quote, a backslash, a non-ASCII character or a leading #, which "
                "Python 3.10's netrc (and so requests there) cannot read back. Nothing was written; keep "
                "this credential in keyring (--store keyring) instead."
            )
    entries, lexer = _parse(text, where)
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
    if lexer.open_macro:  # an unterminated macdef would swallow the new entry
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
