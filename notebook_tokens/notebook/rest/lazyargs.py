"""`deferred_arguments`: IPython's `@magic_arguments()` with the argparse parser built at first use."""
# IPython's magic_arguments helpers carry no type information:
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

from typing import Any

from IPython.core.magic_arguments import MagicArgumentParser, magic_arguments, real_name

__all__ = ["deferred_arguments", "parser_of"]


class deferred_arguments(magic_arguments):
    """IPython's `magic_arguments`, with the parser built at first use instead of at import: building it
    (and the help text IPython writes into the docstring) was 10 ms of `%load_ext`'s 30 ms budget.
    `%dbrest?` and a front end's tooltip ask IPython's inspector, which calls the function's `getdoc()`:
    that builds it too, so the help still lists every option."""

    def __call__(self, func: Any) -> Any:
        def getdoc() -> str:
            if not getattr(func, "help_written", False):
                func.__doc__ = parser_of(func).format_help()  # what magic_arguments writes at import
                func.help_written = True
            return str(func.__doc__)

        func.getdoc = getdoc
        return func


def parser_of(func: Any) -> Any:
    """The magic's argparse parser, built once as IPython's construct_parser builds it, without formatting
    the help text (argparse's first format_help costs ~7 ms: getdoc() does that when the help is asked)."""
    function = getattr(func, "__func__", func)
    parser = getattr(function, "parser", None)
    if parser is None:
        kwds = dict(getattr(function, "argcmd_kwds", {}))
        kwds.setdefault("description", function.__doc__)
        parser = MagicArgumentParser(real_name(function), **kwds)
        group = None
        for decorator in function.decorators[::-1]:  # in source order, as construct_parser adds them
            result = decorator.add_to_parser(parser, group)
            if result is not None:
                group = result
        function.parser = parser
    return parser
