"""`%dbtoken login/logout/sp` and `%dbrest --store m2m:…` in a real IPython shell against the emulator, with
personal access tokens disabled: the test plays the browser against the emulator's sign-in page."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
import requests
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from oauthsupport import disable_pats
from tokensupport import MemoryKeyring
from traitlets.config import Config

from notebook_tokens.credentials.oauthcreds import LOGIN_KEYRING_SERVICE
from notebook_tokens.notebook.tokens.magic import DbTokenMagics
from notebook_tokens.testing.sp_secrets_api import add_service_principal

ME = "/api/2.0/preview/scim/v2/Me"


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.users: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden":
            self.fields[found["name"] or ""] = found.get("value") or ""
        if tag == "button" and found.get("name") == "user":
            self.users.append(found.get("value") or "")


def play_browser(link: str, user: str) -> str:
    """Open the sign-in page, pick `user`, and return the address the redirect lands on (not followed)."""
    page = requests.get(link, timeout=10)
    form = _Form()
    form.feed(page.text)
    assert user in form.users
    answer = requests.post(
        link.split("?")[0], data={**form.fields, "user": user}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302
    return answer.headers["Location"]


@pytest.fixture
def ip(emulator: Any, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring) -> Iterator[Any]:
    """A shell on the emulator with DATABRICKS_HOST only (no token anywhere), PATs disabled."""
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    disable_pats(emulator.workspace)
    created = not InteractiveShell.initialized()
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    shell = InteractiveShell.instance(config=config)
    shell.run_line_magic("load_ext", "notebook_tokens")
    yield shell
    shell.run_line_magic("unload_ext", "notebook_tokens")
    if created:
        InteractiveShell.clear_instance()


def run(ip: Any, magic: str, line: str) -> str:
    with capture_output() as captured:
        result = ip.run_line_magic(magic, line)
    texts = [captured.stdout] + [str(o.data.get("text/plain", "")) for o in captured.outputs]
    return "\n".join(texts) + ("" if result is None else repr(result))


def login(ip: Any, user: str = "admin@example.com", extra: str = "") -> str:
    magics = ip.magics_manager.registry["DbTokenMagics"]
    assert isinstance(magics, DbTokenMagics)

    def ask(question: str) -> str:
        shown = " ".join(str(o.get("text/plain", "")) for o in _captured(ip))
        links = re.findall(r"https?://\S+/oidc/v1/authorize\?\S+", shown)
        assert links, "the sign-in link is shown before the address is asked for"
        return play_browser(links[-1], user)

    magics.ask = ask
    try:
        return run(ip, "dbtoken", f"login --no-listen {extra}")
    finally:
        magics.ask = input


def _captured(ip: Any) -> list[dict[str, Any]]:
    """What capture_output's display publisher holds so far (it stands in for the notebook's output)."""
    return [dict(output.get("data", {})) for output in getattr(ip.display_pub, "outputs", [])]


def test_login_by_pasting_the_address_then_calls_answer_as_the_user(
    ip: Any, emulator: Any, memory_keyring: MemoryKeyring
) -> None:
    shown = login(ip)
    assert "Signed in" in shown
    assert "admin@example.com" in run(ip, "dbtoken", "whoami")
    assert (LOGIN_KEYRING_SERVICE, emulator.url) in memory_keyring.passwords
    refresh = memory_keyring.passwords[(LOGIN_KEYRING_SERVICE, emulator.url)]
    assert refresh not in shown


def test_access_token_is_refreshed_after_expiry_and_the_new_refresh_token_kept(
    ip: Any, emulator: Any, memory_keyring: MemoryKeyring
) -> None:
    emulator.workspace.oauth_ttl = 1
    login(ip)
    first_refresh = memory_keyring.passwords[(LOGIN_KEYRING_SERVICE, emulator.url)]
    time.sleep(1.2)
    assert "admin@example.com" in run(ip, "dbtoken", "whoami")
    grants = [r for r in emulator.workspace.requests if r.path == "/oidc/v1/token"]
    assert any(b"grant_type=refresh_token" in r.body for r in grants)
    assert memory_keyring.passwords[(LOGIN_KEYRING_SERVICE, emulator.url)] != first_refresh


def test_logout_revokes_and_removes_the_refresh_token(
    ip: Any, emulator: Any, memory_keyring: MemoryKeyring
) -> None:
    login(ip)
    refresh = memory_keyring.passwords[(LOGIN_KEYRING_SERVICE, emulator.url)]
    shown = run(ip, "dbtoken", "logout")
    assert "revoked" in shown and (LOGIN_KEYRING_SERVICE, emulator.url) not in memory_keyring.passwords
    assert emulator.workspace.oauth.refresh == {} and refresh not in shown


def test_a_pasted_address_from_another_sign_in_is_refused(ip: Any, emulator: Any) -> None:
    magics = ip.magics_manager.registry["DbTokenMagics"]
    magics.ask = lambda question: "http://localhost:8020/?code=abc&state=not-this-one"
    try:
        with pytest.raises(Exception, match="state does not match"):
            ip.run_line_magic("dbtoken", "login --no-listen")
    finally:
        magics.ask = input


def test_sp_secret_into_a_secret_scope_then_dbrest_answers_as_the_principal(ip: Any, emulator: Any) -> None:
    """The acceptance path: PATs off, an admin signed in with OAuth stores a principal's secret in a scope;
    `%dbrest --store m2m:APP_ID@secret:ops/sp` then answers as that principal; nothing shows the secret."""
    login(ip)
    app_id = add_service_principal(emulator.workspace, "ops-bot")
    created = run(ip, "dbtoken", f"sp secret create {app_id} --store secret:ops/sp")
    assert "never shown" in created
    secret = emulator.workspace.secret_value("ops", "sp")
    assert secret is not None and secret.decode() not in created
    answer = run(ip, "dbrest", f"--store m2m:{app_id}@secret:ops/sp GET {ME}")
    with capture_output():
        result = ip.run_line_magic("dbrest", f"--store m2m:{app_id}@secret:ops/sp GET {ME}")
    assert result.data["userName"] == app_id
    listing = run(ip, "dbtoken", "sp list")
    assert app_id in listing and "ACTIVE" in listing and secret.decode() not in listing
    status = run(ip, "dbtoken", f"use m2m:{app_id}@secret:ops/sp") + run(ip, "dbtoken", "")
    assert "service principal" in status and "refreshes automatically" in status
    outputs = created + answer + listing + status
    access = [r.header("authorization") or "" for r in emulator.workspace.requests]
    for value in {a.split(" ", 1)[-1] for a in access if a.startswith("Bearer eyJ")}:
        assert value not in outputs
    assert secret.decode() not in outputs


def test_sp_secret_rotate_with_pats_disabled_keeps_m2m_working(ip: Any, emulator: Any) -> None:
    """`%dbtoken sp secret rotate`: the new secret replaces the old in the scope, m2m keeps answering, the old
    secret is deleted, and neither value is shown."""
    login(ip)
    app_id = add_service_principal(emulator.workspace, "ops-bot")
    run(ip, "dbtoken", f"sp secret create {app_id} --store secret:ops/sp")
    old = emulator.workspace.secret_value("ops", "sp")
    shown = run(ip, "dbtoken", f"sp secret rotate {app_id} --store secret:ops/sp")
    new = emulator.workspace.secret_value("ops", "sp")
    assert new is not None and old is not None and new != old
    assert "deleted" in shown and new.decode() not in shown and old.decode() not in shown
    assert len(emulator.workspace.oauth.sp_secrets[app_id]) == 1
    with capture_output():
        result = ip.run_line_magic("dbrest", f"--store m2m:{app_id}@secret:ops/sp GET {ME}")
    assert result.data["userName"] == app_id


def test_no_oauth_value_in_outputs_history_or_logs(
    ip: Any, emulator: Any, memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture, tmp_path: Any
) -> None:
    """The acceptance scan beyond outputs: after login, sp secret create/rotate and m2m calls, no client
    secret, access token or refresh token is in the outputs, IPython's history database or the logs."""
    from notebook_runner import OAUTH_RE, oauth_form_values, scan

    caplog.set_level(logging.DEBUG)
    shown = login(ip)
    app_id = add_service_principal(emulator.workspace, "ops-bot")
    for line in (f"sp secret create {app_id} --store secret:ops/sp", f"sp secret rotate {app_id} --store "
                 "secret:ops/sp", "sp list", f"use m2m:{app_id}@secret:ops/sp", "", "whoami"):
        ip.history_manager.store_inputs(len(shown), f"%dbtoken {line}")
        shown += run(ip, "dbtoken", line)
    shown += run(ip, "dbrest", f"GET {ME}")
    ip.history_manager.writeout_cache()
    requests_made = list(emulator.workspace.requests)
    values = {(r.header("authorization") or "").split(" ", 1)[-1] for r in requests_made}
    oidc = [r for r in requests_made if r.path.startswith("/oidc/")]
    values |= {v for r in oidc for v in oauth_form_values(r.body or b"")}
    values |= set(memory_keyring.passwords.values())
    values |= {(emulator.workspace.secret_value("ops", "sp") or b"").decode()}
    assert any(v.startswith("eyJ") for v in values) and any(v.startswith("dose") for v in values)
    dumps = {
        "outputs": shown,
        "history": "\n".join(ip.history_manager.db.iterdump()),
        "logs": caplog.text,
    }
    for name, text in dumps.items():
        (tmp_path / name).write_text(text)
    assert scan([tmp_path / name for name in dumps], sorted(v for v in values if len(v) >= 8)) == []
    assert not OAUTH_RE.search(caplog.text.encode())
