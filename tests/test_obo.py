"""`%dbtoken generate --on-behalf-of`: an admin's on-behalf-of token for a service principal goes straight
into a store, never shown, and a create whose answer was lost leaves no token behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.utils.capture import capture_output
from tokensupport import session_for

from notebook_tokens.core.errors import InputError, TokenLifecycleError, TokensDisabledError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores.specs import parse_store
from notebook_tokens.lifecycle.obo import generate_obo
from notebook_tokens.lifecycle.tokens import TokenManager
from notebook_tokens.testing.sp_secrets_api import add_service_principal

OBO = "/api/2.0/token-management/on-behalf-of/tokens"
ME = "/api/2.0/preview/scim/v2/Me"


def admin(emulator: Any) -> TokenManager:
    return TokenManager(session_for(emulator.url, Token(emulator.workspace.admin_token)))


def sp_tokens(emulator: Any, app_id: str) -> list[Any]:
    return [t for t in emulator.workspace.tokens.values() if t.owner == app_id]


def test_obo_token_is_stored_and_answers_as_the_service_principal(emulator: Any, tmp_path: Path) -> None:
    app_id = add_service_principal(emulator.workspace, "nightly")
    store = parse_store(f"netrc:{tmp_path / 'netrc'}")
    made = generate_obo(admin(emulator), app_id, store=store, comment="nightly job", lifetime="7d")
    stored = store.read(emulator.url)
    assert stored == made.token and made.token.reveal() not in str(made)
    me = session_for(emulator.url, stored).api("GET", ME)
    assert me["userName"] == app_id
    [token] = sp_tokens(emulator, app_id)
    assert "nightly job [nt:" in token.comment


def test_lost_obo_answer_revokes_the_token_it_made(emulator: Any, tmp_path: Path) -> None:
    app_id = add_service_principal(emulator.workspace, "nightly")
    store = parse_store(f"netrc:{tmp_path / 'netrc'}")
    emulator.workspace.faults.lose_response(path=OBO)
    with pytest.raises(TokenLifecycleError, match="was revoked"):
        generate_obo(admin(emulator), app_id, store=store)
    assert sp_tokens(emulator, app_id) == []
    assert store.read(emulator.url) is None


def test_obo_is_refused_before_any_call_when_pats_are_disabled(emulator: Any, tmp_path: Path) -> None:
    app_id = add_service_principal(emulator.workspace, "nightly")
    manager = admin(emulator)
    manager.session.api("PATCH", "/api/2.0/workspace-conf", json={"enableTokensConfig": "false"})
    with pytest.raises(TokensDisabledError):
        generate_obo(manager, app_id, store=parse_store(f"netrc:{tmp_path / 'netrc'}"))
    assert not any(r.path == OBO for r in emulator.workspace.requests)


def test_magic_generate_on_behalf_of_never_shows_the_value(emulator: Any, tmp_path: Path, ip: Any) -> None:
    app_id = add_service_principal(emulator.workspace, "nightly")
    netrc = tmp_path / "netrc"
    with capture_output() as captured:
        ip.run_line_magic("dbtoken", f"generate --on-behalf-of {app_id} --store netrc:{netrc} --lifetime 1d")
    shown = captured.stdout + "".join(str(o.data) for o in captured.outputs)
    stored = parse_store(f"netrc:{netrc}").read(emulator.url)
    assert stored is not None and len(sp_tokens(emulator, app_id)) == 1
    assert f"on behalf of {app_id}" in shown and stored.reveal() not in shown
    with pytest.raises(UsageError, match=r"does not exist"):
        ip.run_line_magic("dbtoken", f"generate --on-behalf-of nobody --store netrc:{netrc}")
    with pytest.raises(InputError):
        generate_obo(admin(emulator), " ", store=f"netrc:{netrc}")
