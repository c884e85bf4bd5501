"""tokenviews: the Access Tokens table, the status card and bulk-revoke results (pure, no socket)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from notebook_tokens.lifecycle.tokens import TokenInfo
from notebook_tokens.notebook.cardviews import (
    StatusCard,
    revoke_results_html,
    revoke_results_text,
    status_card_html,
    status_card_text,
)
from notebook_tokens.notebook.tokenviews import short_id, token_table_html, token_table_text

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)


def info(n: int, **overrides: object) -> TokenInfo:
    fields: dict[str, object] = {
        "token_id": f"{n:02d}" + "a" * 62,
        "comment": f"token {n}",
        "created": NOW - timedelta(days=10 - n),
        "expires": NOW + timedelta(days=30),
        "status": "active",
        "in_use": False,
    }
    fields.update(overrides)
    return TokenInfo(**fields)  # type: ignore[arg-type]


def test_short_id_truncates_long_ids() -> None:
    assert short_id("0123456789abcdef" * 4) == "0123456789ab…"
    assert short_id("abc") == "abc"


def test_table_has_the_ui_columns() -> None:
    html = token_table_html([info(1)])
    for name in ("Token ID", "Comment", "Creation", "Expiration", "Status"):
        assert f"<th>{name}</th>" in html


def test_table_rows_are_creation_ascending() -> None:
    html = token_table_html([info(3), info(1), info(2)])
    assert html.index("token 1") < html.index("token 2") < html.index("token 3")


def test_token_id_is_truncated_with_the_full_id_on_hover() -> None:
    token = info(1)
    html = token_table_html([token])
    assert f'title="{token.token_id}"' in html
    assert f">{short_id(token.token_id)}<" in html


def test_no_expiry_shows_never() -> None:
    assert "<td>Never</td>" in token_table_html([info(1, expires=None)])


def test_status_badge_is_shown() -> None:
    html = token_table_html([info(1, status="expired")])
    assert 'class="nt-badge"' in html and ">expired</span>" in html


def test_token_in_use_is_marked() -> None:
    html = token_table_html([info(1), info(2, in_use=True)])
    assert html.count("in use</span>") == 1
    assert 'class="nt-in-use"' in html


def test_comment_is_escaped() -> None:
    html = token_table_html([info(1, comment='<script>alert("x")</script>')])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_selectable_adds_checkboxes_with_full_ids() -> None:
    token = info(1)
    html = token_table_html([token], selectable=True)
    assert f'<input type="checkbox" class="nt-select" value="{token.token_id}">' in html


def test_admin_columns_owner_and_last_used() -> None:
    html = token_table_html(
        [info(1, created_by="user@example.com", last_used=date(2026, 11, 1))],
        show_owner=True,
        show_last_used=True,
    )
    assert "<th>Owner</th>" in html and "user@example.com" in html
    assert "<th>Last used</th>" in html and "2026-11-01" in html


def test_empty_table_says_no_tokens() -> None:
    assert "No tokens." in token_table_html([])
    assert token_table_text([]) == "No tokens."


def test_text_table_marks_token_in_use_with_a_star() -> None:
    text = token_table_text([info(1), info(2, in_use=True, expires=None)])
    line = next(line for line in text.splitlines() if "token 2" in line)
    assert line.startswith("*") and "Never" in line
    assert "* = the token this notebook uses" in text


def test_status_card_shows_workspace_user_source_mask_and_expiry() -> None:
    card = StatusCard(
        host="https://adb-1.azuredatabricks.net", user="me@example.com", source="keyring service databricks",
        masked="dapi…c3f2", expires=NOW + timedelta(days=3), expiry_known=True, status="expiring",
    )
    html = status_card_html(card, now=NOW)
    for text in ("adb-1.azuredatabricks.net", "me@example.com", "keyring service databricks", "dapi…c3f2",
                 "in 3 days", ">expiring</span>"):
        assert text in html
    assert "in 3 days" in status_card_text(card, now=NOW)


def test_status_card_never_and_unknown_expiry() -> None:
    base = {"host": "h", "user": "u", "source": "s", "masked": "dapi…0000"}
    assert "Never" in status_card_text(StatusCard(**base, expiry_known=True), now=NOW)  # type: ignore[arg-type]
    assert "unknown" in status_card_text(StatusCard(**base), now=NOW)  # type: ignore[arg-type]


def test_status_card_escapes_values() -> None:
    card = StatusCard(host="h", user="<b>x</b>", source="s", masked=None)
    html = status_card_html(card)
    assert "<b>x</b>" not in html and "not a personal access token" in html


@dataclass
class Result:
    token_id: str
    ok: bool
    message: str


def test_revoke_results_list_failures_first_with_summary() -> None:
    results = [Result("a" * 64, True, "revoked"), Result("b" * 64, False, "429 TOO_MANY_REQUESTS: slow down")]
    html = revoke_results_html(results)
    assert "1 of 2 revoked, 1 failed" in html
    assert html.index("bbbb") < html.index("aaaa")
    text = revoke_results_text(results)
    assert text.splitlines()[0] == "1 of 2 revoked, 1 failed"
    assert "FAILED" in text


def test_markers_are_hidden_from_comments() -> None:
    rotated = info(2, comment="[nt:rot:abcdef:12345678:0a1b]")
    html = token_table_html([info(1, comment="nightly [nt:1a2b3c4d]"), rotated])
    assert "[nt:" not in html and "nightly" in html
    assert "[nt:" not in token_table_text([info(1, comment="nightly [nt:1a2b3c4d]")])
