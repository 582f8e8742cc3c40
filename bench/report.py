"""The results: `latest.json` (the machine and one row per workload and size), and the
same as a Markdown table with the goals judged against the rows that measure them."""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_GIB = 1024**3


def machine(repo: Path) -> dict[str, Any]:
    """What the run ran on: CPU, memory, Python, the commit, and the load average."""
    load = os.getloadavg()
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "memoryGb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / _GIB, 1),
        "python": platform.python_version(),
        "commit": _git(repo, "rev-parse", "--short", "HEAD"),
        "uncommittedChanges": bool(
            _git(repo, "status", "--porcelain", "--", ".", ":(exclude)bench/results")
        ),
        "loadAverageAtStart": [round(value, 2) for value in load],
        "rssMethod": "ru_maxrss from os.wait4 on the process, started by a bare launcher",
    }


def finish(machine_info: dict[str, Any]) -> dict[str, Any]:
    """Add the load average at the end of the run."""
    return {**machine_info, "loadAverageAtEnd": [round(v, 2) for v in os.getloadavg()]}


def write_results(directory: Path, machine_info: dict[str, Any], rows: Sequence[Any]) -> Path:
    """Write `latest.json` and `latest.md`; return the JSON's path."""
    directory.mkdir(parents=True, exist_ok=True)
    document = {"machine": machine_info, "rows": list(rows)}
    path = directory / "latest.json"
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    (directory / "latest.md").write_text(markdown(document), encoding="utf-8")
    return path


def markdown(document: dict[str, Any]) -> str:
    """The results as a Markdown table, the machine, and the goals judged."""
    info = document["machine"]
    lines = [
        f"Run {info['date']} on {info['cpus']} x {info['cpu']}, {info['memoryGb']} GB, "
        f"Python {info['python']}, commit {info['commit']}"
        f"{' with uncommitted changes' if info.get('uncommittedChanges') else ''}; "
        f"load average {_load(info.get('loadAverageAtStart'))} at the start, "
        f"{_load(info.get('loadAverageAtEnd'))} at the end.",
        "",
        "| workload | N | plan s | read floor s | plan / floor | apply s | emulator s "
        "(plan / apply) | peak RSS MB | Salesforce calls | write calls | Baton calls "
        "| naive Salesforce calls |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [_table_row(row) for row in document["rows"]]
    lines += ["", *goals(document["rows"])]
    return "\n".join(lines) + "\n"


def _load(values: Any) -> str:
    return " / ".join(f"{value:.2f}" for value in values) if values else "?"


def _table_row(row: dict[str, Any]) -> str:
    writes = f"{row['salesforceWriteCalls']} ({row['writePath']})"
    baton = str(row["apiCalls"]["baton"])
    if row["batonRequestsPerMinuteLimit"] > 1000:
        baton += f" (≥ {row['batonRealLimitMinutes']:.1f} min at 1,000/min)"
    cells = [
        row["workload"],
        f"{row['size']:,}",
        f"{row['planSeconds']:.2f}",
        f"{row['readFloorSeconds']:.2f}",
        f"{row['planToReadFloor']:.2f}",
        f"{row['applySeconds']:.2f}",
        f"{row['planEmulatorSeconds']:.2f} / {row['applyEmulatorSeconds']:.2f}",
        f"{row['peakRssMb']:.0f}",
        str(row["apiCalls"]["salesforce"]),
        writes,
        baton,
        f"{row['naiveApiCalls']['salesforce']:,}",
    ]
    return "| " + " | ".join(cells) + " |"


def goals(rows: Sequence[dict[str, Any]]) -> list[str]:
    """One line per goal: met, missed (by how much), or not measured in this run."""
    by = {(row["workload"], row["size"]): row for row in rows}
    lines = ["Goals:", ""]
    lines.append(_plan_vs_floor(by))
    lines.append(_write_calls(rows))
    lines.append(_naive_ratio(by))
    lines.append(_memory(rows))
    lines.append(_growth(by))
    lines.append(_baton_rate(rows))
    return lines


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def _plan_vs_floor(by: dict[tuple[str, int], dict[str, Any]]) -> str:
    rows = _at(by, 100_000)
    if not rows:
        return "- plan ≤ 1.25 x read floor at 100,000: not measured in this run."
    worst = max(row["planToReadFloor"] for row in rows)
    each = ", ".join(f"{row['workload']} {row['planToReadFloor']:.2f}x" for row in rows)
    return f"- plan ≤ 1.25 x read floor at 100,000: {_verdict(worst <= 1.25)} ({each})."


def _at(by: dict[tuple[str, int], dict[str, Any]], size: int) -> list[dict[str, Any]]:
    """The rows of one size, in the order they ran."""
    return [row for (_, row_size), row in by.items() if row_size == size]


def _write_calls(rows: Sequence[dict[str, Any]]) -> str:
    wrong = []
    for row in rows:
        if row["workload"] == "no-change" and row["salesforceWriteCalls"] != 0:
            wrong.append(f"{row['workload']} {row['size']}: {row['salesforceWriteCalls']}")
        expected = row["expectedRestWriteCalls"]
        if expected is not None and row["salesforceWriteCalls"] != expected:
            wrong.append(
                f"{row['workload']} {row['size']}: {row['salesforceWriteCalls']} for {expected}"
            )
    bulk = sorted({row["salesforceWriteCalls"] for row in rows if row["writePath"] == "bulk"})
    tail = f"; Bulk API 2.0 jobs took {', '.join(map(str, bulk))} calls" if bulk else ""
    detail = "; ".join(wrong) if wrong else "ceil(changed / 200) on REST, 0 with no change"
    return f"- write calls: {_verdict(not wrong)} ({detail}{tail})."


def _naive_ratio(by: dict[tuple[str, int], dict[str, Any]]) -> str:
    row = by.get(("one-percent", 100_000))
    if row is None:
        sizes = sorted(size for name, size in by if name == "one-percent")
        seen = ", ".join(
            f"{by[('one-percent', s)]['naiveToReconcilerSalesforceCalls']}x at {s:,}" for s in sizes
        )
        goal = "≥ 100x fewer Salesforce calls than naive at 100,000, 1 %"
        return f"- {goal}: not measured ({seen})."
    ratio = row["naiveToReconcilerSalesforceCalls"]
    verdict = _verdict(ratio >= 100)
    return f"- ≥ 100x fewer Salesforce calls than naive at 100,000, 1 %: {verdict} ({ratio}x)."


def _memory(rows: Sequence[dict[str, Any]]) -> str:
    large = [row for row in rows if row["size"] == 100_000]
    if not large:
        return "- peak RSS < 400 MB at 100,000: not measured in this run."
    worst = max(row["peakRssMb"] for row in large)
    each = ", ".join(
        f"{row['workload']} {row['planPeakRssMb']:.0f} / {row['applyPeakRssMb']:.0f} MB"
        for row in large
    )
    return f"- peak RSS < 400 MB at 100,000: {_verdict(worst < 400)} (plan / apply: {each})."


def _growth(by: dict[tuple[str, int], dict[str, Any]]) -> str:
    """Plan time from 10,000 to 100,000, beside the read floor's growth over the same step:
    where Baton's request limit bounds both, the floor grows as much."""
    grown = []
    for (name, size), row in by.items():
        small = by.get((name, 10_000))
        if size == 100_000 and small is not None:
            plan = row["planSeconds"] / small["planSeconds"]
            floor = row["readFloorSeconds"] / small["readFloorSeconds"]
            grown.append((name, plan, floor))
    if not grown:
        return "- plan time 10,000 → 100,000 grows ≤ 12x: not measured in this run."
    worst = max(plan for _, plan, _ in grown)
    each = ", ".join(f"{name} {plan:.1f}x (read floor {floor:.1f}x)" for name, plan, floor in grown)
    return f"- plan time 10,000 → 100,000 grows ≤ 12x: {_verdict(worst <= 12)} ({each})."


def _baton_rate(rows: Sequence[dict[str, Any]]) -> str:
    throttled = sum(row["batonThrottled"] for row in rows)
    return (
        f"- Baton ≤ 1,000 requests a minute: {_verdict(throttled == 0)} ({throttled} requests "
        "refused with 429; the first import runs with the limit raised, its time at the real "
        "limit is shown beside its Baton calls)."
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return ""
    return done.stdout.strip()
