"""`%dbtoken` in a real IPython InteractiveShell against the emulator over loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from IPython.core.error import StdinNotImplementedError, UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from notebook_tokens.core.redact import Token
from notebook_tokens.notebook.tokens.magic import DbTokenMagics, looks_like_token


@pytest.fixture
def as_user(db_env: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """DATABRICKS_TOKEN is user@example.com's (not an admin)."""
    monkeypatch.setenv("DATABRICKS_TOKEN", db_env.workspace.user_token)
    return db_env


def magics(ip: InteractiveShell) -> DbTokenMagics:
    found = ip.magics_manager.registry["DbTokenMagics"]
    assert isinstance(found, DbTokenMagics)
    return found


def dbtoken(ip: InteractiveShell, line: str = "") -> tuple[str, str]:
    """Run `%dbtoken line`; (all text/plain shown, all text/html shown)."""
    with capture_output() as captured:
        ip.run_line_magic("dbtoken", line)
    texts = [captured.stdout] + [o.data.get("text/plain", "") for o in captured.outputs]
    htmls = [o.data.get("text/html", "") for o in captured.outputs]
    return "\n".join(texts), "\n".join(htmls)


def test_bare_shows_the_status_card(ip: InteractiveShell, db_env: Any) -> None:
    text, html = dbtoken(ip)
    token = Token(db_env.workspace.admin_token)
    for part in ("admin@example.com (admin)", db_env.url, "env DATABRICKS_TOKEN", token.masked, "Never"):
        assert part in text
    assert 'class="nt-card"' in html
    assert token.reveal() not in text + html


def test_status_is_the_bare_card_by_name(ip: InteractiveShell, db_env: Any) -> None:
    """`%dbtoken status` is accepted as a spelled-out form of the bare command."""
    assert dbtoken(ip, "status")[0] == dbtoken(ip)[0]


def test_whoami(ip: InteractiveShell, db_env: Any) -> None:
    text, _ = dbtoken(ip, "whoami")
    assert f"admin@example.com on {db_env.url} (token from env DATABRICKS_TOKEN)" in text


def test_list_marks_the_token_in_use(ip: InteractiveShell) -> None:
    text, html = dbtoken(ip, "list")
    assert any(line.startswith("*") for line in text.splitlines())
    assert "<th>Token ID</th>" in html and "in use</span>" in html


def test_list_all_users_shows_owners(ip: InteractiveShell) -> None:
    text, html = dbtoken(ip, "list --all-users")
    assert "user@example.com" in text and "<th>Owner</th>" in html


def test_non_admin_list_all_users_says_admins_only(ip: InteractiveShell, as_user: Any) -> None:
    with pytest.raises(UsageError, match="admins only"):
        dbtoken(ip, "list --all-users")


def test_generate_into_netrc(ip: InteractiveShell, tmp_path: Path) -> None:
    path = tmp_path / "netrc"
    text, _ = dbtoken(ip, f"generate --comment 'nightly job' --lifetime 1d --store netrc:{path}")
    assert f"stored in netrc {path}" in text and "dapi…" in text and "expires in 1 day" in text
    assert "login token password dapi" in path.read_text()
    assert path.read_text().split()[-1] not in text


def test_generate_needs_a_store(ip: InteractiveShell) -> None:
    with pytest.raises(UsageError, match="--store"):
        dbtoken(ip, "generate --comment x")


def test_generate_beyond_the_maximum_names_the_limit(ip: InteractiveShell, db_env: Any) -> None:
    db_env.workspace.conf["maxTokenLifetimeDays"] = "30"
    with pytest.raises(UsageError, match=r"at most 30 days"):
        dbtoken(ip, "generate --lifetime 90d --store netrc")


def test_generate_with_tokens_disabled(ip: InteractiveShell, db_env: Any) -> None:
    db_env.workspace.conf["enableTokensConfig"] = "false"
    with pytest.raises(UsageError, match="an administrator must enable it"):
        dbtoken(ip, "generate --store netrc")


def test_quota_exceeded(ip: InteractiveShell, db_env: Any, tmp_path: Path) -> None:
    db_env.workspace.token_quota = 1
    with pytest.raises(UsageError, match="token quota reached"):
        dbtoken(ip, f"generate --store netrc:{tmp_path / 'n'}")


@pytest.mark.parametrize("line", ["use {t}", "generate --comment {t} --store netrc", "revoke {t}", "{t}"])
def test_a_token_literal_is_refused_without_echoing_it(ip: InteractiveShell, db_env: Any, line: str) -> None:
    value = db_env.workspace.user_token
    with pytest.raises(UsageError) as caught:
        dbtoken(ip, line.format(t=value))
    message = str(caught.value)
    assert "looks like a token" in message and "getpass" in message and "store" in message
    assert value not in message and value[4:20] not in message


def test_token_shapes() -> None:
    assert looks_like_token("dapi" + "0" * 32)
    assert looks_like_token("eyJhbGciOiJSUzI1.eyJzdWIiOiIxMjM0.sig")
    assert not looks_like_token("0123456789abcdef" * 4)  # a Token ID is fine


def test_revoke_asks_and_revokes_on_yes(ip: InteractiveShell, db_env: Any) -> None:
    ws = db_env.workspace
    _, token_id = ws.issue_token(ws.admin_user_name, comment="spare")
    asked: list[str] = []
    magics(ip).ask = lambda q: asked.append(q) or "y"
    text, _ = dbtoken(ip, f"revoke {token_id[:12]}")
    assert "spare" in asked[0] and "Revoked 1 token" in text
    assert token_id not in ws.token_ids()


def test_revoke_answer_no_keeps_the_token(ip: InteractiveShell, db_env: Any) -> None:
    ws = db_env.workspace
    _, token_id = ws.issue_token(ws.admin_user_name, comment="spare")
    magics(ip).ask = lambda q: "n"
    text, _ = dbtoken(ip, f"revoke {token_id}")
    assert "Nothing revoked" in text and token_id in ws.token_ids()


def test_revoke_question_shows_a_token_pasted_into_the_comment_redacted(
    ip: InteractiveShell, db_env: Any
) -> None:
    """The y/N prompt goes to the front end as an input request, which no output hook sees."""
    ws = db_env.workspace
    leaked = "dapi" + "cd" * 16
    _, token_id = ws.issue_token(ws.admin_user_name, comment=f"copy of {leaked}")
    asked: list[str] = []
    magics(ip).ask = lambda question: asked.append(question) or "n"
    dbtoken(ip, f"revoke {token_id}")
    assert asked and "copy of" in asked[0] and leaked not in asked[0]


def test_revoke_in_a_kernel_that_cannot_ask_says_pass_yes(ip: InteractiveShell, db_env: Any) -> None:
    """A kernel with allow_stdin=False raises StdinNotImplementedError from input(): stood in here."""
    ws = db_env.workspace
    _, token_id = ws.issue_token(ws.admin_user_name, comment="spare")

    def no_stdin(question: str) -> str:
        raise StdinNotImplementedError("raw_input was called, but this frontend does not support input")

    magics(ip).ask = no_stdin
    with pytest.raises(UsageError, match="pass --yes"):
        dbtoken(ip, f"revoke {token_id}")
    assert token_id in ws.token_ids()


def test_revoke_unknown_id(ip: InteractiveShell) -> None:
    with pytest.raises(UsageError, match="no token with id 0123 among your tokens"):
        dbtoken(ip, "revoke 0123 --yes")


def test_revoking_the_token_in_use_warns_then_calls_get_a_clear_403(
    ip: InteractiveShell, db_env: Any
) -> None:
    in_use = Token(db_env.workspace.admin_token).token_id
    text, _ = dbtoken(ip, f"revoke {in_use} --yes")
    assert "is the token this notebook uses" in text and "Revoked 1 token" in text
    with pytest.raises(UsageError, match=r"(?s)403.*Invalid access token.*expired, revoked or mistyped"):
        dbtoken(ip, "whoami")


def test_admin_bulk_revoke_of_expired_tokens_shows_progress_and_results(
    ip: InteractiveShell, db_env: Any
) -> None:
    ws = db_env.workspace
    now = ws.now_ms()
    ids = [ws.issue_token(ws.user_user_name, expiry_time_ms=now - 1000)[1] for _ in range(20)]
    ws.faults.fail(status=429, times=3, retry_after="0", path="/api/2.0/token-management/tokens/")
    text, html = dbtoken(ip, "revoke --all-users --expired --yes")
    assert "Revoking [" in text and "20/20" in text
    assert "<progress" in html
    assert "20 of 20 revoked" in text
    assert not set(ids) & set(ws.token_ids())


def test_admin_bulk_revoke_needs_a_filter(ip: InteractiveShell) -> None:
    with pytest.raises(UsageError, match="refusing to revoke every token of every user"):
        dbtoken(ip, "revoke --all-users --yes")


def test_non_admin_bulk_revoke_says_admins_only(ip: InteractiveShell, as_user: Any) -> None:
    with pytest.raises(UsageError, match="admins only"):
        dbtoken(ip, "revoke --all-users --expired --yes")


def test_rotate_into_netrc_then_the_notebook_uses_the_new_token(
    ip: InteractiveShell, db_env: Any, tmp_path: Path
) -> None:
    path = tmp_path / "netrc"
    text, _ = dbtoken(ip, f"rotate --store netrc:{path}")
    assert f"stored in netrc {path} and in use" in text
    assert not db_env.workspace.is_token_active(db_env.workspace.admin_token)
    who, _ = dbtoken(ip, "whoami")
    assert f"token from netrc {path}" in who


def test_use_switches_the_notebook_to_a_store(ip: InteractiveShell, db_env: Any, tmp_path: Path) -> None:
    path = tmp_path / "netrc"
    dbtoken(ip, f"generate --store netrc:{path}")
    text, _ = dbtoken(ip, f"use netrc:{path}")
    assert "Now using dapi…" in text and f"netrc {path}" in text
    who, _ = dbtoken(ip, "whoami")
    assert f"token from netrc {path}" in who


def test_netrc_writes_the_entry_for_curl(ip: InteractiveShell, db_env: Any, tmp_path: Path) -> None:
    path = tmp_path / "netrc"
    text, _ = dbtoken(ip, f"netrc {path}")
    content = path.read_text()
    entry = f"machine 127.0.0.1 login token password {db_env.workspace.admin_token}"
    assert entry in " ".join(content.split())
    assert "curl -n" in text and db_env.workspace.admin_token not in text


def test_redact_off_and_on(ip: InteractiveShell) -> None:
    from notebook_tokens.notebook.extension import get_context

    dbtoken(ip, "redact off")
    assert get_context(ip).config.redact is False
    dbtoken(ip, "redact on")
    assert get_context(ip).config.redact is True


def test_a_changed_expiry_warning_applies_to_the_next_command(ip: InteractiveShell) -> None:
    """`NotebookTokens.expiry_warning_days` changed after a first %dbtoken is not ignored."""
    from notebook_tokens.notebook.extension import get_context

    context = get_context(ip)
    assert context.manager().expiring_days == 7
    context.config.expiry_warning_days = 30  # what %config does (without leaving it in the shell's config)
    assert context.manager().expiring_days == 30


def test_conf_shows_the_settings_and_admins_change_them(ip: InteractiveShell, db_env: Any) -> None:
    text, _ = dbtoken(ip, "conf --max-days 30")
    assert "enabled" in text and "30 days" in text
    assert db_env.workspace.conf["maxTokenLifetimeDays"] == "30"


def test_non_admin_changing_conf_says_admins_only(ip: InteractiveShell, as_user: Any) -> None:
    with pytest.raises(UsageError, match="admins only"):
        dbtoken(ip, "conf --disable")


def test_unknown_subcommand_shows_usage(ip: InteractiveShell) -> None:
    with pytest.raises(UsageError, match=r"(?s)invalid choice.*usage: %dbtoken"):
        dbtoken(ip, "frobnicate")


def test_help_prints_and_does_not_fail(ip: InteractiveShell) -> None:
    text, _ = dbtoken(ip, "--help")
    assert "generate" in text and "rotate" in text


def test_panel_shows_the_widget(ip: InteractiveShell) -> None:
    with capture_output() as captured:
        ip.run_line_magic("dbtoken", "panel")
    assert any("application/vnd.jupyter.widget-view+json" in o.data for o in captured.outputs)


@pytest.mark.parametrize("kind", ["secret", "keyring", "netrc"])
def test_each_store_generate_then_dbrest_then_revoke_then_clear_403(
    ip: InteractiveShell, db_env: Any, tmp_path: Path, memory_keyring: Any, kind: str
) -> None:
    """generate -> stored -> %dbrest --store works with it -> revoke -> the next call shows the 403 hint."""
    specs = {"secret": "secret:ops/pat", "keyring": "keyring:nt-test", "netrc": f"netrc:{tmp_path / 'n'}"}
    spec = specs[kind]
    dbtoken(ip, f"generate --comment '{kind} store' --store {spec}")
    me = ip.run_line_magic("dbrest", f"GET /api/2.0/preview/scim/v2/Me --store {spec} -q")
    assert me.data["userName"] == "admin@example.com"
    tokens = db_env.workspace.tokens.values()
    new_id = next(t.token_id for t in tokens if t.comment.startswith(f"{kind} store"))
    dbtoken(ip, f"revoke {new_id} --yes")
    after = ip.run_line_magic("dbrest", f"GET /api/2.0/preview/scim/v2/Me --store {spec} -q")
    assert after.text().startswith("403 PERMISSION_DENIED: Invalid access token.\nThe token from")
