"""Rotation of a service principal's OAuth secret that survives a crash at any step.

    note intent -> create -> note new id + SHA-256 -> verify (client_credentials) -> store + read back
    -> note "stored" -> delete the old secret -> check the old secret's exchange now fails

The secrets API has no comment to mark a secret with, so the marker is the local journal (spjournal.py).
A rerun first repairs what a crash left: a new secret that never reached the store is deleted (found by
its id, or, when create's answer was lost, as a secret that was not there before); a new secret the store
holds (it was verified before it was stored) finishes its rotation: the secret it replaced is deleted. So
every rerun ends with one working secret in the store and no orphan. The old secret is deleted only after
the new one is verified and stored.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from notebook_tokens.core.errors import (
    ApiError,
    InputError,
    NotebookTokensError,
    RotationError,
    TransportError,
)
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.oauth import client_credentials
from notebook_tokens.http.oauth import post_form
from notebook_tokens.lifecycle.spjournal import Journal, Noted, digest, journal_path
from notebook_tokens.lifecycle.spsecrets import scim_id, secrets_path

if TYPE_CHECKING:
    from notebook_tokens.credentials.stores.base import Store
    from notebook_tokens.http.workspace import WorkspaceSession

__all__ = ["SpRotationResult", "exchange_problem", "rotate_sp_secret"]

Checkpoint = Callable[[str], None]


@dataclass(frozen=True)
class SpRotationResult:
    """The new secret's id, the old one's (None: not known), where the new one is stored, ids deleted while
    repairing an interrupted rotation, and a warning ("" if none). `old_revoked` is True only when the old
    secret was deleted and its client_credentials exchange was then refused."""

    application_id: str
    new_id: str
    old_id: str | None
    stored_in: str
    repaired: tuple[str, ...] = ()
    warning: str = ""
    old_revoked: bool = False


def exchange_problem(host: str, application_id: str, secret: Token) -> str | None:
    """None when `secret` gets an access token (client_credentials), else the endpoint's reason."""
    try:
        client_credentials(post_form, host, application_id, secret)
    except (NotebookTokensError, OSError) as error:
        return (str(error).splitlines() or [type(error).__name__])[0]
    return None


def rotate_sp_secret(
    session: WorkspaceSession, application_id: str, store: Store, *, lifetime_days: int | None = None,
    old_secret_id: str | None = None, checkpoint: Checkpoint | None = None, journal_dir: Path | None = None,
) -> SpRotationResult:
    """Replace the principal's secret kept in `store` with a new one. `checkpoint(step)` is called after
    "created", "verified", "stored", "recorded" and "deleted": tests stop the process there."""
    step = checkpoint or (lambda _name: None)
    host = session.host
    if not store.writable:
        raise InputError(f"{store.description} is read only: name the writable store that holds the secret.")
    journal = Journal.load(journal_path(host, application_id, store.spec, journal_dir))
    sp_id = scim_id(session, application_id)
    repaired = _repair(session, application_id, sp_id, store, journal)
    old = _read(store, host)
    if old is None:
        raise InputError(f"{store.description} holds no secret to rotate: create one with "
                         f"%dbtoken sp secret create {application_id} --store {store.spec}")
    listed = _ids(session, sp_id)
    old_id = _old_id(host, application_id, old, listed, journal, old_secret_id)
    journal.pending, journal.before, journal.replaces = Noted(), listed, old_id
    journal.save()  # the intent, before create: a lost answer is then found as a secret not in `before`
    secret, new_id = _create(session, application_id, sp_id, store, journal, lifetime_days)
    step("created")
    problem = exchange_problem(host, application_id, secret)
    if problem is not None:
        _undo(session, sp_id, journal)
        raise RotationError(f"rotation stopped: the new secret did not authenticate ({problem}); it was "
                            "deleted and the old secret is still in use")
    step("verified")
    try:
        store.write(host, secret)
        if store.read(host) != secret:
            raise RotationError(f"{store.description} did not keep the new secret")
    except NotebookTokensError as error:
        _restore(store, host, old)
        _undo(session, sp_id, journal)
        raise RotationError(f"rotation stopped, the old secret is still in use: {error}") from error
    step("stored")
    journal.current, journal.pending, journal.retire, journal.replaces = journal.pending, None, old_id, None
    journal.save()
    step("recorded")
    warning = _retire(session, sp_id, journal, application_id, old)
    step("deleted")
    return SpRotationResult(application_id, new_id, old_id, store.description, tuple(repaired), warning,
                            old_revoked=not warning)


def _create(
    session: WorkspaceSession, application_id: str, sp_id: str, store: Store, journal: Journal,
    lifetime_days: int | None,
) -> tuple[Token, str]:
    body = {"lifetime": f"{lifetime_days * 86_400}s"} if lifetime_days else {}
    try:
        made = session.api("POST", secrets_path(sp_id), json=body)
    except (TransportError, OSError, ApiError) as error:
        if isinstance(error, ApiError) and error.status < 500:
            journal.pending = journal.replaces = None  # refused: nothing was made
            journal.save()
            raise
        with contextlib.suppress(NotebookTokensError, OSError):  # the answer was lost: delete what it made
            _repair(session, application_id, sp_id, store, journal)
        raise RotationError(f"creating the new secret got no answer ({type(error).__name__}); any secret it "
                            "made was deleted, or will be by the next rotate: nothing changed") from error
    secret = Token(str(made.get("secret") or ""))  # registered for redaction before anything else happens
    new_id = str(made.get("id"))
    journal.pending = Noted(new_id, digest(secret))
    journal.save()
    return secret, new_id


def _old_id(
    host: str, application_id: str, old: Token, listed: list[str], journal: Journal, given: str | None
) -> str | None:
    """The id of the secret the store holds: given, noted in the journal, or the principal's only secret
    when the stored value works (a working secret is one of the principal's). None: not known."""
    if given is not None:
        if given not in listed:
            raise InputError(f"{application_id} has no secret {given}: see %dbtoken sp list")
        return given
    noted = journal.holds(old)
    if noted in listed:
        return noted
    if len(listed) == 1 and exchange_problem(host, application_id, old) is None:
        return listed[0]
    return None


def _repair(
    session: WorkspaceSession, application_id: str, sp_id: str, store: Store, journal: Journal
) -> list[str]:
    """Undo or finish what an interrupted rotation of `store` left; returns the deleted ids."""
    deleted: list[str] = []
    pending = journal.pending
    if pending is not None:
        stored = _read(store, session.host)
        if stored is not None and pending.sha256 and digest(stored) == pending.sha256:
            # the new secret was verified, then stored: finish its rotation
            journal.current, journal.retire = pending, journal.replaces
        else:  # it never reached the store
            keep = {journal.current.id} if journal.current else set()
            orphans = [pending.id] if pending.id else [
                i for i in _ids(session, sp_id) if i not in journal.before and i not in keep
            ]
            deleted += [i for i in orphans if _delete(session, sp_id, i)]
        journal.pending, journal.replaces = None, None
        journal.save()
    if journal.retire:
        if _delete(session, sp_id, journal.retire):
            deleted.append(journal.retire)
        journal.retire = None
        journal.save()
    return deleted


def _retire(
    session: WorkspaceSession, sp_id: str, journal: Journal, application_id: str, old: Token
) -> str:
    """Delete the replaced secret and check the effect: "" only when its exchange is then refused."""
    old_id = journal.retire
    if old_id is None:
        if exchange_problem(session.host, application_id, old) is not None:
            return ""  # not known, and refused: it was already deleted or expired
        return (f"the new secret is stored and works, but which of {application_id}'s secrets the old one "
                "was is not known (it was not made by notebook-tokens here): find it with %dbtoken sp list "
                f"and delete it with %dbtoken sp secret revoke {application_id} SECRET_ID")
    try:
        _delete(session, sp_id, old_id)
    except (NotebookTokensError, OSError) as error:
        return (f"the new secret is stored and works, but deleting the old secret {old_id} failed ({error}): "
                "run %dbtoken sp secret rotate again, or revoke it with %dbtoken sp secret revoke")
    journal.retire = None
    journal.save()
    if exchange_problem(session.host, application_id, old) is None:
        return f"the old secret {old_id} still gets access tokens after it was deleted: see %dbtoken sp list"
    return ""


def _undo(session: WorkspaceSession, sp_id: str, journal: Journal) -> None:
    if journal.pending is not None and journal.pending.id:
        with contextlib.suppress(NotebookTokensError, OSError):
            _delete(session, sp_id, journal.pending.id)
    journal.pending = journal.replaces = None
    journal.save()


def _delete(session: WorkspaceSession, sp_id: str, secret_id: str) -> bool:
    """Delete one secret; False when it was already gone (404)."""
    try:
        session.api("DELETE", f"{secrets_path(sp_id)}/{secret_id}")
    except ApiError as error:
        if error.status == 404:
            return False
        raise
    return True


def _ids(session: WorkspaceSession, sp_id: str) -> list[str]:
    answer = session.api("GET", secrets_path(sp_id))
    return [str(s["id"]) for s in (answer.get("secrets") or [])] if isinstance(answer, dict) else []


def _read(store: Store, host: str) -> Token | None:
    try:
        return store.read(host)
    except NotebookTokensError:
        return None


def _restore(store: Store, host: str, previous: Token) -> None:
    with contextlib.suppress(NotebookTokensError):
        store.write(host, previous)
