"""The pure HTML/SVG charts of tokens by expiry horizon and by user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from notebook_tokens.notebook.panel.charts import (
    HORIZONS,
    bar_chart_svg,
    by_user,
    expiry_horizons,
    token_charts_html,
)

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Info:
    expires: datetime | None
    created_by: str | None = "a@example.com"


def days(n: float) -> datetime:
    return NOW + timedelta(days=n)


def test_each_token_falls_in_the_first_horizon_its_expiry_is_under() -> None:
    infos = [
        Info(days(-1)),
        Info(days(0)),
        Info(days(6.9)),
        Info(days(7)),
        Info(days(29)),
        Info(days(89)),
        Info(days(90)),
        Info(days(400)),
        Info(None),
    ]
    assert expiry_horizons(infos, NOW) == {
        "expired": 2,
        "< 7 days": 1,
        "< 30 days": 2,
        "< 90 days": 1,
        "longer": 2,
        "never": 1,
    }


def test_horizons_are_in_fixed_order_with_zeros() -> None:
    assert list(expiry_horizons([], NOW)) == [label for label, _ in HORIZONS]
    assert set(expiry_horizons([], NOW).values()) == {0}


def test_by_user_ranks_users_and_folds_the_tail() -> None:
    infos = [Info(None, f"u{i}@x") for i in range(10) for _ in range(10 - i)] + [Info(None, None)]
    counts = by_user(infos, top=3)
    assert list(counts)[:3] == ["u0@x", "u1@x", "u2@x"]
    assert counts["8 other users"] == sum(10 - i for i in range(3, 10)) + 1
    assert sum(counts.values()) == len(infos)


def test_bar_chart_escapes_labels_and_scales_to_the_largest_value() -> None:
    svg = bar_chart_svg("T<1>", [("<b>", 10, "#000"), ("b", 5, "#111"), ("c", 0, "#222")])
    assert "&lt;b&gt;" in svg and "T&lt;1&gt;" in svg
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    widths = [part.split('"')[0] for part in svg.split('width="')[1:]]
    assert "0" in widths  # the zero bar is drawn with no width


def test_long_user_names_are_shortened_with_the_full_name_in_a_tooltip() -> None:
    name = "a-very-long-service-principal-name@example.com"
    svg = bar_chart_svg("Users", [(name, 3, "#000")])
    assert f"<title>{name}</title>" in svg
    assert "a-very-long-serv…" in svg


def test_token_charts_html_holds_both_charts_and_the_total() -> None:
    html = token_charts_html([Info(days(3)), Info(None, "b@example.com")], NOW)
    assert html.count("<svg") == 2
    assert "2 tokens by expiry" in html and "b@example.com" in html


def test_no_tokens_still_draws_both_charts() -> None:
    html = token_charts_html([], NOW)
    assert html.count("<svg") == 2 and "(no tokens)" in html
