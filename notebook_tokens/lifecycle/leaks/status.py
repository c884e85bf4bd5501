"""Live, not found or unknown, without sending the leaked token anywhere.

The platform's token identity: `token_id` is the SHA-256 of the value (databricks-sdk `TokensAPI.update`
docstring). A hit whose SHA-256 is among the listed token IDs is live; the match is the proof, since a
SHA-256 is not guessed. A miss means "not found" only once the rule is seen to hold in this workspace: the
token in use, a PAT, must appear in the list under its SHA-256. Where it does not (an OAuth session, token
IDs of another kind), a miss is *unknown*, and only `verify_hits` (asked for with --verify) learns more, by
using each unknown token once against the session's own workspace host, through a WorkspaceSession bound
to that host.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from notebook_tokens.core.errors import ApiError, NotebookTokensError
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.http.workspace import WorkspaceSession
from notebook_tokens.lifecycle.admin import admin_list
from notebook_tokens.lifecycle.leaks.hits import Finding, Hit

if TYPE_CHECKING:
    from notebook_tokens.lifecycle.tokeninfo import TokenInfo
    from notebook_tokens.lifecycle.tokens import TokenManager

__all__ = ["Identity", "classify", "token_inventory", "verify_hits"]


@dataclass(frozen=True)
class Identity:
    """The tokens the scan can match against, and whether a miss means "not found"."""

    infos: dict[str, TokenInfo]
    user: str
    everyone: bool  # admins: every user's tokens (token management)
    calibrated: bool  # the token in use was found under its SHA-256
    reason: str  # why a miss is unknown (when not calibrated)


def token_inventory(manager: TokenManager) -> Identity:
    """The user's tokens (admins: everyone's). Any failure leaves an empty, uncalibrated inventory."""
    try:
        me = manager.me()
        user = str(me.get("userName") or "?")
        everyone = manager.is_admin(me)
        infos = admin_list(manager) if everyone else manager.list()
    except NotebookTokensError as error:
        reason = f"the token list could not be read ({error}), so no hit could be matched"
        return Identity({}, "?", False, False, reason)
    by_id = {info.token_id: info for info in infos}
    current = manager.current_token_id()
    calibrated = current is not None and current in by_id
    reason = "" if calibrated else (
        "the token in use is not a personal access token, so whether token IDs are the SHA-256 of the value "
        "could not be checked" if current is None else
        "this workspace's token IDs are not the SHA-256 of the value (the token in use is not listed under "
        "it), so the identity cannot be established without using the token"
    )
    return Identity(by_id, user, everyone, calibrated, reason)


def _finding(hit: Hit, identity: Identity) -> Finding:
    info = identity.infos.get(hit.token.token_id)
    if info is not None:
        owner = info.created_by or identity.user
        common = {"token_id": info.token_id, "owner": owner, "comment": info.comment,
                  "expires": info.expires, "in_use": info.in_use}
        if info.status == "expired":
            return Finding(hit, "not found", **common, note="expired")  # type: ignore[arg-type]
        return Finding(hit, "live", **common)  # type: ignore[arg-type]
    if identity.calibrated:
        whose = "the workspace's" if identity.everyone else "your"
        note = f"not among {whose} tokens: revoked, expired" + (
            "" if identity.everyone else " or another user's")
        return Finding(hit, "not found", note=note)
    return Finding(hit, "unknown", note=f"{identity.reason}; --verify uses it against the workspace host")


def classify(hits: Iterable[Hit], identity: Identity) -> list[Finding]:
    return [_finding(hit, identity) for hit in hits]


def verify_hits(manager: TokenManager, findings: list[Finding]) -> list[Finding]:
    """Use each *unknown* token once (SCIM Me) against the session's own host, and say so in its note."""
    host = manager.session.host
    verdicts: dict[str, Finding] = {}
    out = []
    for finding in findings:
        if finding.status != "unknown":
            out.append(finding)
            continue
        key = finding.hit.token.token_id
        if key not in verdicts:
            verdicts[key] = _verify(host, finding)
        out.append(replace(verdicts[key], hit=finding.hit))
    return out


def _verify(host: str, finding: Finding) -> Finding:
    creds = Credentials(host=host, source="leaked token (--verify)", token=finding.hit.token)
    with WorkspaceSession(creds, timeout=(5.0, 15.0)) as probe:
        try:
            me = probe.api("GET", "/api/2.0/preview/scim/v2/Me")
        except ApiError as error:
            if error.status in (401, 403):
                return replace(finding, status="not found",
                               note=f"verified: {host} refused it ({error.status})")
            return replace(finding, note=f"--verify got {error.status} from {host}: still unknown")
        except NotebookTokensError as error:
            return replace(finding, note=f"--verify could not reach {host} ({type(error).__name__})")
    owner = str(me.get("userName") or "?") if isinstance(me, dict) else "?"
    return replace(finding, status="live", owner=owner,
                   note=f"verified by using the token once against {host} (its Token ID is not in the list)")
