"""The netrc syntax: a tokenizer and parser of our own, because Python's `netrc` module can quote a piece
of a password in its parse errors. Errors here name the file and line and never echo a value. Entries keep
their offsets into the text, so `netrcfile` can edit one entry and keep every other byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from notebook_tokens.core.errors import NetrcError

__all__ = ["FIELDS", "KEYWORDS", "MAX_NETRC_BYTES", "Entry", "parse", "parse_entries", "quote", "too_large"]

FIELDS = ("login", "password", "account")
KEYWORDS = ("machine", "default", "macdef")
_SAFE = re.compile(r'[^\s"\\#][^\s"\\]*')
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
    return parse_entries(text, where)[0]


def too_large(where: str, size: int) -> NetrcError:
    return NetrcError(
        f"{where} is {size} bytes, more than a netrc file holds (at most {MAX_NETRC_BYTES}): check it is "
        "the file you meant, or point NETRC (or netrc:PATH) at your netrc file."
    )


def parse_entries(text: str, where: str) -> tuple[list[Entry], bool]:
    """`parse`, and whether the text ends inside a macdef body (an entry added after it would be
    swallowed by the macro)."""
    if len(text) > MAX_NETRC_BYTES:
        raise too_large(where, len(text.encode("utf-8", "surrogateescape")))
    lexer, entries = _Lexer(text, where), []
    current: Entry | None = None
    while (tok := lexer.next()) is not None:
        word = "" if tok.quoted else tok.value
        if word in KEYWORDS:
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
        elif word in FIELDS:
            if current is None:
                raise lexer.error(tok.line, f"'{word}' appears outside a machine or default entry")
            value = lexer.next()
            if value is None or (not value.quoted and value.value in KEYWORDS + FIELDS):
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
    return entries, lexer.open_macro


def quote(value: str) -> str:
    """The value as a netrc token: bare when safe, else double-quoted with backslash escapes."""
    if _SAFE.fullmatch(value) and value not in KEYWORDS and value not in FIELDS:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
