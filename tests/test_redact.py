"""The masked Token type and redact()/redact_data()."""

from __future__ import annotations

import base64
import copy
import json
import pickle
import secrets
from urllib.parse import quote

import pytest

from notebook_tokens.core.redact import REDACTED, Token, known_tokens, mask, redact, redact_data


def pat() -> str:
    return "dapi" + secrets.token_hex(16)


def test_repr_str_and_format_show_only_the_mask() -> None:
    value = pat()
    token = Token(value)
    old_style = "%s" % (token,)  # noqa: UP031 - the %-format path too
    for shown in (repr(token), str(token), f"{token}", f"{token:>30}", old_style, str([token])):
        assert value not in shown
        assert value[-4:] in shown
    assert str(token) == f"dapi…{value[-4:]}"


def test_mask_hides_short_values_entirely() -> None:
    assert mask("short") == "****"
    assert mask("abcdefghijklmnop") == "…mnop"


def test_reveal_returns_the_raw_value() -> None:
    value = pat()
    assert Token(value).reveal() == value


def test_pickle_is_refused() -> None:
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(Token(pat()))


def test_json_serialisation_is_refused() -> None:
    with pytest.raises(TypeError):
        json.dumps({"t": Token(pat())})


def test_copy_returns_the_same_immutable_token() -> None:
    token = Token(pat())
    assert copy.copy(token) is token and copy.deepcopy(token) is token
    with pytest.raises(AttributeError, match="immutable"):
        token._value = "x"  # type: ignore[misc]


def test_equality_compares_values_and_hash_follows() -> None:
    value = pat()
    assert Token(value) == Token(value)
    assert Token(value) != Token(pat())
    assert hash(Token(value)) == hash(Token(value))
    assert Token(value).__eq__(value) is NotImplemented


def test_token_id_is_the_sha256_of_the_value() -> None:
    import hashlib

    value = pat()
    assert Token(value).token_id == hashlib.sha256(value.encode()).hexdigest()


def test_empty_or_whitespace_values_are_refused_without_echo() -> None:
    with pytest.raises(TypeError, match="non-empty"):
        Token("  ")
    value = pat()
    with pytest.raises(ValueError, match="whitespace") as info:
        Token(value + "\n")
    assert value not in str(info.value)


def test_redact_replaces_raw_url_encoded_and_base64_forms() -> None:
    value = "tok/" + secrets.token_hex(12) + "+="
    token = Token(value)
    basic = base64.b64encode(f"token:{value}".encode()).decode()
    plain_b64 = base64.b64encode(value.encode()).decode()
    text = f"a {value} b {quote(value, safe='')} c {plain_b64} d Basic {basic}"
    out = redact(text, [token])
    assert value not in out and quote(value, safe="") not in out and basic not in out
    assert out.count(REDACTED) == 4


def test_redact_catches_pat_shaped_strings_it_was_never_told_about() -> None:
    stray = "dapi" + "0123456789abcdef" * 2 + "-2"
    assert redact(f"x={stray};", []) == f"x={REDACTED};"


def test_redact_with_no_known_uses_every_token_this_process_made() -> None:
    value = "oauth-" + secrets.token_urlsafe(24)
    Token(value)
    assert value not in redact(f"header {value}")
    assert Token(value) in known_tokens()


def test_redact_leaves_ordinary_text_and_short_values_alone() -> None:
    assert redact("nothing to hide", [Token("abc")]) == "nothing to hide"
    assert redact("", None) == ""


def test_redact_data_walks_nested_structures_and_keys() -> None:
    value = pat()
    data = {value: [value, (1, value)], "n": 3}
    out = redact_data(data, [Token(value)])
    assert value not in repr(out)
    assert out["n"] == 3


@pytest.mark.parametrize("login", ["token", "u", "me@example.com", "ab"])
def test_redact_finds_the_value_inside_basic_auth_for_any_login(login: str) -> None:
    """`curl -u user:PAT` sends base64("user:"+PAT): every alignment of the value in base64 is caught."""
    value = "secret-" + secrets.token_hex(10)
    blob = base64.b64encode(f"{login}:{value}".encode()).decode()
    out = redact(f"Authorization: Basic {blob}", [Token(value)])
    assert blob not in out and REDACTED in out
    decoded_tail = out.split(REDACTED)[-1]
    assert value not in decoded_tail


def test_looks_like_token_knows_the_shapes_and_every_value_this_process_has_seen() -> None:
    """A PAT, an OAuth secret, a JWT, or any token value wrapped in a Token (even one of no known shape)."""
    from notebook_tokens.core.redact import looks_like_token

    assert looks_like_token("x dapi" + "a" * 32)
    assert looks_like_token("dose" + "b" * 32)
    assert looks_like_token("eyJhbGciOiJSUzI1.eyJzdWIiOiIxMjM0.sig")
    opaque = "opaque-Oauth-value-" + "Zq9" * 6
    assert not looks_like_token(f"path/{opaque}")
    Token(opaque)
    assert looks_like_token(f"path/{opaque}")
    assert not looks_like_token("0123456789abcdef" * 4)  # a token ID (SHA-256 hex) is not a secret
