"""keyring[:SERVICE]: user name = normalised host; every write read back; no backend -> what to install."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest
from tokensupport import MemoryKeyring

from notebook_tokens.core.errors import KeyringUnavailableError, StoreError
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores.keyringstore import KeyringStore
from notebook_tokens.credentials.stores.specs import parse_store

PAT = "dapi" + "cd" * 16


@pytest.fixture
def use_backend() -> Iterator[Any]:
    previous = keyring.get_keyring()

    def install(backend: Any) -> Any:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)


def test_write_then_read_uses_the_normalised_host_as_user_name(use_backend: Any) -> None:
    backend = use_backend(MemoryKeyring())
    store = KeyringStore()
    store.write("adb-1.2.azuredatabricks.net/?o=1", Token(PAT))
    assert backend.passwords == {("databricks", "https://adb-1.2.azuredatabricks.net"): PAT}
    assert store.read("https://ADB-1.2.azuredatabricks.net/") == Token(PAT)


def test_service_comes_from_the_spec(use_backend: Any) -> None:
    backend = use_backend(MemoryKeyring())
    store = parse_store("keyring:work")
    assert (store.spec, store.description, store.writable) == ("keyring:work", "keyring service work", True)
    store.write("https://h.example", Token(PAT))
    assert ("work", "https://h.example") in backend.passwords


def test_read_of_an_unknown_host_is_none(use_backend: Any) -> None:
    use_backend(MemoryKeyring())
    assert KeyringStore().read("https://nothing.example") is None


def test_delete_removes_and_tolerates_missing(use_backend: Any) -> None:
    backend = use_backend(MemoryKeyring())
    store = KeyringStore()
    store.write("https://h.example", Token(PAT))
    store.delete("https://h.example")
    store.delete("https://h.example")
    assert backend.passwords == {}


def test_null_backend_write_is_an_error(use_backend: Any) -> None:
    use_backend(keyring.backends.null.Keyring())
    with pytest.raises(StoreError) as info:
        KeyringStore().write("https://h.example", Token(PAT))
    assert str(info.value).startswith(
        "keyring service databricks: the keyring backend keyring.backends.null did not keep the token "
        "(a null backend drops every write), so it was not saved. Install a backend, e.g. "
        "`pip install keyrings.alt`"
    )
    assert PAT not in str(info.value)


def test_no_backend_names_how_to_get_one(use_backend: Any) -> None:
    use_backend(keyring.backends.fail.Keyring())
    with pytest.raises(KeyringUnavailableError) as info:
        KeyringStore().read("https://h.example")
    assert str(info.value) == (
        "No keyring backend is available on this machine. Install a backend, e.g. `pip install keyrings.alt` "
        "(an encrypted file), or set PYTHON_KEYRING_BACKEND to a backend class (e.g. "
        "keyrings.alt.file.EncryptedKeyring); or keep the token in netrc instead (--store netrc)."
    )


def test_backend_failure_is_a_store_error_without_the_value(use_backend: Any) -> None:
    class Locked(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise keyring.errors.KeyringLocked("locked")

    use_backend(Locked())
    with pytest.raises(
        StoreError, match=r"the keyring backend failed \(KeyringLocked\); unlock or fix the keyring"
    ):
        KeyringStore().read("https://h.example")


def test_repr_names_the_spec_only() -> None:
    assert repr(KeyringStore("x")) == "<KeyringStore keyring:x>"


def test_missing_keyring_package_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "keyring", None)
    with pytest.raises(KeyringUnavailableError) as info:
        KeyringStore().read("https://h.example")
    assert str(info.value) == (
        "The keyring package is not installed: pip install 'notebook-tokens[keyring]', "
        "or keep the token in netrc (--store netrc)."
    )


class QuotingBackend(MemoryKeyring):
    """A backend whose errors quote the password it was handed (some D-Bus and vault backends do)."""

    def __init__(self, error: type[Exception]) -> None:
        super().__init__()
        self.error = error
        self.handed: list[str] = []

    def set_password(self, service: str, username: str, password: str) -> None:
        self.handed.append(password)
        encoded = base64.b64encode(password.encode()).decode()
        raise self.error(f"could not store item {password!r} (payload {encoded}) for {username}")


# not PAT-shaped, so only redaction of the known value (not the dapi pattern) can hide it
OAUTH_LIKE = "oauth-secret-" + "7q" * 12


@pytest.mark.parametrize("error", [keyring.errors.PasswordSetError, RuntimeError])
def test_a_backend_error_quoting_the_password_is_redacted_in_the_store_error(
    use_backend: Any, error: type[Exception]
) -> None:
    use_backend(QuotingBackend(error))
    with pytest.raises(StoreError) as info:
        KeyringStore().write("https://h.example", Token(OAUTH_LIKE))
    message = str(info.value)
    assert message.startswith(
        f"keyring service databricks: the keyring backend failed ({error.__name__}); unlock or fix the "
        "keyring, or use another store. It said: could not store item '[REDACTED]' (payload [REDACTED])"
    )
    assert OAUTH_LIKE not in message and base64.b64encode(OAUTH_LIKE.encode()).decode() not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_generate_into_a_keyring_whose_errors_quote_the_password_never_shows_it(
    use_backend: Any, emulator: Any
) -> None:
    """The whole path: the new token's value does not reach the error that `%dbtoken generate` shows."""
    from tokensupport import session_for

    from notebook_tokens.lifecycle.tokens import TokenManager

    backend = use_backend(QuotingBackend(RuntimeError))
    session = session_for(emulator.url, emulator.workspace.user_token)
    before = set(emulator.workspace.token_ids())
    with pytest.raises(StoreError) as info:
        TokenManager(session).generate("x", "1d", store="keyring:nt-test")
    session.close()
    assert "RuntimeError" in str(info.value) and "was revoked" in str(info.value)
    assert set(emulator.workspace.token_ids()) == before
    assert len(backend.handed) == 1 and backend.handed[0].startswith("dapi")
    assert backend.handed[0] not in str(info.value)
    assert base64.b64encode(backend.handed[0].encode()).decode() not in str(info.value)
