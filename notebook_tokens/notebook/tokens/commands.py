"""The two `%dbtoken` subcommands with more than a call in them: the status card and revoke.

Kept out of tokenmagics.py so the magic stays thin; imports IPython.display only inside functions.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from notebook_tokens.core.errors import ApiError, InputError
from notebook_tokens.lifecycle.admin import admin_list, bulk_revoke
from notebook_tokens.lifecycle.tokeninfo import check_token_id
from notebook_tokens.notebook.cardviews import (
    StatusCard,
    progress_html,
    progress_text,
    revoke_results_html,
    revoke_results_text,
)
from notebook_tokens.notebook.tokenviews import scopes_shown, short_id, shown_comment

if TYPE_CHECKING:
    from notebook_tokens.lifecycle.tokens import TokenInfo, TokenManager

__all__ = ["match_ids", "revoke_command", "status_card"]

Show = Callable[..., None]
Confirm = Callable[[str], bool]
_IN_USE_WARNING = (
    "Warning: {id} is the token this notebook uses; once revoked, calls from here fail with 403 "
    '"Invalid access token." until you run %dbtoken use SPEC with another token.'
)


def status_card(manager: TokenManager) -> StatusCard:
    """Workspace, user (SCIM Me), token source, masked value and expiry of the session's token."""
    session = manager.session
    token = session.credentials.token
    me = manager.me()
    admin = manager.is_admin(me)
    mine: TokenInfo | None = None
    notes: list[str] = []
    if token is not None:
        try:
            mine = next((info for info in manager.list() if info.in_use), None)
        except ApiError as error:
            notes.append(f"could not list tokens: {error.message}")
        if mine is None and not notes:
            notes.append("this token is not among your personal access tokens, so its expiry is unknown")
    return StatusCard(
        host=session.host, user=str(me.get("userName") or me.get("displayName") or "?"),
        source=session.source, masked=token.masked if token is not None else None,
        expires=mine.expires if mine else None, expiry_known=mine is not None,
        status=mine.status if mine else "", token_id=token.token_id if token is not None else None,
        admin=admin, notes=tuple(notes), scopes=scopes_shown(mine) if mine else "",
    )


def match_ids(wanted: list[str], infos: list[TokenInfo]) -> list[TokenInfo]:
    """Token infos for full ids or unique prefixes (as the table shows them, "0123456789ab…")."""
    found: list[TokenInfo] = []
    for raw in wanted:
        prefix = check_token_id(raw.strip().rstrip("…").rstrip(".")).lower()
        hits = [info for info in infos if info.token_id.lower().startswith(prefix)]
        if not hits:
            raise InputError(f"no token with id {raw} among your tokens: check %dbtoken list "
                             "(admins revoke others' tokens with %dbtoken revoke --all-users ID)")
        if len(hits) > 1:
            raise InputError(f"{raw} matches {len(hits)} tokens: give more of the Token ID")
        if hits[0] not in found:
            found.append(hits[0])
    return found


def revoke_command(manager: TokenManager, args: argparse.Namespace, *, confirm: Confirm, show: Show) -> None:
    """`%dbtoken revoke`: your tokens by id, or (admins, --all-users) anyone's, filtered, in bulk."""
    for raw in args.ids:  # before any request: an empty or path-like id is a typo, not a token
        check_token_id(raw.strip().rstrip("…").rstrip("."))
    if args.concurrency < 1:
        raise InputError(f"--concurrency {args.concurrency}: give at least 1 parallel revoke")
    if args.all_users:
        _admin_revoke(manager, args, confirm=confirm, show=show)
        return
    if args.user or args.expired or args.unused_days is not None:
        raise InputError("--user, --expired and --unused-days select other users' tokens: add --all-users")
    if not args.ids:
        raise InputError("give the Token IDs to revoke (see %dbtoken list): %dbtoken revoke 0123456789ab")
    targets = match_ids(args.ids, manager.list())
    for info in targets:
        if info.in_use:
            show(_IN_USE_WARNING.format(id=short_id(info.token_id)))
    if not args.yes:
        names = ", ".join(f"{short_id(i.token_id)} ({shown_comment(i.comment) or 'no comment'})"
                          for i in targets)
        if not confirm(f"Revoke {len(targets)} token(s): {names}?"):
            show("Nothing revoked.")
            return
    for info in targets:
        manager.revoke(info.token_id)
    show(f"Revoked {len(targets)} token(s): {', '.join(short_id(i.token_id) for i in targets)}")


def _admin_revoke(manager: TokenManager, args: argparse.Namespace, *, confirm: Confirm, show: Show) -> None:
    if args.ids:
        ids = [token_id.strip() for token_id in args.ids]
    else:
        if not (args.user or args.expired or args.unused_days is not None):
            raise InputError("refusing to revoke every token of every user: add --expired, --unused-days N, "
                             "--user U, or give Token IDs")
        infos = admin_list(manager, user=args.user, expired=True if args.expired else None,
                                   unused_days=args.unused_days)
        ids = [info.token_id for info in infos]
    if not ids:
        show("No tokens match: nothing revoked.")
        return
    current = manager.current_token_id()
    if current in ids:
        show(_IN_USE_WARNING.format(id=short_id(current or "")))
    if not args.yes and not confirm(f"Revoke {len(ids)} token(s) of any user through token management?"):
        show("Nothing revoked.")
        return
    progress = _progress_display()
    results = bulk_revoke(manager, ids, concurrency=args.concurrency, progress=progress)
    show(revoke_results_text(results), revoke_results_html(results))


def _progress_display() -> Callable[[int, int], None]:
    """A progress bar updated in place (a display handle: works in every front end, no widgets)."""
    from IPython.display import display

    handle: Any = None
    last = -1

    def update(done: int, total: int) -> None:
        nonlocal handle, last
        step = max(1, total // 50)
        if done != total and done - last < step and handle is not None:
            return
        last = done
        bundle = {"text/plain": progress_text(done, total), "text/html": progress_html(done, total)}
        if handle is None:
            handle = display(bundle, raw=True, display_id=True)  # type: ignore[no-untyped-call]
        else:
            handle.update(bundle, raw=True)

    return update
