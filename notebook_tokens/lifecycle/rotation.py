"""Token rotation that survives a crash at any step.

    create (marker) -> write to the store -> read back -> verify with SCIM Me -> switch session -> revoke old

The new token's comment carries `[nt:rot:<store key>:<nonce>:<old id prefix>]`: the store key ties it to one
store (rotating a keyring token never touches a secret-scope one), the old id prefix names the token it
replaces. A rerun first repairs what a crash left: marked tokens that never reached the store are revoked,
and a stored, working marked token finishes its rotation (the session switches to it, the token it replaced
is revoked). So every rerun ends with one working token in the store and no orphan.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from notebook_tokens.core.errors import InputError, NotebookTokensError, RotationError
from notebook_tokens.core.lifetimes import parse_lifetime
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.lifecycle.conf import workspace_conf
from notebook_tokens.lifecycle.identity import id_among, rejected

if TYPE_CHECKING:
    from notebook_tokens.credentials.stores.base import Store
    from notebook_tokens.lifecycle.tokens import TokenManager

__all__ = ["RotationResult", "rotate", "rotation_target", "store_key"]

_ROTATION_MARK = re.compile(r"\[nt:rot:([0-9a-f]{6}):[0-9a-f]{8}:([0-9a-f]{0,12})\]")
Checkpoint = Callable[[str], None]
DEFAULT_LIFETIME = timedelta(days=90)


@dataclass(frozen=True)
class RotationResult:
    """A finished rotation: new and old token ids, where the new one is stored, the new value masked,
    ids of leftovers from earlier interrupted rotations that were revoked, and a warning ("" if none).
    `old_revoked` is True only when the old token was revoked and then refused with 403 "Invalid access
    token." through a separate session; otherwise `warning` says what to do."""

    new_id: str
    old_id: str | None
    stored_in: str
    token: Token
    repaired: tuple[str, ...] = ()
    warning: str = ""
    old_revoked: bool = False
    scopes: tuple[str, ...] = ()  # the new token's scopes (empty: every API)


def store_key(store: Store, host: str) -> str:
    """Six hex characters naming (host, store spec): the rotation marker's scope."""
    return hashlib.sha256(f"{host}|{store.spec}".encode()).hexdigest()[:6]


def _marks(comment: str, key: str) -> str | None:
    """The replaced-id prefix when `comment` carries a rotation marker for `key`, else None."""
    for match in _ROTATION_MARK.finditer(comment):
        if match.group(1) == key:
            return match.group(2)
    return None


def _credentials_for(manager: TokenManager, token: Token, store: Store) -> Credentials:
    return Credentials(host=manager.session.host, source=store.description, token=token, store=store)


def works(manager: TokenManager, token: Token, store: Store) -> str | None:
    """None when `token` authenticates (SCIM Me answers), else why not — through a separate session."""
    from notebook_tokens.http.workspace import WorkspaceSession  # imports requests: only when rotating

    probe = WorkspaceSession(_credentials_for(manager, token, store))
    try:
        probe.api("GET", "/api/2.0/preview/scim/v2/Me")
    except (NotebookTokensError, OSError) as error:
        return _first_line(error)
    finally:
        probe.close()
    return None


def _first_line(error: BaseException) -> str:
    # an OSError from requests (ChunkedEncodingError(), ...) may have no message at all
    return (str(error).splitlines() or [type(error).__name__])[0]


def _read(store: Store, host: str) -> Token | None:
    try:
        return store.read(host)
    except NotebookTokensError:
        return None


def _repair(manager: TokenManager, store: Store, key: str, stored: Token | None) -> list[str]:
    """Undo or finish what an interrupted rotation of `store` (which holds `stored`) left behind; returns
    revoked ids."""
    current = manager.session.credentials.token
    listed = manager._raw_list()
    items = [item for item in listed if _marks(str(item.get("comment") or ""), key) is not None]
    stored_id = id_among(stored, listed) if stored is not None else None
    current_id = id_among(current, listed) if current is not None else None
    if items and stored is not None and stored_id is None and current_id is None:
        # neither the stored nor the session's token is found by id (ids are not the SHA-256 here, and
        # this process never saw theirs): which marked token is the stored one cannot be told, so revoke
        # none of them rather than perhaps the working one
        return []
    keep = {i for i in (stored_id, current_id) if i}
    revoked = []
    for item in items:
        if item["token_id"] not in keep:  # created, but never made it into the store
            manager.revoke(str(item["token_id"]), missing_ok=True)
            revoked.append(str(item["token_id"]))
    stored_item = next((i for i in items if stored_id is not None and i["token_id"] == stored_id), None)
    if stored is None or stored_item is None or works(manager, stored, store) is not None:
        return revoked
    # the store holds a working rotated token: finish that rotation
    if current is None or current.token_id != stored.token_id:
        manager.session.use(_credentials_for(manager, stored, store))
    replaced = _marks(str(stored_item.get("comment") or ""), key) or ""
    for item in listed if replaced else []:
        token_id = str(item["token_id"])
        if token_id.startswith(replaced) and token_id != stored_id and token_id not in revoked:
            manager.revoke(token_id, missing_ok=True)
            revoked.append(token_id)
    return revoked


def rotate(
    manager: TokenManager, store: Store | str | None = None, *, lifetime: str | None = None,
    comment: str = "rotated by notebook-tokens", checkpoint: Checkpoint | None = None,
    scopes: Sequence[str] | None = None,
) -> RotationResult:
    """Replace the session's token with a new one kept in `store` (default: where the current one lives).

    `lifetime` None means 90 days, or the workspace maximum when that is shorter ("never" for no expiry).
    `scopes` None keeps the old token's scopes (a scoped token stays scoped); a list replaces them.
    `checkpoint(step)` is called after each step ("created", "stored", "verified", "switched"): tests use
    it to stop the process part-way.
    """
    step = checkpoint or (lambda _name: None)
    session = manager.session
    target = _writable_target(manager, store)
    key = store_key(target, session.host)
    previous = _read(target, session.host)
    repaired = _repair(manager, target, key, previous)
    old = session.credentials.token
    assert old is not None  # _writable_target checked it
    listed = manager._raw_list()
    old_id = id_among(old, listed)  # None: not found among the user's tokens (opaque ids)
    kept, unknown = _scopes_of(listed, old_id, scopes)
    delta = _lifetime(manager, lifetime)
    marker = f"[nt:rot:{key}:{uuid.uuid4().hex[:8]}:{(old_id or '')[:12]}]"
    new, info = manager.create(comment, delta, marker=marker, scopes=kept)
    step("created")
    try:
        manager.store_or_revoke(target, new, info.token_id)
    except NotebookTokensError as error:
        _restore(target, session.host, previous)
        raise RotationError(f"rotation stopped, the old token is still in use: {error}") from error
    step("stored")
    problem = works(manager, new, target)
    if problem is not None:
        manager.revoke(info.token_id, missing_ok=True)
        restored = _restore(target, session.host, previous)
        raise RotationError(
            f"rotation stopped: the new token did not authenticate ({problem}); it was revoked and the old "
            f"token is still in use{' and back in ' + target.description if restored else ''}"
        )
    step("verified")
    session.use(_credentials_for(manager, new, target))
    step("switched")
    warning = _revoke_old(manager, old, old_id, target)
    revoked = not warning
    if unknown:
        warning = " ".join(filter(None, [warning, unknown.format(id=info.token_id)]))
    return RotationResult(new_id=info.token_id, old_id=old_id or old.token_id, stored_in=target.description,
                          token=new, repaired=tuple(repaired), warning=warning, old_revoked=revoked,
                          scopes=tuple(kept))


def _scopes_of(
    listed: list[dict[str, Any]], old_id: str | None, scopes: Sequence[str] | None
) -> tuple[list[str], str]:
    """The new token's scopes: `scopes` when given, else the old token's. When the old token cannot be
    found its scopes are unknown: the new one gets every API, and the second value says so."""
    if scopes is not None:
        return list(scopes), ""
    if old_id is None:
        return [], ("The old token's scopes could not be read (it is not among your tokens), so the new "
                    "token reaches every API: narrow it with %dbtoken scopes {id} --set S,…")
    item = next((i for i in listed if str(i.get("token_id")) == old_id), {})
    return [str(s) for s in item.get("scopes") or []], ""


def _writable_target(manager: TokenManager, store: Store | str | None) -> Store:
    """The store the new token goes to (see `rotation_target`); `store` may still be a spec."""
    credentials = manager.session.credentials
    return rotation_target(credentials, manager.resolve_store(store) if store is not None else None)


def rotation_target(credentials: Credentials, store: Store | None = None) -> Store:
    """Where a rotation of `credentials` writes the new token: `store` when given (an explicit move, e.g.
    `%dbtoken rotate --store SPEC`), else the store the token came from. InputError, with the reason, when
    there is nothing to rotate or the target cannot be written: a token from a read-only source (env,
    profile, notebook context) is never rotated in place, since its source would keep the revoked value.
    The one check of the magic and the panel (which never passes `store`: its Generate form is no target)."""
    target = store if store is not None else credentials.store
    if credentials.token is None:
        raise InputError(f"{credentials.source} is not a personal access token: nothing to rotate")
    if target is None or not target.writable:
        where = target.description if target is not None else credentials.source
        raise InputError(f"the token comes from {where}, which cannot be written: pass --store SPEC "
                         "(secret:SCOPE/KEY, keyring[:SERVICE] or netrc[:PATH]) to move to a new token kept "
                         "there, or `%dbtoken use SPEC` a token from a store and rotate that")
    return target


def _lifetime(manager: TokenManager, lifetime: str | None) -> timedelta | None:
    """The new token's lifetime, checked against the workspace: 90 days or the workspace maximum."""
    delta = parse_lifetime(lifetime) if lifetime is not None else None
    conf = workspace_conf(manager.session)
    if lifetime is None:
        limit = conf.max_lifetime_days
        delta = min(DEFAULT_LIFETIME, timedelta(days=limit)) if limit else DEFAULT_LIFETIME
    manager.check_lifetime(delta, conf)
    return delta


def _revoke_old(manager: TokenManager, old: Token, old_id: str | None, store: Store) -> str:
    """Revoke the replaced token and check the effect: "" only when the old value then gets 403 "Invalid
    access token." through a separate session; otherwise a warning saying what to do."""
    if old_id is None:
        if rejected(manager, old, store):
            return ""  # not listed, and refused: it was already revoked or expired
        return (f"the new token is stored and in use, but the old token {old} was not found among your "
                "tokens (its Token ID is not the SHA-256 of its value in this workspace) and it still "
                "authenticates: revoke it in User Settings > Developer > Access tokens, or find it with "
                "%dbtoken list and run %dbtoken revoke ID")
    try:
        manager.revoke(old_id, missing_ok=True)
    except (NotebookTokensError, OSError) as error:
        return (f"the new token is stored and in use, but revoking the old token {old_id} failed "
                f"({_first_line(error)}): revoke it with %dbtoken revoke {old_id}, or run "
                "%dbtoken rotate again")
    if not rejected(manager, old, store):
        return (f"the new token is stored and in use, but the old token {old_id} still authenticates after "
                f"it was revoked: revoke it with %dbtoken revoke {old_id} and check %dbtoken list")
    return ""


def _restore(store: Store, host: str, previous: Token | None) -> bool:
    if previous is None:
        return False
    try:
        store.write(host, previous)
    except NotebookTokensError:
        return False
    return True

