"""`%dbtoken`: token status, list, generate, revoke, rotate, scopes, use, whoami, netrc, redact, panel, scan.

Thin: parse the line (refusing anything shaped like a token), call `TokenManager`, render with tokenviews.
Errors become `UsageError` here and only here. See `%dbtoken?` / `%dbtoken --help`.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from IPython.core.error import StdinNotImplementedError, UsageError
from IPython.core.magic import Magics, line_magic, magics_class

from notebook_tokens.core.errors import InputError, NotebookTokensError
from notebook_tokens.core.lifetimes import humanize_until
from notebook_tokens.core.redact import looks_like_token, redact
from notebook_tokens.notebook import tokenviews
from notebook_tokens.notebook.tokens.lineparse import (
    LITERAL_REFUSED,
    STORE_MISSING,
    HelpShown,
    attach_negative_values,
    build_parser,
    with_next_step,
    without_comment,
)

if TYPE_CHECKING:
    from notebook_tokens.notebook.context import NotebookContext

__all__ = ["DbTokenMagics", "build_parser", "looks_like_token"]

def _show(text: str, html: str | None = None) -> None:
    from IPython.display import display

    bundle = {"text/plain": text} if html is None else {"text/plain": text, "text/html": html}
    display(bundle, raw=True)  # type: ignore[no-untyped-call]


@magics_class
class DbTokenMagics(Magics):
    """`%dbtoken` over the notebook's `NotebookContext`."""

    def __init__(self, shell: Any, context: NotebookContext) -> None:
        super().__init__(shell)
        self.context = context
        self.ask: Callable[[str], str] = input  # a kernel without stdin raises StdinNotImplementedError

    @line_magic
    def dbtoken(self, line: str = "") -> None:
        """Personal access tokens of the notebook's workspace: %dbtoken [SUBCOMMAND] [options]

        status    the status card: workspace, user, token source, masked value, expiry (also a bare %dbtoken)
                      %dbtoken status
        whoami    user and workspace of the token in use
                      %dbtoken whoami
        list      your tokens; admins: everyone's, filtered
                      %dbtoken list --all-users --expired
        generate  create a token straight into a store (shown masked), then %dbtoken use SPEC
                      %dbtoken generate --store keyring --comment "nightly job" --lifetime 7d
        revoke    revoke tokens by Token ID (the 12-character prefix from list is enough)
                      %dbtoken revoke 0123456789ab --yes
        rotate    replace the token in use with a new one, then revoke the old one
                      %dbtoken rotate --lifetime 30d
        use       switch this notebook to the token in a store or a profile
                      %dbtoken use secret:ops/pat
        netrc     write the token in use to a .netrc file (mode 600) for curl -n
                      %dbtoken netrc ~/.netrc
        redact    turn output redaction on or off
                      %dbtoken redact on
        conf      workspace token settings; admins change them
                      %dbtoken conf --max-days 90
        panel     the interactive token panel (ipywidgets)
                      %dbtoken panel
        login     sign in with OAuth (browser + PKCE); the refresh token goes to a store, refreshed silently
                      %dbtoken login --no-listen
        logout    revoke the OAuth login's refresh token and remove it from its store
                      %dbtoken logout
        sp        service principals and their OAuth secrets (admins); a secret goes straight into a store
                      %dbtoken sp secret create 6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f --store secret:ops/sp
        scopes    the REST calls this kernel made, the scope each needs and the least set; or a token's scopes
                      %dbtoken scopes
        scan      find leaked tokens in files, git history or workspace notebooks, and tell live from dead
                      %dbtoken scan ~/projects --git --revoke

        Stores (SPEC): secret:SCOPE/KEY, keyring[:SERVICE], netrc[:PATH]; use also takes env, profile:NAME,
        and m2m:CLIENT_ID@SPEC (a service principal's OAuth secret kept in SPEC).
        Never type a token on the line: IPython saves every line in history.sqlite. A `# comment` after
        the arguments is ignored. `%dbtoken SUBCOMMAND --help` lists a subcommand's options.
        """
        try:
            self._run(line)
        except HelpShown:
            return
        except NotebookTokensError as error:
            raise UsageError(redact(with_next_step(error))) from error

    def _run(self, line: str) -> None:
        try:
            argv = shlex.split(without_comment(line))
        except ValueError as error:
            raise InputError(f"cannot read the line: {error}") from error
        if any(looks_like_token(arg) for arg in argv) or looks_like_token(line):
            raise InputError(LITERAL_REFUSED)
        args = build_parser().parse_args(attach_negative_values(argv))
        handler = getattr(self, f"_cmd_{(args.command or 'status').replace('-', '_')}")
        handler(args)

    # -- subcommands: parse -> call -> render --------------------------------------------------------
    def _cmd_status(self, args: argparse.Namespace) -> None:
        from notebook_tokens.credentials.oauthcreds import oauth_provider
        from notebook_tokens.notebook import cardviews, oauthviews
        from notebook_tokens.notebook.tokens.commands import status_card

        manager = self.context.manager()
        card = status_card(manager)
        provider = oauth_provider(manager.session.credentials)
        if provider is None:
            _show(cardviews.status_card_text(card), cardviews.status_card_html(card))
        else:  # an OAuth credential: who, grant, scopes and expiry beside the card
            _show(cardviews.status_card_text(card) + "\n" + oauthviews.oauth_card_text(provider),
                  cardviews.status_card_html(card) + oauthviews.oauth_card_html(provider))

    def _cmd_whoami(self, args: argparse.Namespace) -> None:
        manager = self.context.manager()
        user = manager.me().get("userName", "?")
        _show(f"{user} on {manager.session.host} (token from {manager.session.source})")

    def _cmd_list(self, args: argparse.Namespace) -> None:
        manager = self.context.manager()
        admin = bool(args.all_users or args.user)
        if admin:
            from notebook_tokens.lifecycle.admin import admin_list  # lazy: %load_ext stays cheap

            infos = admin_list(manager, user=args.user, expired=True if args.expired else None,
                                       unused_days=args.unused_days)
        elif args.expired or args.unused_days is not None:
            raise InputError("--expired and --unused-days need --all-users (admins)")
        else:
            infos = manager.list()
        _show(tokenviews.token_table_text(infos, show_owner=admin),
              tokenviews.token_table_html(infos, show_owner=admin, show_last_used=admin))

    def _cmd_generate(self, args: argparse.Namespace) -> None:
        from notebook_tokens.notebook.tokens.scopes_command import resolve_scopes

        if not args.store:
            raise InputError(STORE_MISSING)
        store = self._store(args.store, check=True)
        if args.on_behalf_of:
            from notebook_tokens.notebook.tokens.oauth_commands import obo_command

            return _show(obo_command(self.context.manager(), args, store))
        scopes = resolve_scopes(args.scopes, _show)
        made = self.context.manager().generate(args.comment, args.lifetime or "90d", store=store,
                                               scopes=scopes, autoscope=args.autoscope)
        expiry = humanize_until(made.info.expires) if made.info.expires else "never"
        note = ""
        if args.lifetime is None and made.workspace_default_days:
            note = (f" (no --lifetime: 90 days, our default; a token asked for without a lifetime gets "
                    f"{made.workspace_default_days} days from this workspace)")
        _show(f"Generated {made.token} (Token ID {made.info.token_id}), stored in {made.stored_in}; "
              f"expires {expiry}{note}; scopes: {tokenviews.scopes_shown(made.info)}. "
              f"Use it with %dbtoken use {args.store}")

    def _cmd_scopes(self, args: argparse.Namespace) -> None:
        from notebook_tokens.notebook.tokens.scopes_command import scopes_command

        scopes_command(self.context.manager, args, show=_show)

    def _cmd_revoke(self, args: argparse.Namespace) -> None:
        from notebook_tokens.notebook.tokens.commands import revoke_command

        revoke_command(self.context.manager(), args, confirm=self._confirm, show=_show)

    def _cmd_rotate(self, args: argparse.Namespace) -> None:
        manager = self.context.manager()
        from notebook_tokens.core.scopes import describe
        from notebook_tokens.lifecycle.rotation import rotate
        from notebook_tokens.notebook.tokens.scopes_command import resolve_scopes

        store = self._store(args.store, check=True) if args.store else None
        result = rotate(manager, store, lifetime=args.lifetime, scopes=resolve_scopes(args.scopes, _show))
        fate = f"old token {result.old_id} revoked" if result.old_revoked else "the old token may still work"
        text = (f"Rotated: {result.token} (Token ID {result.new_id}) is stored in {result.stored_in} and in "
                f"use, scopes: {describe(result.scopes)}; {fate}.")
        if result.repaired:
            text += f" Cleaned up after an interrupted rotation: {', '.join(result.repaired)}."
        _show(f"{text}\nWarning: {result.warning}" if result.warning else text)

    def _cmd_use(self, args: argparse.Namespace) -> None:
        creds = self.context.use(args.spec)
        shown = creds.token.masked if creds.token is not None else "OAuth"
        _show(f"Now using {shown} from {creds.source} on {creds.host}")

    def _cmd_netrc(self, args: argparse.Namespace) -> None:
        session = self.context.session()
        token = session.credentials.token
        if token is None:
            raise InputError(f"{session.source} is not a personal access token: nothing to write to .netrc")
        store = self._store(f"netrc:{args.path}" if args.path else "netrc")
        store.write(session.host, token)
        _show(f"Wrote {token} for {session.host} to {store.description} (machine … login token password …); "
              f"curl -n {session.host}/api/2.0/token/list now works")

    def _cmd_redact(self, args: argparse.Namespace) -> None:
        self.context.config.redact = args.state == "on"
        _show(f"Output redaction is {args.state}.")

    def _cmd_conf(self, args: argparse.Namespace) -> None:
        from notebook_tokens.lifecycle.admin import set_workspace_conf
        from notebook_tokens.lifecycle.conf import workspace_conf

        manager = self.context.manager()
        enabled = True if args.enable else False if args.disable else None
        if enabled is not None or args.max_days is not None:
            set_workspace_conf(manager, tokens_enabled=enabled, max_lifetime_days=args.max_days)
        conf = workspace_conf(manager.session)
        limit = f"{conf.max_lifetime_days} days" if conf.max_lifetime_days else "no limit"
        _show(f"Personal access tokens: {'enabled' if conf.tokens_enabled else 'disabled'}; "
              f"maximum lifetime of new tokens: {limit}")

    def _cmd_login(self, args: argparse.Namespace) -> None:
        from notebook_tokens.notebook.tokens.oauth_commands import login_command

        _show(login_command(self.context, args, ask=self.ask, show=_show))

    def _cmd_logout(self, args: argparse.Namespace) -> None:
        from notebook_tokens.notebook.tokens.oauth_commands import logout_command

        _show(logout_command(self.context))

    def _cmd_sp(self, args: argparse.Namespace) -> None:
        from notebook_tokens.notebook.tokens.oauth_commands import sp_command

        sp_command(self.context, args, show=_show)

    def _cmd_panel(self, args: argparse.Namespace) -> None:
        from notebook_tokens.notebook.panel import tokenpanel as panel  # lazy: imports ipywidgets

        panel.show(self.context)

    def _cmd_scan(self, args: argparse.Namespace) -> None:
        from notebook_tokens.notebook.tokens.scan_command import scan_command

        namespace = self.shell.user_ns if self.shell is not None else {}
        scan_command(self.context, args, confirm=self._confirm, show=_show, namespace=namespace)

    # -- helpers ---------------------------------------------------------------------------------
    def _store(self, spec: str, *, check: bool = False) -> Any:
        """The store a spec names. Only a secret scope written outside a notebook needs the workspace
        session (the Secrets API); no other store opens one. With `check`, a store that could not keep
        a token (no keyring backend, an unwritable folder) is refused now, before a token is created."""
        from notebook_tokens.credentials.stores.secret import SecretStore
        from notebook_tokens.credentials.stores.specs import parse_store

        store = parse_store(spec, dbutils=self.context.dbutils)
        if isinstance(store, SecretStore) and store.api is None:
            store.api = self.context.session()
        probe = getattr(store, "check_writable", None)  # keyring and netrc have a cheap one
        if check and probe is not None:
            probe()
        return store

    def _confirm(self, question: str) -> bool:
        try:
            answer = self.ask(f"{question} [y/N] ")
        except (StdinNotImplementedError, EOFError, OSError) as error:
            raise InputError("this kernel cannot ask for confirmation: pass --yes") from error
        return answer.strip().lower() in {"y", "yes"}

