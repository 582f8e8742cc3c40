"""`python -m bench --sizes 1000,10000`: run every workload at every size, write the results.

Exit 0 when every step ran and did what its workload requires, 1 otherwise (with one line
saying which step and why). Goals are reported, not enforced.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.report import finish, machine, write_results
from bench.suite import REPO, BenchFailure, run_workload
from bench.workloads import WORKLOADS, workload


def main(argv: list[str] | None = None) -> int:
    """Run the suite; print one line per row as it finishes."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--workloads", default=",".join(w.name for w in WORKLOADS))
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results")
    parser.add_argument("--work", type=Path, default=REPO / ".baton-sf" / "bench")
    args = parser.parse_args(argv)
    try:
        sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
        loads = [workload(name.strip()) for name in args.workloads.split(",") if name.strip()]
    except ValueError as error:
        print(f"error: {error}; give --sizes like 1000,10000", file=sys.stderr)
        return 1

    info, rows, started = machine(REPO), [], time.monotonic()
    try:
        for size in sizes:
            for load in loads:
                row = run_workload(load, size, args.work)
                rows.append(row)
                print(
                    f"{load.name:>12} {size:>7,}: plan {row['planSeconds']:.2f} s, read floor "
                    f"{row['readFloorSeconds']:.2f} s, apply {row['applySeconds']:.2f} s, "
                    f"peak {row['peakRssMb']:.0f} MB, calls {row['apiCalls']}",
                    flush=True,
                )
    except BenchFailure as failure:
        print(f"error: {failure}", file=sys.stderr)
        return 1
    path = write_results(args.results, finish(info), rows)
    print(f"wrote {path} and {path.with_suffix('.md')} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
