"""`%dbrest` / `%%dbrest`: Databricks REST calls from notebook cells, the bearer injected per request.

Thin front end: parse (restcell) -> call (restcall, over the context's WorkspaceSession) -> RestResult
(render). Input problems become `UsageError` here, and only here.
"""

# IPython's magic_arguments decorators carry no type information:
# mypy: disable-error-code="no-untyped-call, untyped-decorator"
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand
from IPython.core.magic_arguments import argument

from notebook_tokens.core.errors import (
    ApiError,
    CredentialsNotFoundError,
    InputError,
    StoreError,
    TransportError,
)
from notebook_tokens.core.redact import redact
from notebook_tokens.notebook.rest.expand import expand_line
from notebook_tokens.notebook.rest.lazyargs import deferred_arguments, parser_of
from notebook_tokens.notebook.rest.line import (
    check_options,
    compile_extract,
    doc_target,
    parse_words,
    split_line,
)

if TYPE_CHECKING:
    from notebook_tokens.notebook.context import NotebookContext
    from notebook_tokens.notebook.rest.apihelp import ApiDoc
    from notebook_tokens.notebook.rest.call import CallOptions
    from notebook_tokens.notebook.rest.export import Snippet
    from notebook_tokens.notebook.rest.parse import RestRequest
    from notebook_tokens.notebook.rest.render import RestResult

__all__ = ["DbRestMagics"]

_PARSE_CACHE_SIZE = 256
_USER_ERRORS = (InputError, TransportError, CredentialsNotFoundError, StoreError)


@magics_class
class DbRestMagics(Magics):
    """The `%dbrest` magics; `context` holds the settings and the workspace session."""

    def __init__(self, shell: Any, context: NotebookContext) -> None:
        super().__init__(shell)
        self.context = context
        self._ip: Any = shell  # Magics.shell is typed Optional; this one always has a shell
        self._parsed: dict[str, Any] = {}

    @no_var_expand  # expand_line does IPython's expansion, only for a line that has something to expand
    @deferred_arguments()
    @argument("-o", "--out", metavar="NAME", help="store the result data in this notebook variable")
    @argument("-q", "--quiet", action="store_true", help="display nothing (the line form still returns)")
    @argument("--all", dest="all_pages", action="store_true", help="follow pagination and merge the lists")
    @argument("--max-pages", type=int, metavar="N", help="--all, for at most N pages")
    @argument("-e", "--extract", metavar="EXPR", help="JMESPath expression applied to the JSON answer")
    @argument("--raise", dest="raise_errors", action="store_true", help="raise on HTTP errors (fail the run)")
    @argument("--timeout", type=float, metavar="S", help="seconds to wait (connect and read)")
    @argument("--store", metavar="SPEC", help="credential store, e.g. keyring, netrc, secret:ops/pat")
    @argument("--profile", metavar="NAME", help="~/.databrickscfg profile")
    @argument("--host", metavar="URL", help="workspace URL (default: DATABRICKS_HOST or the profile's host)")
    @argument("-v", "--verbose", action="store_true", help="show the request line and headers (masked)")
    @argument("--table", action="store_true", help="render a list of objects as an HTML table")
    @argument("--doc", action="store_true", help="show the endpoint's summary and parameters; send nothing")
    @argument(
        "--as",
        dest="as_form",
        choices=("curl", "python", "sdk"),
        help="print the request as a curl command, notebook_tokens.session() or SDK code; send nothing",
    )
    @argument("request", nargs="*", metavar="[METHOD] PATH [name==value ...] [Header:value ...]")
    @line_cell_magic
    def dbrest(self, line: str, cell: str | None = None) -> RestResult | ApiDoc | Snippet:
        """Call the Databricks REST API of the workspace; the token comes from a store, never from the cell.

        METHOD is GET (default), POST, PUT, PATCH, DELETE or HEAD. PATH is relative to the workspace.
        The cell body is JSON (or @file.json); $name and ${name} take values from the notebook, $$ is a $.
        For GET and DELETE a JSON object body becomes query parameters. IPython expands {expr} and $var on
        the magic line itself; a # that begins a word starts a comment.

        Examples::

            %%dbrest GET /api/2.0/clusters/list

            %%dbrest POST /api/2.0/clusters/start
            {"cluster_id": "$cid"}

            ids = %dbrest GET /api/2.1/clusters/list page_size==100 --all -e 'clusters[].cluster_id' -q
            %dbrest GET /api/2.0/clusters/get cluster_id=={cid} -o cluster
            %dbrest GET /api/2.1/jobs/list --table --profile PROD
            %dbrest --doc /api/2.1/clusters/list
            %dbrest POST /api/2.0/clusters/start cluster_id==$cid --as curl

        Tab completes methods, paths and name== query parameters from databricks-sdk's API.
        """
        try:
            return self._run(expand_line(self._ip, line), cell)
        except _USER_ERRORS as exc:
            raise UsageError(redact(str(exc))) from None

    def _run(self, line: str, cell: str | None) -> RestResult | ApiDoc | Snippet:
        call, parse_request = _calling()
        args, finder, request, quiet_options = self._parse_line(line)
        if args.doc:
            from notebook_tokens.notebook.rest.apihelp import api_doc

            return api_doc(*doc_target(args.request))
        namespace = self._ip.user_ns
        if request is None or cell is not None:  # every input check before any session
            request = parse_request(args.request, cell, namespace)
        if args.as_form:
            return self._export(args, request, cell)
        note = "" if args.quiet else _presend_note(request.method, request.path)
        if note:
            from notebook_tokens.notebook.rest.render import note_bundle

            _display(note_bundle(note))
        progress = None if args.quiet else _Progress()
        options = quiet_options or _call_options(args, progress)
        with self.context.call_session(store=args.store, profile=args.profile, host=args.host) as session:
            if not request.path.startswith("/"):  # an absolute URL: only the workspace's own origin
                request = parse_request(args.request, cell, namespace, host=session.host)
            result = call(session, request, options)
        if progress is not None:
            progress.done(result.pages, result.elapsed.total_seconds())
        return self._finish(args, result, finder)

    def _export(self, args: Any, request: RestRequest, cell: str | None) -> Snippet:
        from notebook_tokens.notebook.rest.export import export, where_of
        from notebook_tokens.notebook.rest.parse import parse_request

        with self.context.call_session(store=args.store, profile=args.profile, host=args.host) as session:
            if not request.path.startswith("/"):  # an absolute URL: only the workspace's own origin
                request = parse_request(args.request, cell, self._ip.user_ns, host=session.host)
            where = where_of(session.credentials, args.store, args.profile)
        return export(args.as_form, request, where)

    def _finish(self, args: Any, result: RestResult, finder: Any) -> RestResult:
        if args.verbose and not args.quiet:
            _display(result.request._repr_mimebundle_()[0])
        ok = result.ok
        if not ok and args.raise_errors:
            raise ApiError(
                result.status_code, result.error_code, result.message or result.reason, result.hint
            )
        if ok and finder is not None:
            result.data = finder.search(result.data)
        if ok and args.out:
            self._ip.user_ns[args.out] = result.data
        if args.quiet:
            result.quiet_in = self._ip.execution_count
            return result
        if result.note and result.shows_json_tree:  # the tree view hides the text form's note
            from notebook_tokens.notebook.rest.render import note_bundle

            _display(note_bundle(result.note))
        return result

    def _parse_line(self, line: str) -> tuple[Any, Any, RestRequest | None, CallOptions | None]:
        """The options, the compiled -e expression, the request a line alone makes (None for --doc) and,
        for a quiet line (no progress line to update), its CallOptions.

        Parsing is a pure function of the (expanded) line, and re-running a cell repeats it: keep recent
        parses (argparse costs more than the rest of %dbrest's own work together). A line's failures are
        not kept: they raise every time. A cell's body is parsed per call (it may hold $name)."""
        parsed = self._parsed.get(line)
        if parsed is None:
            from notebook_tokens.notebook.rest.parse import parse_request

            args = parse_words(parser_of(self.dbrest), split_line(line))
            request = options = None
            if not args.doc:
                finder = compile_extract(args.extract)
                check_options(args)
                request = parse_request(args.request)  # the line's own checks; a cell body is added later
                options = _call_options(args, None) if args.quiet and not args.as_form else None
            parsed = self._parsed[line] = (args, None if args.doc else finder, request, options)
            if len(self._parsed) > _PARSE_CACHE_SIZE:
                del self._parsed[next(iter(self._parsed))]
        return parsed


_Calling = tuple["Callable[..., RestResult]", "Callable[..., RestRequest]"]
_CALLING: _Calling | None = None



def _calling() -> _Calling:
    """call and parse_request: imported at the first call (call imports requests, which %load_ext must
    not), then kept: an import statement per call costs a few µs once caches are cold."""
    global _CALLING
    if _CALLING is None:
        from notebook_tokens.notebook.rest.call import call
        from notebook_tokens.notebook.rest.parse import parse_request

        _CALLING = (call, parse_request)
    return _CALLING


def _presend_note(method: str, path: str) -> str:
    # the API index's did-you-mean before sending; a quiet line (-q, a loop, a job) does without it
    from notebook_tokens.notebook.rest.apihelp import presend_note

    return presend_note(method, path)


def _call_options(args: Any, progress: _Progress | None) -> CallOptions:
    from notebook_tokens.notebook.rest.call import CallOptions

    all_pages = args.all_pages or args.max_pages is not None  # --max-pages alone means --all
    return CallOptions(all_pages, args.max_pages, args.timeout, args.table, progress)


def _display(bundle: dict[str, Any], **kwargs: Any) -> Any:
    from IPython.display import display

    return display(bundle, raw=True, **kwargs)


class _Progress:
    """A single output line, updated in place while --all fetches pages."""

    def __init__(self) -> None:
        self._handle: Any = None

    def __call__(self, pages: int, items: int, seconds: float) -> None:
        from notebook_tokens.notebook.rest.render import progress_text

        bundle = {"text/plain": progress_text(pages, items, seconds)}
        if self._handle is None:
            self._handle = _display(bundle, display_id=True)
        else:
            self._handle.update(bundle, raw=True)

    def done(self, pages: int, seconds: float) -> None:
        if self._handle is not None:
            self._handle.update({"text/plain": f"--all: fetched {pages} pages in {seconds:.1f} s"}, raw=True)
