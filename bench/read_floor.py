"""The read floor: the same records and fields the plan reads, and nothing else.

`python -m bench.read_floor --soql SOQL --collections projects,... --per-minute 1000` runs
the rule's query with simple-salesforce `query_all` and lists each Baton collection the
plan listed, in pages of 100 under the same ceiling of Baton requests a minute as the
reconciler. It prints how many records and objects it read, as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from bench.clients import baton_list, ceiling, run_main, salesforce, session


def main(argv: list[str] | None = None) -> int:
    """Read everything once; exit 0."""
    parser = argparse.ArgumentParser(prog="python -m bench.read_floor")
    parser.add_argument("--soql", required=True)
    parser.add_argument("--collections", default="")
    parser.add_argument("--per-minute", type=int, required=True)
    args = parser.parse_args(argv)

    env = dict(os.environ)
    records = salesforce(env).query_all(args.soql)["records"]
    http, window = session(env), ceiling(args.per_minute)
    objects = {
        name: sum(1 for _ in baton_list(http, env, name, window))
        for name in filter(None, args.collections.split(","))
    }

    print(json.dumps({"records": len(records), "objects": objects}))
    return 0


if __name__ == "__main__":
    sys.exit(run_main(main))
