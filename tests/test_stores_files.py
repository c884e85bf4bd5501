"""netrc:PATH, env and profile:NAME stores, and store specs."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests.utils

from notebook_tokens.core.errors import InputError, NetrcError, StoreError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores.env import EnvStore
from notebook_tokens.credentials.stores.netrcstore import NetrcStore, netrc_machine
from notebook_tokens.credentials.stores.profile import ProfileStore
from notebook_tokens.credentials.stores.specs import parse_store

PAT = "dapi" + "ef" * 16


def test_netrc_defaults_to_home_and_honours_NETRC(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert parse_store("netrc").spec == f"netrc:{isolated_home / '.netrc'}"
    monkeypatch.setenv("NETRC", "/elsewhere/n")
    assert parse_store("netrc").description == "netrc /elsewhere/n"
    assert parse_store("netrc:~/x").spec == f"netrc:{isolated_home / 'x'}"


def test_netrc_write_creates_a_0600_entry_named_by_hostname_bound_to_its_origin(isolated_home: Path) -> None:
    """The machine is the host name (what curl and requests look up); the account, which they ignore, binds
    the entry to its workspace origin, so another port of the same address never reads it (issue 12)."""
    store = NetrcStore()
    store.write("http://127.0.0.1:8123/", Token(PAT))
    path = isolated_home / ".netrc"
    assert path.read_text() == f"machine 127.0.0.1 login token password {PAT} account http://127.0.0.1:8123\n"
    assert path.stat().st_mode & 0o777 == 0o600
    assert store.read("http://127.0.0.1:8123") == Token(PAT)
    assert store.read("http://127.0.0.1:9999") is None


def test_netrc_machine_matches_what_requests_and_curl_look_up(isolated_home: Path) -> None:
    """curl and requests match on the host name and ignore the port: so do we."""
    NetrcStore().write("https://adb-1.2.azuredatabricks.net:8443", Token(PAT))
    assert netrc_machine("https://adb-1.2.azuredatabricks.net:8443") == "adb-1.2.azuredatabricks.net"
    auth = requests.utils.get_netrc_auth("https://adb-1.2.azuredatabricks.net:8443/api")
    assert auth == ("token", PAT)


def hand_written(path: Path, entry: str) -> NetrcStore:
    path.write_text(entry + "\n")
    path.chmod(0o600)
    return NetrcStore(path)


def test_a_hand_written_netrc_entry_is_read_for_https_on_port_443_only(tmp_path: Path) -> None:
    """No `account` origin: netrc names no port (curl would send it to every port of the host), yet a token
    goes only to the origin it was issued for, so the entry is for https://<machine>, where a Databricks
    workspace is served, and never for another port or plain http of that host."""
    store = hand_written(tmp_path / "netrc", f"machine h.example login token password {PAT}")
    assert store.read("https://h.example") == Token(PAT)
    assert store.read("https://h.example:443/") == Token(PAT)
    assert store.read("h.example") == Token(PAT)
    for other in ("https://h.example:8443", "http://h.example", "https://h.example:80"):
        assert store.read(other) is None, other
    assert store.entry_origin("https://h.example:8443") == "https://h.example"


def test_a_hand_written_netrc_entry_names_its_port_with_an_account_origin(tmp_path: Path) -> None:
    """The documented way to use a hand-written entry on another port: `account <origin>`, the form this
    store writes. An account that is not an origin (an FTP-style account name) binds nothing: port 443."""
    store = hand_written(
        tmp_path / "netrc", f"machine h.example login token password {PAT} account https://h.example:8443"
    )
    assert store.read("https://h.example:8443") == Token(PAT)
    assert store.read("https://h.example") is None and store.read("https://h.example:9443") is None
    loopback = hand_written(
        tmp_path / "lo", f"machine 127.0.0.1 login token password {PAT} account http://127.0.0.1:8123"
    )
    assert loopback.read("http://127.0.0.1:8123") == Token(PAT)
    assert loopback.read("http://127.0.0.1:8124") is None
    named = hand_written(tmp_path / "named", f"machine h.example login token password {PAT} account ops")
    assert named.read("https://h.example") == Token(PAT) and named.read("https://h.example:8443") is None


def test_netrc_write_keeps_other_entries(isolated_home: Path) -> None:
    path = isolated_home / ".netrc"
    path.write_text("# mine\nmachine other login me password x\n")
    path.chmod(0o600)
    NetrcStore().write("https://h.example", Token(PAT))
    assert (
        path.read_text()
        == f"# mine\nmachine other login me password x\n"
        f"machine h.example login token password {PAT} account https://h.example\n"
    )


def test_netrc_delete_removes_only_that_entry(isolated_home: Path) -> None:
    store = NetrcStore()
    store.write("https://a.example", Token(PAT))
    store.write("https://b.example", Token(PAT))
    store.delete("https://a.example")
    assert (isolated_home / ".netrc").read_text() == (
        f"machine b.example login token password {PAT} account https://b.example\n"
    )
    assert store.read("https://a.example") is None


def test_netrc_write_refuses_a_world_readable_file(isolated_home: Path) -> None:
    path = isolated_home / ".netrc"
    path.write_text("machine x password y\n")
    path.chmod(0o644)
    with pytest.raises(NetrcError, match="run `chmod 600"):
        NetrcStore().write("https://h.example", Token(PAT))
    assert path.read_text() == "machine x password y\n"


def test_netrc_parse_error_in_store_names_the_file(isolated_home: Path) -> None:
    path = isolated_home / ".netrc"
    path.write_text("machine h password\n")
    path.chmod(0o600)
    with pytest.raises(NetrcError, match=rf"^{path}, line 1: a value is missing after 'password'"):
        NetrcStore().read("https://h")


def test_env_store_reads_DATABRICKS_TOKEN_for_its_host() -> None:
    env = {"DATABRICKS_HOST": "https://a.example", "DATABRICKS_TOKEN": PAT}
    assert EnvStore(env).read("https://a.example") == Token(PAT)
    assert EnvStore(env).read("https://b.example") is None
    assert EnvStore({"DATABRICKS_TOKEN": PAT}).read("https://b.example") == Token(PAT)


def test_read_only_stores_say_where_to_save_instead() -> None:
    with pytest.raises(
        StoreError, match=r"^env DATABRICKS_TOKEN is read only: save the token with keyring, netrc"
    ):
        EnvStore({}).write("https://h", Token(PAT))
    with pytest.raises(StoreError, match="is read only: remove the token there yourself"):
        EnvStore({}).delete("https://h")


def cfg(home: Path, text: str) -> Path:
    path = home / ".databrickscfg"
    path.write_text(text)
    return path


def test_profile_store_reads_token_and_host(isolated_home: Path) -> None:
    cfg(
        isolated_home,
        f"[DEFAULT]\nhost = https://d.example\ntoken = {PAT}\n\n[work]\nhost = w.example/\ntoken = dapi1\n",
    )
    work = parse_store("profile:work")
    assert isinstance(work, ProfileStore) and work.host() == "https://w.example"
    assert work.description == f"profile work in {isolated_home / '.databrickscfg'}"
    assert ProfileStore("DEFAULT").read("https://d.example") == Token(PAT)
    assert ProfileStore("DEFAULT").read("https://other.example") is None


def test_profile_named_section_does_not_inherit_the_default_token(isolated_home: Path) -> None:
    cfg(
        isolated_home,
        f"[DEFAULT]\ntoken = {PAT}\n\n[oauth]\nhost = https://o.example\nauth_type = databricks-cli\n",
    )
    assert ProfileStore("oauth").read("https://o.example") is None


def test_profile_file_moves_with_DATABRICKS_CONFIG_FILE(tmp_path: Path) -> None:
    path = tmp_path / "cfg"
    path.write_text(f"[p]\nhost = https://p.example\ntoken = {PAT}\n")
    assert ProfileStore("p", {"DATABRICKS_CONFIG_FILE": str(path)}).read("https://p.example") == Token(PAT)


def test_invalid_config_file_says_fix_it(isolated_home: Path) -> None:
    cfg(isolated_home, "token = no section header\n")
    with pytest.raises(StoreError, match=r"is not a valid config file \(MissingSectionHeaderError\): fix it"):
        ProfileStore("DEFAULT").read("https://h")


@pytest.mark.parametrize(
    "spec", ["", "vault:x", "profile", "profile:", "env:x", "secret:nokey", "secret:/k", "secret:a/b/c"]
)
def test_bad_store_specs_name_the_accepted_forms(spec: str) -> None:
    with pytest.raises(InputError) as info:
        parse_store(spec)
    text = str(info.value)
    assert "secret:SCOPE/KEY" in text


def test_unknown_spec_message_lists_every_form() -> None:
    with pytest.raises(InputError) as info:
        parse_store("vault:x")
    assert str(info.value) == (
        "Unknown token store 'vault:x'. Use one of: secret:SCOPE/KEY, keyring[:SERVICE], netrc[:PATH], env, "
        "profile:NAME."
    )


def test_a_store_object_passes_through_parse_store() -> None:
    store = EnvStore({})
    assert parse_store(store) is store


def test_netrc_path_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NetrcError, match=r"is not a regular file: point NETRC \(or netrc:PATH\) at a file\."):
        NetrcStore(tmp_path).read("https://h")
