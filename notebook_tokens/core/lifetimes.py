"""Token lifetimes: parse "90d" / "12h" / "30m" / "2w" / "never" and humanise durations.

Pure: imports neither IPython, ipywidgets, requests nor os.environ.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from notebook_tokens.core.errors import InputError
from notebook_tokens.core.redact import redact

__all__ = ["NEVER_WORDS", "humanize_delta", "humanize_until", "lifetime_seconds", "parse_lifetime"]

NEVER_WORDS = frozenset({"never", "none", "forever", "no-expiry", "noexpiry"})
_UNITS = {
    "w": timedelta(weeks=1),
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
    "s": timedelta(seconds=1),
}
_UNIT_WORDS = {
    "week": "w", "weeks": "w", "day": "d", "days": "d", "hour": "h", "hours": "h",
    "min": "m", "mins": "m", "minute": "m", "minutes": "m", "sec": "s", "secs": "s",
    "second": "s", "seconds": "s",
}
_PART = re.compile(r"([0-9]+)\s*([a-z]+)")  # ASCII digits only: int() would take other scripts' digits
# Far above any workspace limit (maxTokenLifetimeDays is at most 730), far below timedelta's overflow.
_LONGEST = timedelta(days=100 * 365)
_GUIDANCE = 'use a number and a unit, e.g. "90d", "12h", "30m", "2w", "1d12h", or "never"'


def parse_lifetime(value: str | timedelta | None) -> timedelta | None:
    """A lifetime as a timedelta, or None for "never" (the server's default applies).

    Accepts a timedelta, "never", or one or more `<number><unit>` parts with units w, d, h, m, s
    (or their words: "90 days"). A zero or negative lifetime is refused: the API rejects 0.
    """
    if value is None:
        return None
    if isinstance(value, timedelta):
        if value > _LONGEST:
            raise InputError(f"lifetime {value} is too long: workspaces allow at most 730 days")
        return _positive(value, str(value))
    if not isinstance(value, str):
        kind = type(value).__name__
        raise InputError(f"a lifetime must be a string or a timedelta, not {kind}; {_GUIDANCE}")
    text = value.strip().lower()
    shown = redact(value.strip())[:40]
    if text in NEVER_WORDS:
        return None
    if not text:
        raise InputError(f"the lifetime is empty; {_GUIDANCE}")
    if text.startswith("-"):
        raise InputError(f"lifetime {shown!r} is negative: it must be longer than zero; {_GUIDANCE}")
    if text.isdigit() and text.isascii():
        raise InputError(f"lifetime {shown!r} has no unit; did you mean {text[:12]}d? {_GUIDANCE}")
    total = timedelta()
    position = 0
    for match in _PART.finditer(text):
        if text[position:match.start()].strip(" ,"):
            break
        unit = _UNIT_WORDS.get(match.group(2), match.group(2))
        if unit not in _UNITS:
            raise InputError(f"unknown unit {match.group(2)[:12]!r} in lifetime {shown!r}; {_GUIDANCE}")
        total = _part(match.group(1), unit, shown, total)
        position = match.end()
    if position == 0 or text[position:].strip(" ,"):
        raise InputError(f"cannot read lifetime {shown!r}; {_GUIDANCE}")
    return _positive(total, shown)


def _part(number: str, unit: str, shown: str, total: timedelta) -> timedelta:
    """`total` plus one `<number><unit>` part, refusing what no workspace allows before it can overflow."""
    # 20 digits of days overflow timedelta (OverflowError), 4300 digits overflow int() (ValueError)
    count = int(number) if len(number) <= 12 else None
    if count is None or total + count * _UNITS[unit] > _LONGEST:
        raise InputError(
            f"lifetime {shown!r} is too long: workspaces allow at most 730 days (maxTokenLifetimeDays); "
            'give e.g. "730d", or "never" for the workspace default'
        )
    return total + count * _UNITS[unit]


def _positive(delta: timedelta, shown: str) -> timedelta:
    if delta <= timedelta(0):
        raise InputError(f"lifetime {shown!r} must be longer than zero (the API rejects 0); {_GUIDANCE}")
    return delta


def lifetime_seconds(lifetime: timedelta | None) -> int | None:
    """What the Token API's `lifetime_seconds` takes: whole seconds, or None to omit it."""
    if lifetime is None:
        return None
    return max(1, int(lifetime.total_seconds()))


def humanize_delta(delta: timedelta) -> str:
    """'90 days', '12 hours', '1 day 6 hours', '45 minutes', 'under a minute' (sign ignored)."""
    seconds = abs(delta.total_seconds())
    # to the nearest minute: a 1-day token checked a second later still reads "1 day"
    seconds = int(round(seconds / 60) * 60) if seconds >= 60 else int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts: list[tuple[int, str]]
    if days >= 14:
        parts = [(days, "day")]
    elif days:
        parts = [(days, "day"), (hours, "hour")]
    elif hours:
        parts = [(hours, "hour"), (minutes, "minute")]
    elif minutes:
        parts = [(minutes, "minute")]
    else:
        return "under a minute"
    return " ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n)


def humanize_until(moment: datetime | None, *, now: datetime | None = None) -> str:
    """'never', 'in 3 days', '2 hours ago' for an expiry (aware datetimes; naive ones are taken as UTC)."""
    if moment is None:
        return "never"
    now = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    delta = moment - now
    text = humanize_delta(delta)
    if delta >= timedelta(0):
        return f"in {text}"
    return f"{text} ago"

