"""Small HTML/SVG bar charts of tokens: by expiry horizon and by user. No plotting dependency.

Pure: imports neither IPython, ipywidgets, requests nor os.environ. An admin looking at 600 tokens would
rather see two bar charts than read the rows; these render in any notebook front end, and in a saved
notebook, because they are plain inline SVG.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from html import escape
from typing import Protocol

__all__ = ["HORIZONS", "bar_chart_svg", "by_user", "expiry_horizons", "token_charts_html"]

# (label, bar colour) in display order; a token falls in the first horizon its expiry is under.
HORIZONS: tuple[tuple[str, str], ...] = (
    ("expired", "#c62828"),
    ("< 7 days", "#ef6c00"),
    ("< 30 days", "#f9a825"),
    ("< 90 days", "#2e7d32"),
    ("longer", "#1565c0"),
    ("never", "#6a1b9a"),
)
_USER_COLOUR = "#546e7a"
_BOUNDS = ((7, "< 7 days"), (30, "< 30 days"), (90, "< 90 days"))


class _Expiring(Protocol):
    @property
    def expires(self) -> datetime | None: ...


class _Owned(Protocol):
    @property
    def created_by(self) -> str | None: ...


def _horizon(expires: datetime | None, now: datetime) -> str:
    if expires is None:
        return "never"
    left = expires - now
    if left <= timedelta(0):
        return "expired"
    for days, label in _BOUNDS:
        if left < timedelta(days=days):
            return label
    return "longer"


def expiry_horizons(infos: Iterable[_Expiring], now: datetime | None = None) -> dict[str, int]:
    """Count tokens per expiry horizon, in the fixed order of `HORIZONS` (zeros included)."""
    now = now or datetime.now(timezone.utc)
    counts = Counter(_horizon(info.expires, now) for info in infos)
    return {label: counts.get(label, 0) for label, _ in HORIZONS}


def by_user(infos: Iterable[_Owned], top: int = 8) -> dict[str, int]:
    """Tokens per creator, largest first; users past `top` are summed into "N others"."""
    counts = Counter(info.created_by or "(unknown)" for info in infos)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    head, tail = ranked[:top], ranked[top:]
    result = dict(head)
    if tail:
        result[f"{len(tail)} other users"] = sum(n for _, n in tail)
    return result


def bar_chart_svg(
    title: str, rows: Sequence[tuple[str, int, str]], *, width: int = 340, label_width: int = 120
) -> str:
    """A horizontal bar chart as inline SVG. `rows` are (label, value, colour)."""
    bar_height, gap, top = 16, 6, 26
    height = top + len(rows) * (bar_height + gap) + 4
    biggest = max((value for _, value, _ in rows), default=0) or 1
    track = width - label_width - 44
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'style="font-family:inherit;font-size:12px">',
        f'<text x="0" y="14" font-weight="600" fill="#333">{escape(title)}</text>',
    ]
    for index, (label, value, colour) in enumerate(rows):
        y = top + index * (bar_height + gap)
        bar = round(track * value / biggest) if value else 0
        fits = label_width // 7  # characters of 12px text that fit left of the bars
        short = label if len(label) <= fits else label[: fits - 1] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end" fill="#555">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
            f'<rect x="{label_width}" y="{y}" width="{track}" height="{bar_height}" rx="3" fill="#f1f3f4"/>'
            f'<rect x="{label_width}" y="{y}" width="{bar}" height="{bar_height}" rx="3" fill="{colour}"/>'
            f'<text x="{label_width + bar + 6}" y="{y + 12}" fill="#333">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


class _Info(_Expiring, _Owned, Protocol):
    pass


def token_charts_html(infos: Sequence[_Info], now: datetime | None = None) -> str:
    """Both charts side by side, wrapped in one `<div>` (for an ipywidgets HTML value or a notebook)."""
    horizons = expiry_horizons(infos, now)
    colours = dict(HORIZONS)
    expiry_rows = [(label, count, colours[label]) for label, count in horizons.items()]
    user_rows = [(user, count, _USER_COLOUR) for user, count in by_user(infos).items()]
    if not user_rows:
        user_rows = [("(no tokens)", 0, _USER_COLOUR)]
    return (
        '<div class="nt-charts" style="display:flex;flex-wrap:wrap;gap:24px;padding:4px 0">'
        f"{bar_chart_svg(f'{len(infos)} tokens by expiry', expiry_rows)}"
        f"{bar_chart_svg('Tokens by user', user_rows, label_width=150)}"
        "</div>"
    )
