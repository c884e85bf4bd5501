"""The `%dbtoken` line: its argparse parser (every subcommand and option), comment stripping, and the
messages for a line that cannot be used. Pure of IPython: the magic in magic.py turns errors into
UsageError."""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

from notebook_tokens.core.errors import ApiError, InputError, NotebookTokensError
from notebook_tokens.notebook.tokens.scan_args import add_scan_parser

__all__ = [
    "LITERAL_REFUSED", "STORE_MISSING", "HelpShown", "Parser", "attach_negative_values", "build_parser",
    "with_next_step", "without_comment",
]


LITERAL_REFUSED = (
    "that argument looks like a token, and a magic line is saved in IPython's history (history.sqlite): "
    "it was not used. Enter a token with getpass.getpass() in code, or keep it in a store "
    "(secret:SCOPE/KEY, keyring[:SERVICE], netrc[:PATH]) and run %dbtoken use SPEC."
)


STORE_MISSING = (
    "generate needs --store, where the new token goes: --store secret:SCOPE/KEY (a Databricks secret "
    "scope), --store keyring[:SERVICE] (the keyring package: pip install 'notebook-tokens[keyring]'), "
    "or --store netrc[:PATH] (a netrc file, default ~/.netrc). "
    'For example: %dbtoken generate --store keyring --comment "nightly job" --lifetime 7d'
)


def without_comment(line: str) -> str:
    """The line before an unquoted ` #`: `%dbtoken list  # mine` is how notebooks annotate a magic line
    (README's tour does), and argparse would take `#` for an argument. A `#` inside a word or quotes stays."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index]
    return line


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise InputError(f"{message}\n{self.format_usage().strip()}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise HelpShown(message or "")


def attach_negative_values(argv: list[str]) -> list[str]:
    """`--lifetime -1d` -> `--lifetime=-1d`: argparse takes a word starting with "-" for an option and
    says "expected one argument"; attached, the value reaches its own check ("must be longer than zero")."""
    out: list[str] = []
    for word in argv:
        if out and out[-1].startswith("--") and "=" not in out[-1] and re.fullmatch(r"-[0-9.].*", word):
            out[-1] = f"{out[-1]}={word}"
        else:
            out.append(word)
    return out


class HelpShown(Exception):
    """--help was asked: the help text was printed, nothing else to do."""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="%dbtoken",
        description="Personal access tokens of the notebook's workspace. Bare %dbtoken shows who you are, "
        "the workspace, where the token came from and when it expires.",
    )
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    listing = sub.add_parser("list", help="your tokens (admins: --all-users / --user U)")
    listing.add_argument("--all-users", action="store_true", help="everyone's tokens (admins)")
    listing.add_argument("--user", help="one user's tokens (admins)")
    listing.add_argument("--expired", action="store_true", help="only expired tokens (with --all-users)")
    listing.add_argument("--unused-days", type=int, metavar="N", help="unused for N days (with --all-users)")
    generate = sub.add_parser("generate", help="create a token straight into a store")
    generate.add_argument("--comment", default="", help="what the token is for")
    generate.add_argument("--lifetime", default=None,
                          help="e.g. 90d, 12h, 2w (default 90d; at most the workspace maximum, 730d)")
    generate.add_argument("--store", help="secret:SCOPE/KEY, keyring[:SERVICE], netrc[:PATH] (required)")
    generate.add_argument("--scopes", metavar="S[,S…]",
                          help="APIs the token may call (clusters, clusters:read, sql, …), or 'observed': "
                          "the least set for this kernel's calls (see %%dbtoken scopes); default every API")
    generate.add_argument("--autoscope", action="store_true",
                          help="let the platform narrow the token to the APIs it uses")
    generate.add_argument("--on-behalf-of", metavar="SP_APP_ID", help="for this service principal (admins)")
    revoke = sub.add_parser("revoke", help="revoke tokens by id (admins: --all-users with filters)")
    revoke.add_argument("ids", nargs="*", metavar="ID", help="Token IDs (see %%dbtoken list)")
    revoke.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    revoke.add_argument("--all-users", action="store_true", help="any user's tokens (token management)")
    revoke.add_argument("--user", help="with --all-users: only this user's tokens")
    revoke.add_argument("--expired", action="store_true", help="with --all-users: every expired token")
    revoke.add_argument("--unused-days", type=int, metavar="N", help="with --all-users: unused for N days")
    revoke.add_argument("--concurrency", type=int, default=8, help="parallel revokes (admin bulk, default 8)")
    rotate = sub.add_parser("rotate", help="replace the token in use with a new one, then revoke the old")
    rotate.add_argument("--store", help="where the new token goes (default: where the current one lives)")
    rotate.add_argument("--lifetime", help="of the new token (default 90d, or the workspace maximum if less)")
    rotate.add_argument("--scopes", metavar="S[,S…]",
                        help="the new token's scopes, or 'observed' (default: the old token's scopes)")
    scopes = sub.add_parser("scopes", help="the REST calls this kernel made and the scopes they need")
    scopes.add_argument("id", nargs="?", metavar="ID", help="a Token ID: show (or --set) its scopes")
    scopes.add_argument("--set", metavar="S[,S…]", help="with ID: replace its scopes (or 'observed')")
    scopes.add_argument("--reset", action="store_true", help="forget the recorded calls, record afresh")
    use = sub.add_parser("use", help="switch this notebook to the token in a store or profile")
    use.add_argument("spec", help="secret:SCOPE/KEY, keyring[:SERVICE], netrc[:PATH], env or profile:NAME")
    sub.add_parser("status", help="the status card (the same as a bare %%dbtoken)")
    sub.add_parser("whoami", help="user and workspace of the token in use")
    netrc = sub.add_parser("netrc", help="write the token in use to a .netrc for curl -n")
    netrc.add_argument("path", nargs="?", help="default ~/.netrc")
    redaction = sub.add_parser("redact", help="turn output redaction on or off")
    redaction.add_argument("state", choices=["on", "off"])
    conf = sub.add_parser("conf", help="workspace token settings (admins change them)")
    switch = conf.add_mutually_exclusive_group()
    switch.add_argument("--enable", action="store_true", help="enable personal access tokens")
    switch.add_argument("--disable", action="store_true", help="disable personal access tokens")
    conf.add_argument("--max-days", type=int, metavar="N", help="maximum lifetime of new tokens, 0 = none")
    sub.add_parser("panel", help="the interactive token panel (ipywidgets)")
    _add_oauth_parsers(sub)
    add_scan_parser(sub)
    return parser


def with_next_step(error: NotebookTokensError) -> str:
    """An HTTP error without a specific hint still ends with what to do (400, 404, 409, 429, 5xx)."""
    if isinstance(error, ApiError) and not error.hint:
        from notebook_tokens.core.apierrors import next_step  # lazy: %load_ext imports this module

        step = next_step(error.status, error.error_code)
        return f"{error}\n{step}" if step else str(error)
    return str(error)


def _add_oauth_parsers(sub: Any) -> None:
    login = sub.add_parser("login", help="sign in with OAuth (U2M, browser + PKCE); refreshes silently")
    login.add_argument("--scopes", nargs="+", help="OAuth scopes (default all-apis offline_access)")
    login.add_argument("--store", help="where the refresh token goes (default keyring:notebook-tokens-oauth)")
    login.add_argument("--no-store", action="store_true", help="keep the refresh token in memory only")
    login.add_argument("--no-listen", action="store_true", help="always ask for the address landed on")
    login.add_argument("--host", help="the workspace (default DATABRICKS_HOST)")
    login.add_argument("--port", type=int, default=8020, help="the redirect's localhost port (default 8020)")
    login.add_argument("--listen-timeout", type=float, default=300.0, help=argparse.SUPPRESS)
    sub.add_parser("logout", help="revoke the OAuth login's refresh token and remove it from its store")
    sp = sub.add_parser("sp", help="service principals and their OAuth secrets (admins)")
    sp_sub = sp.add_subparsers(dest="sp_command", required=True, parser_class=Parser)
    sp_sub.add_parser("list", help="service principals with their OAuth secrets")
    secret = sp_sub.add_parser("secret", help="create or revoke a service principal's OAuth secret")
    secret_sub = secret.add_subparsers(dest="secret_command", required=True, parser_class=Parser)
    create = secret_sub.add_parser("create", help="a new OAuth secret, straight into a store (never shown)")
    create.add_argument("application_id", metavar="SP_APP_ID")
    create.add_argument("--store", required=True, help="secret:SCOPE/KEY, keyring[:SERVICE], netrc[:PATH]")
    create.add_argument("--lifetime", type=int, metavar="DAYS", help="default 730 days")
    rotate = secret_sub.add_parser("rotate", help="replace the secret in a store, then delete the old one")
    rotate.add_argument("application_id", metavar="SP_APP_ID")
    rotate.add_argument("--store", required=True, help="the store that holds the secret")
    rotate.add_argument("--lifetime", type=int, metavar="DAYS", help="of the new secret (default 730 days)")
    rotate.add_argument("--old-secret-id", help="the id of the secret the store holds, when not known")
    revoke = secret_sub.add_parser("revoke", help="delete one OAuth secret")
    revoke.add_argument("application_id", metavar="SP_APP_ID")
    revoke.add_argument("secret_id", metavar="SECRET_ID")
