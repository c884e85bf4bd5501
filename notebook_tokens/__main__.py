"""`python -m notebook_tokens emulator [--port N] [--token VALUE] [--state FILE] [--latency-ms N]`
`python -m notebook_tokens demo [--execute] [--port N] [--lab-port N]` (`make demo`)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(__doc__)
        return 0 if args else 2
    if args[0] == "emulator":
        from notebook_tokens.testing.cli import main as emulator_main

        return emulator_main(args[1:])
    if args[0] == "demo":
        from notebook_tokens.programs.demo import main as demo_main

        return demo_main(args[1:])
    print(f"unknown command {args[0]!r}; try: python -m notebook_tokens emulator --help", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
