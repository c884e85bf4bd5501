"""TokenInfo.from_api: the Token API's fields as typed values and a status (pure, no socket)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from notebook_tokens.lifecycle.tokeninfo import TokenInfo

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
NOW_MS = int(NOW.timestamp() * 1000)
DAY_MS = 86_400_000


def test_minus_one_expiry_means_never() -> None:
    info = TokenInfo.from_api({"token_id": "a", "creation_time": NOW_MS, "expiry_time": -1}, now=NOW)
    assert info.expires is None and info.status == "active"
    assert info.created == NOW


def test_past_expiry_is_expired() -> None:
    assert TokenInfo.from_api({"token_id": "a", "expiry_time": NOW_MS - 1}, now=NOW).status == "expired"


def test_expiring_within_the_warning_window() -> None:
    data = {"token_id": "a", "expiry_time": NOW_MS + 3 * DAY_MS}
    assert TokenInfo.from_api(data, now=NOW).status == "expiring"
    assert TokenInfo.from_api(data, now=NOW, expiring_days=2).status == "active"


def test_in_use_compares_ids() -> None:
    assert TokenInfo.from_api({"token_id": "abc"}, in_use_id="abc").in_use is True
    assert TokenInfo.from_api({"token_id": "abc"}, in_use_id="def").in_use is False
    assert TokenInfo.from_api({"token_id": ""}, in_use_id="").in_use is False


def test_token_management_fields() -> None:
    info = TokenInfo.from_api(
        {"token_id": "a", "created_by_username": "u@example.com", "owner_id": 42,
         "last_used_day": NOW_MS - NOW_MS % DAY_MS - DAY_MS},
        now=NOW,
    )
    assert info.created_by == "u@example.com" and info.owner_id == "42"
    assert info.last_used == date(2026, 11, 28)
    assert info.created + timedelta(0) == datetime.fromtimestamp(0, tz=timezone.utc)
