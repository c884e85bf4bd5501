"""A small .gitignore matcher: comments, `!` negation, trailing `/` (directories only), anchoring by a
leading or inner `/`, `*`, `?`, `[...]` and `**` (gitignore(5)). The last matching rule wins; an ignored
directory is not entered, so nothing below it is re-included (as git does)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["IgnoreRules"]


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool
    anchored: bool


def _translate(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            char = pattern[i]
            if char == "*":
                out.append("[^/]*")
            elif char == "?":
                out.append("[^/]")
            elif char == "[" and "]" in pattern[i + 2:]:
                end = pattern.index("]", i + 2)
                body = pattern[i + 1:end].replace("\\", "\\\\")
                out.append(f"[{'^' + body[1:] if body.startswith('!') else body}]")
                i = end
            elif char == "\\" and i + 1 < len(pattern):
                i += 1
                out.append(re.escape(pattern[i]))
            else:
                out.append(re.escape(char))
            i += 1
    return "".join(out)


def _parse(line: str) -> _Rule | None:
    line = line.rstrip("\n").rstrip("\r")
    if not line.strip() or line.startswith("#"):
        return None
    if not line.endswith("\\ "):
        line = line.rstrip(" ")
    negate = line.startswith("!")
    line = line[1:] if negate else line.removeprefix("\\")
    dir_only = line.endswith("/")
    line = line.rstrip("/")
    anchored = "/" in line
    line = line.lstrip("/")
    if not line:
        return None
    return _Rule(re.compile(_translate(line) + r"\Z"), negate, dir_only, anchored)


class IgnoreRules:
    """The rules of the .gitignore files from the scan's root down to one directory."""

    def __init__(self, layers: tuple[tuple[Path, tuple[_Rule, ...]], ...] = ()) -> None:
        self._layers = layers

    def below(self, directory: Path) -> IgnoreRules:
        """These rules plus `directory/.gitignore`, if there is one."""
        try:
            text = (directory / ".gitignore").read_text(errors="replace")
        except OSError:
            return self
        rules = tuple(rule for rule in map(_parse, text.splitlines()) if rule is not None)
        return IgnoreRules((*self._layers, (directory, rules))) if rules else self

    def ignored(self, path: Path, *, is_dir: bool) -> bool:
        verdict = False
        for base, rules in self._layers:
            try:
                relative = path.relative_to(base).as_posix()
            except ValueError:
                continue
            for rule in rules:
                if rule.dir_only and not is_dir:
                    continue
                subject = relative if rule.anchored else relative.rsplit("/", 1)[-1]
                if rule.regex.match(subject):
                    verdict = not rule.negate
        return verdict
