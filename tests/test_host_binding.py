"""The host-binding rule, as properties: every credential source crossed with every way of naming another
host. In each case the foreign server (a second loopback origin that records every request) receives no
credential, and the caller gets a notebook-tokens error that says what happened (never a raw exception).

Sources: an explicit store of each kind (keyring with an in-memory backend, netrc, a secret scope in the
emulator, env), env with and without DATABRICKS_HOST, a profile with and without a host, the notebook
context (a stand-in dbutils, because the Databricks runtime cannot run here), and the databricks-sdk
fallback (a profile with basic auth instead of a token). Ways of naming another host: `session(host=)`,
`%dbrest --host` in a real IPython shell, an absolute or scheme-relative URL or one with user info passed to
`db.get`, and redirects of every status, each with case, trailing-dot and same-address-other-port variants.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from standin_dbutils import StandInDbutils
from tokensupport import MemoryKeyring

from notebook_tokens.core.errors import ApiError, HostBindingError, NotebookTokensError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.credentials.stores.keyringstore import KeyringStore
from notebook_tokens.credentials.stores.netrcstore import NetrcStore
from notebook_tokens.http.workspace import WorkspaceSession, session
from notebook_tokens.testing.server import EmulatorServer, ForeignServer

PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Source:
    """A credential for the emulator's workspace, set up one way: `arrange` writes the files / variables,
    `kwargs` are what a call adds to pick it (a store, a profile, dbutils). An `unbound` credential has no
    workspace of its own: it goes only where a call that names it (`named`) says."""

    name: str
    arrange: Callable[[Any, Path, pytest.MonkeyPatch, Any], dict[str, Any]]
    unbound: bool = False
    named: tuple[tuple[str, str], ...] = ()  # what names an unbound credential together with a host


def _env(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    mp.setenv("DATABRICKS_HOST", emulator.url)
    mp.setenv("DATABRICKS_TOKEN", emulator.workspace.admin_token)
    return {}


def _env_store(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    return {**_env(emulator, home, mp, dbutils), "store": "env"}


def _env_unbound(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    mp.setenv("DATABRICKS_TOKEN", emulator.workspace.admin_token)
    return {}


def _env_unbound_profile_host(
    emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any
) -> dict[str, Any]:
    """DATABRICKS_TOKEN without a host, and a host from another source (a DEFAULT profile, no token)."""
    mp.setenv("DATABRICKS_TOKEN", emulator.workspace.admin_token)
    (home / "databrickscfg").write_text("[DEFAULT]\nhost = {foreign}\n")
    return {}


def _profile(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    (home / "databrickscfg").write_text(
        f"[work]\nhost = {emulator.url}\ntoken = {emulator.workspace.admin_token}\n"
    )
    return {"profile": "work"}


def _profile_spec(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    _profile(emulator, home, mp, dbutils)
    return {"store": "profile:work"}


def _default_profile(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    (home / "databrickscfg").write_text(
        f"[DEFAULT]\nhost = {emulator.url}\ntoken = {emulator.workspace.admin_token}\n"
    )
    return {}


def _default_profile_unbound(
    emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any
) -> dict[str, Any]:
    (home / "databrickscfg").write_text(f"[DEFAULT]\ntoken = {emulator.workspace.admin_token}\n")
    return {}


def _sdk_profile(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    """No token: basic auth, which only databricks-sdk turns into a header (OAuth and Azure alike)."""
    token = emulator.workspace.admin_token
    (home / "databrickscfg").write_text(
        f"[sso]\nhost = {emulator.url}\nusername = token\npassword = {token}\n"
    )
    return {"profile": "sso"}


def _sdk_default(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    token = emulator.workspace.admin_token
    (home / "databrickscfg").write_text(
        f"[DEFAULT]\nhost = {emulator.url}\nusername = token\npassword = {token}\n"
    )
    return {}


def _keyring(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    KeyringStore().write(emulator.url, Token(emulator.workspace.admin_token))
    return {}


def _keyring_store(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    return {**_keyring(emulator, home, mp, dbutils), "store": "keyring"}


def _netrc_store(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    """The entry as the extension writes it (`%dbtoken generate --store netrc:…`, `%dbtoken netrc`): with
    the workspace origin as its account. A hand-written entry names a host only (README: not guaranteed)."""
    path = home / "netrc"
    NetrcStore(path).write(emulator.url, Token(emulator.workspace.admin_token))
    return {"store": f"netrc:{path}"}


def _netrc_by_hand(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    """An entry written by hand, naming its port the documented way (`account <origin>`); the chain finds
    it through $NETRC (set by `arranged`). Without the account it would be for https://127.0.0.1 only."""
    _netrc_by_hand_no_port(emulator, home, mp, dbutils)
    with (home / "netrc").open("a") as netrc:
        netrc.write(f"  account {emulator.url}\n")
    return {}


def _netrc_by_hand_no_port(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    """The form the Databricks docs give, by hand: a host, no port, no `account`."""
    path = home / "netrc"
    path.write_text(f"machine 127.0.0.1 login token password {emulator.workspace.admin_token}\n")
    path.chmod(0o600)
    return {}


def _netrc_by_hand_store(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    return {**_netrc_by_hand(emulator, home, mp, dbutils), "store": f"netrc:{home / 'netrc'}"}


def _secret_store(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    """The secret lives in the emulator; outside a notebook it is read on the env credential of the host."""
    _env(emulator, home, mp, dbutils)
    ws = emulator.workspace
    admin = WorkspaceSession(Credentials(emulator.url, "seed", Token(ws.admin_token)))
    with contextlib.suppress(ApiError):  # the scope stays from an earlier example
        admin.api("POST", "/api/2.0/secrets/scopes/create", json={"scope": "ops"})
    admin.api(
        "POST", "/api/2.0/secrets/put", json={"scope": "ops", "key": "pat", "string_value": ws.user_token}
    )
    return {"store": "secret:ops/pat"}


def _notebook_context(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    mp.setenv("DATABRICKS_RUNTIME_VERSION", "15.4")
    return {"dbutils": dbutils}


def _configured_secret(emulator: Any, home: Path, mp: pytest.MonkeyPatch, dbutils: Any) -> dict[str, Any]:
    """NOTEBOOK_TOKENS_SECRET inside Databricks: meant for the notebook's own workspace."""
    _secret_store(emulator, home, mp, dbutils)
    mp.delenv("DATABRICKS_HOST")
    mp.delenv("DATABRICKS_TOKEN")
    mp.setenv("DATABRICKS_RUNTIME_VERSION", "15.4")
    mp.setenv("NOTEBOOK_TOKENS_SECRET", "ops/pat")
    return {"dbutils": _NoContext(dbutils)}


class _NoContext:
    """The stand-in dbutils, its notebook context without a token: the chain then uses the secret."""

    def __init__(self, dbutils: StandInDbutils) -> None:
        self.secrets, self._api_url = dbutils.secrets, dbutils.api_url
        no_token = StandInDbutils(dbutils.api_url, "")
        no_token.api_token = None  # type: ignore[assignment]  # the runtime's Option is empty here
        self.notebook = no_token.notebook

    def __repr__(self) -> str:
        return "<dbutils (stand-in, no context token)>"


SOURCES = (
    Source("env", _env),
    Source("env store", _env_store),
    Source("env without DATABRICKS_HOST", _env_unbound, unbound=True, named=(("store", "env"),)),
    Source(
        "env without host, host from a profile",
        _env_unbound_profile_host,
        unbound=True,
        named=(("store", "env"),),
    ),
    Source("profile", _profile),
    Source("profile: store spec", _profile_spec),
    Source("DEFAULT profile", _default_profile),
    Source(
        "DEFAULT profile without host",
        _default_profile_unbound,
        unbound=True,
        named=(("profile", "DEFAULT"),),
    ),
    Source("databricks-sdk profile", _sdk_profile),
    Source("databricks-sdk DEFAULT profile", _sdk_default),
    Source("keyring", _keyring),
    Source("keyring store", _keyring_store),
    Source("netrc store", _netrc_store),
    Source("secret store", _secret_store),
    Source("notebook context", _notebook_context),
    Source("configured secret", _configured_secret),
    Source("hand-written netrc entry with its origin", _netrc_by_hand),
    Source("hand-written netrc entry with its origin, as a store", _netrc_by_hand_store),
)
BOUND = tuple(s for s in SOURCES if not s.unbound)


def foreign_variants(foreign: ForeignServer) -> list[str]:
    """Other origins, written in ways that have fooled host checks: case, trailing dot, another spelling of
    the loopback address (on the foreign port)."""
    port = foreign.port
    return [
        f"http://127.0.0.1:{port}",
        f"HTTP://127.0.0.1:{port}/",
        f"http://localhost:{port}",
        f"http://LOCALHOST:{port}",
        f"http://localhost.:{port}",
        f"http://127.0.0.1.:{port}",
    ]


def url_variants(emulator: EmulatorServer, foreign: ForeignServer) -> list[str]:
    """URLs that leave the workspace from a request: absolute, scheme-relative, with user info."""
    port, own = foreign.port, urlsplit(emulator.url).netloc
    hosts = [urlsplit(v).netloc for v in foreign_variants(foreign)]
    return [
        *(f"http://{h}/api/2.0/clusters/list" for h in hosts),
        f"//127.0.0.1:{port}/api/2.0/clusters/list",
        f"//localhost:{port}/x",
        f"http://user@127.0.0.1:{port}/x",
        f"http://{own}@127.0.0.1:{port}/x",
        f"http://token:secret@{own}/x",
        f"https://{own}/x",
    ]


@contextlib.contextmanager
def arranged(source: Source, emulator: EmulatorServer, foreign: ForeignServer) -> Iterator[dict[str, Any]]:
    """A fresh HOME with only `source` configured (undone afterwards), and the kwargs that choose it."""
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        home = Path(tmp)
        for name in (
            "DATABRICKS_HOST",
            "DATABRICKS_TOKEN",
            "DATABRICKS_RUNTIME_VERSION",
            "NOTEBOOK_TOKENS_SECRET",
        ):
            mp.delenv(name, raising=False)
        mp.setenv("DATABRICKS_CONFIG_FILE", str(home / "databrickscfg"))
        mp.setenv("NETRC", str(home / "netrc"))
        dbutils = StandInDbutils(emulator.url, emulator.workspace.admin_token)
        kwargs = source.arrange(emulator, home, mp, dbutils)
        config = home / "databrickscfg"
        if config.exists():
            config.write_text(config.read_text().replace("{foreign}", foreign.url))
        yield kwargs


def assert_nothing_leaked(foreign: ForeignServer, emulator: EmulatorServer, *texts: str) -> None:
    """No request to the foreign server carried a credential, and no message names a token."""
    ws = emulator.workspace
    secrets = [ws.admin_token, ws.user_token]
    for request in foreign.requests:
        assert request.header("Authorization") is None, request
        seen = " ".join(
            [request.path, str(request.query), str(request.headers), request.body.decode("latin-1")]
        )
        assert not any(secret in seen for secret in secrets), request
    for text in texts:
        assert not any(secret in text for secret in secrets)


def refused(call: Callable[[], Any]) -> str:
    """Run `call`, which must be refused with a notebook-tokens error; its message."""
    with pytest.raises(NotebookTokensError) as caught:
        call()
    return str(caught.value)


# -- session(host=<another host>) ------------------------------------------------------------------
@PROPERTY
@given(data=st.data())
def test_a_session_for_another_host_never_gets_a_credential_bound_elsewhere(
    data: st.DataObject,
    emulator: EmulatorServer,
    foreign_server: ForeignServer,
    memory_keyring: MemoryKeyring,
) -> None:
    """session(host=F, <the source>) for a credential of workspace A: refused, F receives nothing."""
    source = data.draw(st.sampled_from(SOURCES), label="source")
    host = data.draw(st.sampled_from(foreign_variants(foreign_server)), label="host")
    with arranged(source, emulator, foreign_server) as kwargs:
        if source.unbound and "store" in kwargs:
            return  # named together with the host: goes there by the rule (test below)
        message = refused(lambda: session(host, **kwargs).get("/api/2.0/clusters/list"))
    assert_nothing_leaked(foreign_server, emulator, message)


def test_explicit_profile_for_another_host_says_whose_it_is(
    emulator: EmulatorServer, foreign_server: ForeignServer
) -> None:
    """The attacker's first finding: the profile store refused, then databricks-sdk sent A's token to B."""
    for source in (SOURCES[4], SOURCES[5], SOURCES[8]):
        with arranged(source, emulator, foreign_server) as kwargs, pytest.raises(HostBindingError) as caught:
            session(foreign_server.url, **kwargs).get("/api/2.0/clusters/list")
        profile = kwargs.get("profile") or kwargs["store"].partition(":")[2]
        assert f"Profile {profile} in " in str(caught.value)
        assert f"is for {emulator.url}, not {foreign_server.url}" in str(caught.value)
        assert "Nothing was sent" in str(caught.value) or "nothing was sent" in str(caught.value)
    assert_nothing_leaked(foreign_server, emulator)
    assert foreign_server.requests == []


def test_a_hand_written_netrc_entry_without_a_port_goes_to_no_other_port_of_its_host(
    emulator: EmulatorServer, foreign_server: ForeignServer
) -> None:
    """`machine 127.0.0.1 login token password …` by hand, no `account`: curl would send it to every port of
    127.0.0.1; here it is issued for https://127.0.0.1 (port 443) only. Neither loopback port gets it, found
    by the chain or named as a store, and the miss says how to bind the entry to a port."""
    source = Source("hand-written netrc entry, no port", _netrc_by_hand_no_port)
    with arranged(source, emulator, foreign_server):
        path = Path(os.environ["NETRC"])
        emulator.workspace.clear_requests()
        messages = [refused(lambda host=host: session(host).get("/api/2.0/clusters/list"))
                    for host in (emulator.url, foreign_server.url)]
        messages.append(refused(lambda: session(emulator.url, store=f"netrc:{path}")))
    assert f"is for https://127.0.0.1, not {emulator.url}: add `account {emulator.url}`" in messages[2]
    assert f"add `account {emulator.url}`" in messages[0]
    assert f"add `account {foreign_server.url}`" in messages[1]
    # the workspace's own port got no credential either (databricks-sdk, last in the chain, only probes)
    assert all(request.header("Authorization") is None for request in emulator.workspace.requests)
    assert_nothing_leaked(foreign_server, emulator, *messages)


def test_unbound_env_token_goes_only_to_the_host_named_with_it(
    emulator: EmulatorServer, foreign_server: ForeignServer
) -> None:
    """DATABRICKS_TOKEN without DATABRICKS_HOST: refused for any host the chain picks; used for a host the
    user names together with store='env' in the same call, and only there."""
    with arranged(SOURCES[2], emulator, foreign_server):
        message = refused(lambda: session(foreign_server.url))
        assert "set without DATABRICKS_HOST, so it belongs to no known workspace" in message
        db = session(emulator.url, store="env")
        assert db.get("/api/2.0/clusters/list").status_code == 200
        refused(lambda: db.get(foreign_server.url + "/x"))
    assert foreign_server.requests == []


def test_a_netrc_entry_is_not_used_for_another_port_of_the_same_address(
    emulator: EmulatorServer, foreign_server: ForeignServer
) -> None:
    with arranged(SOURCES[12], emulator, foreign_server) as kwargs, contextlib.suppress(NotebookTokensError):
        session(foreign_server.url, **kwargs).get("/api/2.0/clusters/list")
    assert_nothing_leaked(foreign_server, emulator)


# -- a session for the workspace, asked to go elsewhere -------------------------------------------------
@PROPERTY
@given(data=st.data())
def test_urls_and_redirects_out_of_the_workspace_carry_no_credential(
    data: st.DataObject,
    emulator: EmulatorServer,
    foreign_server: ForeignServer,
    memory_keyring: MemoryKeyring,
) -> None:
    """A session on workspace A from any source: an absolute / scheme-relative / user-info URL elsewhere,
    or a redirect of any status to another origin, is refused and nothing reaches the foreign server."""
    source = data.draw(st.sampled_from(SOURCES), label="source")
    via_redirect = data.draw(st.booleans(), label="redirect")
    with arranged(source, emulator, foreign_server) as kwargs:
        kwargs.update(source.named)
        own_host = source.name in ("notebook context", "configured secret") or "profile" in kwargs
        db = session(None if own_host and not source.unbound else emulator.url, **kwargs)
        if via_redirect:
            status = data.draw(st.sampled_from(REDIRECTS), label="status")
            target = data.draw(st.sampled_from(foreign_variants(foreign_server)), label="target")
            emulator.workspace.faults.redirect(target.rstrip("/") + "/api/2.0/clusters/list", status=status)
            message = refused(lambda: db.get("/api/2.0/clusters/list"))
        else:
            url = data.draw(st.sampled_from(url_variants(emulator, foreign_server)), label="url")
            message = refused(lambda: db.get(url))
        emulator.workspace.faults.clear()
    assert_nothing_leaked(foreign_server, emulator, message)


def test_a_hand_built_credential_for_another_workspace_is_refused(
    emulator: EmulatorServer, foreign_server: ForeignServer
) -> None:
    """Credentials(host=F, issued_for=A): the session refuses them before sending; so does use()."""
    token = Token(emulator.workspace.admin_token)
    with pytest.raises(HostBindingError, match=r"it was issued for http://127\.0\.0\.1:\d+"):
        WorkspaceSession(Credentials(foreign_server.url, "test", token, issued_for=emulator.url))
    db = WorkspaceSession(Credentials(emulator.url, "test", token))
    with pytest.raises(HostBindingError, match="Nothing was sent"):
        db.use(Credentials(foreign_server.url, "test", token))
    assert db.host == emulator.url
    assert foreign_server.requests == []


# -- %dbrest --host ----------------------------------------------------------------------------------------
@PROPERTY
@given(data=st.data())
def test_dbrest_host_option_never_sends_a_credential_bound_elsewhere(
    data: st.DataObject,
    shell: InteractiveShell,
    emulator: EmulatorServer,
    foreign_server: ForeignServer,
    memory_keyring: MemoryKeyring,
) -> None:
    """`%dbrest GET ... --host F [--profile P | --store S]` with a credential of A: the cell fails with a
    notebook-tokens message, and F receives nothing."""
    source = data.draw(st.sampled_from(BOUND), label="source")
    host = data.draw(st.sampled_from(foreign_variants(foreign_server)[:4]), label="host")
    with arranged(source, emulator, foreign_server) as kwargs:
        option = f"--profile {kwargs['profile']}" if "profile" in kwargs else ""
        option += f" --store {kwargs['store']}" if "store" in kwargs else ""
        if "dbutils" in kwargs:
            shell.user_ns["dbutils"] = kwargs["dbutils"]
        shell.run_line_magic("load_ext", "notebook_tokens")
        try:
            with pytest.raises(UsageError) as caught:
                shell.run_line_magic("dbrest", f"GET /api/2.0/clusters/list --host {host} {option}")
        finally:
            shell.run_line_magic("unload_ext", "notebook_tokens")
            shell.user_ns.pop("dbutils", None)
    assert_nothing_leaked(foreign_server, emulator, str(caught.value))
