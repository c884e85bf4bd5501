"""Lifetimes: parsing "90d" / "12h" / "never" and humanised durations (pure, no socket)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from notebook_tokens.core.errors import InputError
from notebook_tokens.core.lifetimes import humanize_delta, humanize_until, lifetime_seconds, parse_lifetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90d", timedelta(days=90)),
        ("12h", timedelta(hours=12)),
        ("30m", timedelta(minutes=30)),
        ("2w", timedelta(weeks=2)),
        ("45s", timedelta(seconds=45)),
        ("1d12h", timedelta(days=1, hours=12)),
        (" 90 days ", timedelta(days=90)),
        ("1 week, 2 days", timedelta(days=9)),
        ("90D", timedelta(days=90)),
    ],
)
def test_units_parse_to_timedelta(text: str, expected: timedelta) -> None:
    assert parse_lifetime(text) == expected


@pytest.mark.parametrize("text", ["never", "Never", "NONE", "forever"])
def test_never_means_no_lifetime(text: str) -> None:
    assert parse_lifetime(text) is None


def test_none_means_no_lifetime() -> None:
    assert parse_lifetime(None) is None


def test_timedelta_passes_through() -> None:
    assert parse_lifetime(timedelta(hours=3)) == timedelta(hours=3)


def test_bare_number_suggests_days() -> None:
    with pytest.raises(InputError, match=r"did you mean 90d"):
        parse_lifetime("90")


@pytest.mark.parametrize("text", ["0d", "0h", "0m"])
def test_zero_is_refused_because_the_api_rejects_it(text: str) -> None:
    with pytest.raises(InputError, match="longer than zero"):
        parse_lifetime(text)


def test_negative_timedelta_is_refused() -> None:
    with pytest.raises(InputError, match="longer than zero"):
        parse_lifetime(timedelta(days=-1))


@pytest.mark.parametrize("text", ["soon", "90x", "d90", "1d garbage", "", "12h-3m"])
def test_unreadable_lifetime_gives_guidance(text: str) -> None:
    with pytest.raises(InputError, match=r'"90d".*"never"'):
        parse_lifetime(text)


def test_unknown_unit_is_named() -> None:
    with pytest.raises(InputError, match="unknown unit 'y'"):
        parse_lifetime("1y")


def test_wrong_type_is_refused() -> None:
    with pytest.raises(InputError, match="not int"):
        parse_lifetime(90)  # type: ignore[arg-type]


def test_lifetime_seconds_for_the_api() -> None:
    assert lifetime_seconds(timedelta(days=90)) == 90 * 86400
    assert lifetime_seconds(None) is None


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(days=90), "90 days"),
        (timedelta(days=1, hours=6), "1 day 6 hours"),
        (timedelta(hours=12), "12 hours"),
        (timedelta(hours=2, minutes=5), "2 hours 5 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(seconds=20), "under a minute"),
        (timedelta(days=3), "3 days"),
    ],
)
def test_humanize_delta(delta: timedelta, text: str) -> None:
    assert humanize_delta(delta) == text


def test_humanize_until_future_past_and_never() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert humanize_until(now + timedelta(days=3), now=now) == "in 3 days"
    assert humanize_until(now - timedelta(hours=2), now=now) == "2 hours ago"
    assert humanize_until(None, now=now) == "never"


def test_humanize_until_takes_naive_as_utc() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert humanize_until(datetime(2026, 1, 2), now=now) == "in 1 day"
