"""TokenManager against the emulator: list, generate into each store, revoke, and the clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tokensupport import MemoryKeyring, make_workspace, session_for

from notebook_tokens.core.errors import (
    ApiError,
    InputError,
    LifetimeTooLongError,
    StoreError,
    TokenLifecycleError,
    TokensDisabledError,
)
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores.specs import parse_store
from notebook_tokens.http.workspace import WorkspaceSession
from notebook_tokens.lifecycle.conf import workspace_conf
from notebook_tokens.lifecycle.tokens import TokenManager


@pytest.fixture(params=["sha256-ids", "opaque-ids"])
def workspace(request: pytest.FixtureRequest) -> Any:
    """Every test here runs twice: token ids as the SDK documents them (SHA-256 of the value), and opaque."""
    return make_workspace("opaque" if request.param == "opaque-ids" else "sha256")



@pytest.fixture
def user_session(emulator: Any) -> Iterator[WorkspaceSession]:
    """A session as user@example.com (not an admin)."""
    session = session_for(emulator.url, emulator.workspace.user_token)
    yield session
    session.close()


@pytest.fixture
def manager(user_session: WorkspaceSession) -> TokenManager:
    return TokenManager(user_session)


def test_list_marks_the_token_in_use(manager: TokenManager, emulator: Any) -> None:
    """With SHA-256 ids the seeded token is marked; with opaque ids it cannot be told apart (there is no
    "which token am I" API), so nothing is marked rather than a wrong one, and the list says so."""
    infos = manager.list()
    if emulator.workspace.opaque_token_ids:
        assert [info.in_use for info in infos] == [False] and not manager.in_use_known
        return
    assert [info.in_use for info in infos] == [True] and manager.in_use_known
    assert infos[0].token_id == Token(emulator.workspace.user_token).token_id


def test_a_token_made_here_is_marked_in_use_in_both_id_modes(emulator: Any) -> None:
    """The id token/create answered identifies the token, whatever the id scheme."""
    with session_for(emulator.url, emulator.workspace.user_token) as bootstrap:
        value, info = TokenManager(bootstrap).create("made here", timedelta(days=1))
    with session_for(emulator.url, value) as session:
        marked = [i.token_id for i in TokenManager(session).list() if i.in_use]
    assert marked == [info.token_id]


def test_list_is_creation_ascending(manager: TokenManager, emulator: Any) -> None:
    ws = emulator.workspace
    now = ws.now_ms()
    ws.issue_token(ws.user_user_name, comment="newest", creation_time_ms=now + 5000)
    ws.issue_token(ws.user_user_name, comment="oldest", creation_time_ms=now - 10**9)
    comments = [info.comment for info in manager.list()]
    assert comments[0] == "oldest" and comments[-1] == "newest"


def test_list_shows_expired_expiring_and_never(manager: TokenManager, emulator: Any) -> None:
    ws = emulator.workspace
    now = ws.now_ms()
    ws.issue_token(ws.user_user_name, comment="expired", expiry_time_ms=now - 1000)
    ws.issue_token(ws.user_user_name, comment="soon", expiry_time_ms=now + 2 * 86_400_000)
    ws.issue_token(ws.user_user_name, comment="later", lifetime_seconds=90 * 86400)
    status = {info.comment: (info.status, info.expires) for info in manager.list()}
    assert status["expired"][0] == "expired"
    assert status["soon"][0] == "expiring"
    assert status["later"][0] == "active"
    assert [s for s in status.values() if s[1] is None]  # the seeded token never expires


def test_generate_returns_only_a_masked_token(manager: TokenManager, tmp_path: Path) -> None:
    made = manager.generate("ci job", "12h", store=f"netrc:{tmp_path / 'netrc'}")
    assert "…" in repr(made.token) and made.token.reveal() not in repr(made)
    assert made.info.comment.startswith("ci job [nt:")
    assert made.info.expires is not None
    assert timedelta(hours=11) < made.info.expires - made.info.created <= timedelta(hours=12)
    assert made.stored_in == f"netrc {tmp_path / 'netrc'}"


def _store_round_trip(manager: TokenManager, emulator: Any, spec: str) -> None:
    """generate -> stored -> a request with that store's token works -> revoke -> clear 403."""
    made = manager.generate("round trip", "1d", store=spec)
    store = parse_store(spec, api=manager.session)
    stored = store.read(manager.session.host)
    assert stored == made.token
    with session_for(emulator.url, stored, store=store, source=store.description) as fresh:
        assert fresh.api("GET", "/api/2.0/clusters/list")["clusters"]
        manager.revoke(made.info.token_id)
        with pytest.raises(ApiError) as caught:
            fresh.api("GET", "/api/2.0/clusters/list")
    assert caught.value.status == 403
    assert "Invalid access token" in str(caught.value)
    assert f"The token from {store.description} is expired, revoked or mistyped" in str(caught.value)
    assert stored.reveal() not in str(caught.value)


def test_store_round_trip_netrc(manager: TokenManager, emulator: Any, tmp_path: Path) -> None:
    _store_round_trip(manager, emulator, f"netrc:{tmp_path / 'netrc'}")
    assert "login token password dapi" in (tmp_path / "netrc").read_text()


def test_store_round_trip_keyring(
    manager: TokenManager, emulator: Any, memory_keyring: MemoryKeyring
) -> None:
    _store_round_trip(manager, emulator, "keyring:nt-test")
    assert ("nt-test", manager.session.host) in memory_keyring.passwords


def test_store_round_trip_secret_scope(manager: TokenManager, emulator: Any) -> None:
    _store_round_trip(manager, emulator, "secret:ops/pat")
    assert emulator.workspace.secret_value("ops", "pat") is not None


def test_store_failure_revokes_the_new_token(
    manager: TokenManager, emulator: Any, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.fail_writes = 1
    before = set(emulator.workspace.token_ids())
    with pytest.raises(StoreError, match=r"could not store the token in keyring service nt-test.*revoked"):
        manager.generate("x", "1d", store="keyring:nt-test")
    assert set(emulator.workspace.token_ids()) == before


def test_lost_create_answer_leaves_no_orphan(manager: TokenManager, emulator: Any, tmp_path: Path) -> None:
    ws = emulator.workspace
    before = set(ws.token_ids())
    ws.faults.lose_response(times=1, path="/api/2.0/token/create")
    with pytest.raises(TokenLifecycleError, match=r"got no answer.*was revoked.*run it again"):
        manager.generate("lost", "1d", store=f"netrc:{tmp_path / 'netrc'}")
    assert set(ws.token_ids()) == before
    creates = [r for r in ws.requests if r.path == "/api/2.0/token/create"]
    assert len(creates) == 1  # a POST that may have arrived is never sent twice


def test_lifetime_beyond_the_workspace_maximum_is_refused_before_calling(
    manager: TokenManager, emulator: Any, tmp_path: Path
) -> None:
    ws = emulator.workspace
    ws.conf["maxTokenLifetimeDays"] = "30"
    ws.clear_requests()
    with pytest.raises(LifetimeTooLongError, match=r"at most 30 days.*--lifetime 30d or less"):
        manager.generate("long", "90d", store=f"netrc:{tmp_path / 'netrc'}")
    assert not [r for r in ws.requests if r.path == "/api/2.0/token/create"]


def test_never_is_refused_when_the_workspace_has_a_maximum(manager: TokenManager, emulator: Any) -> None:
    emulator.workspace.conf["maxTokenLifetimeDays"] = "30"
    with pytest.raises(LifetimeTooLongError, match="no expiry was asked"):
        manager.generate("forever", "never", store="netrc")


def test_tokens_disabled_says_an_administrator_must_enable_it(manager: TokenManager, emulator: Any) -> None:
    emulator.workspace.conf["enableTokensConfig"] = "false"
    with pytest.raises(TokensDisabledError, match="an administrator must enable it"):
        manager.generate("x", "1d", store="netrc")


def test_quota_exceeded_is_explained(manager: TokenManager, emulator: Any, tmp_path: Path) -> None:
    emulator.workspace.token_quota = 1
    with pytest.raises(TokenLifecycleError, match=r"token quota reached.*revoke unused ones"):
        manager.generate("one too many", "1d", store=f"netrc:{tmp_path / 'netrc'}")


def test_read_only_store_is_refused(manager: TokenManager) -> None:
    with pytest.raises(InputError, match="cannot be written"):
        manager.generate("x", "1d", store="env")


def test_revoke_of_an_unknown_id_is_a_clear_error(manager: TokenManager) -> None:
    with pytest.raises(InputError, match=r"no token with id 0{64} among your tokens.*%dbtoken list"):
        manager.revoke("0" * 64)


def test_revoke_twice_with_missing_ok_counts_as_done(manager: TokenManager, emulator: Any) -> None:
    ws = emulator.workspace
    _, token_id = ws.issue_token(ws.user_user_name, comment="spare")
    manager.revoke(token_id)
    manager.revoke(token_id, missing_ok=True)
    assert token_id not in ws.token_ids()


def test_me_and_is_admin(manager: TokenManager, emulator: Any) -> None:
    assert manager.me()["userName"] == "user@example.com"
    assert manager.is_admin() is False
    with session_for(emulator.url, emulator.workspace.admin_token) as admin:
        assert TokenManager(admin).is_admin() is True


def test_workspace_conf_reads_both_settings(manager: TokenManager, emulator: Any) -> None:
    emulator.workspace.conf["maxTokenLifetimeDays"] = "45"
    conf = workspace_conf(manager.session)
    assert conf.tokens_enabled is True and conf.max_lifetime_days == 45
    emulator.workspace.conf["maxTokenLifetimeDays"] = "0"
    assert workspace_conf(manager.session).max_lifetime_days is None


def test_create_answered_with_a_5xx_leaves_no_orphan(manager: TokenManager, emulator: Any) -> None:
    """A 5xx after the token was made (a gateway error) must not leave it behind: found by its marker."""
    ws = emulator.workspace
    before = set(ws.token_ids())
    _, token_id = ws.issue_token(ws.user_user_name, comment="made but unanswered [nt:feedbeef]")
    ws.faults.fail(status=502, times=1, path="/api/2.0/token/create")
    with pytest.raises(ApiError):
        manager.create("x", None, marker="[nt:feedbeef]")
    assert token_id not in ws.token_ids() and set(ws.token_ids()) == before
