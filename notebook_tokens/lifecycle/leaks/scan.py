"""One scan over every source asked for: local paths, their git history, a workspace folder."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from notebook_tokens.core.redact import Token
from notebook_tokens.lifecycle.leaks.files import Tally, scan_paths
from notebook_tokens.lifecycle.leaks.history import git_root, scan_history
from notebook_tokens.lifecycle.leaks.hits import Hit
from notebook_tokens.lifecycle.leaks.matcher import Matcher
from notebook_tokens.lifecycle.leaks.parallel import scan_tree
from notebook_tokens.lifecycle.leaks.remote import scan_workspace

if TYPE_CHECKING:
    from notebook_tokens.http.workspace import WorkspaceSession

__all__ = ["ScanRequest", "ScanResult", "run_scan"]


@dataclass(frozen=True)
class ScanRequest:
    paths: tuple[Path, ...] = ()
    git: bool = False  # also every blob of the repositories holding `paths`
    workspace_folder: str | None = None  # a workspace folder to scan through the Workspace API


@dataclass
class ScanResult:
    hits: list[Hit] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    git_repositories: list[str] = field(default_factory=list)


def run_scan(request: ScanRequest, known: Iterable[Token], session: WorkspaceSession | None = None,
             *, matcher: Matcher | None = None) -> ScanResult:
    """Every hit of `known` tokens (and of the PAT shape) in what `request` names, in a stable order."""
    matcher = matcher or Matcher(known)
    result = ScanResult()
    if len(request.paths) == 1 and request.paths[0].is_dir():  # the common case: one folder, maybe large
        parallel = scan_tree(request.paths[0], matcher, result.tally)
        result.hits.extend(parallel if parallel is not None else scan_paths(list(request.paths), matcher,
                                                                            result.tally))
    else:
        result.hits.extend(scan_paths(list(request.paths), matcher, result.tally))
    if request.git:
        repositories: dict[Path, None] = {}
        for path in request.paths:
            repositories[git_root(path)] = None
        for git_dir in repositories:
            result.git_repositories.append(str(git_dir))
            result.hits.extend(scan_history(git_dir, matcher, result.tally))
    if request.workspace_folder is not None and session is not None:
        result.hits.extend(scan_workspace(session, request.workspace_folder, matcher, result.tally))
    return result
