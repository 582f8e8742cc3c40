"""`python -m reconciler.emulator serve --state DIR --port N [--schema DIR] [--seed FILE]
[--faults FILE]`: run the emulator in the foreground (what `up` starts in the background).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .serve import serve


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="python -m reconciler.emulator")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_command = commands.add_parser("serve", help="run the emulator in the foreground")
    serve_command.add_argument("--state", type=Path, required=True, help="state directory")
    serve_command.add_argument("--port", type=int, default=0, help="port (0: any free one)")
    serve_command.add_argument("--schema", type=Path, help="directory of describe payloads")
    serve_command.add_argument("--seed", type=Path, help="seed file (YAML or JSON)")
    serve_command.add_argument("--faults", type=Path, help="faults file (YAML)")
    options = parser.parse_args(argv)
    return serve(options.state, options.port, options.schema, options.seed, options.faults)


if __name__ == "__main__":
    sys.exit(main())
