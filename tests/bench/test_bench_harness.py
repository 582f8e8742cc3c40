"""The benchmark harness at a tiny size: every step runs against a real emulator, the plans
are what each workload sets up, and the results files carry every figure. No timings are
judged here."""

from __future__ import annotations

import json

import pytest

from bench.__main__ import main
from bench.report import markdown
from bench.suite import baton_wait, check_plan, listed_collections, salesforce_write_calls
from bench.workloads import moved_indexes, seed, workload

SIZE = 20
REQUIRED = (
    "planSeconds",
    "applySeconds",
    "readFloorSeconds",
    "planToReadFloor",
    "peakRssMb",
    "apiCalls",
    "naiveApiCalls",
)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One run of the whole suite at a tiny size."""
    root = tmp_path_factory.mktemp("bench")
    code = main(["--sizes", str(SIZE), "--results", str(root / "results"), "--work", str(root)])
    assert code == 0
    document: dict[str, object] = json.loads((root / "results" / "latest.json").read_text())
    document["markdown"] = (root / "results" / "latest.md").read_text()
    return document


def test_every_workload_has_every_required_figure(results: dict[str, object]) -> None:
    rows = results["rows"]
    assert isinstance(rows, list)
    assert [row["workload"] for row in rows] == [
        "first-import",
        "no-change",
        "one-percent",
        "all-changed",
    ]
    for row in rows:
        assert all(key in row for key in REQUIRED), row
        assert row["peakRssMb"] > 10
        assert set(row["apiCalls"]) == {"salesforce", "baton"}


def test_write_calls_follow_the_changed_records(results: dict[str, object]) -> None:
    rows = {row["workload"]: row for row in results["rows"]}  # type: ignore[attr-defined]

    assert rows["no-change"]["salesforceWriteCalls"] == 0
    assert rows["one-percent"]["salesforceWriteCalls"] == 1
    assert rows["all-changed"]["salesforceWriteCalls"] == 1
    assert rows["first-import"]["apiCalls"]["baton"] >= 3 * SIZE


def test_naive_baseline_sends_one_update_per_record(results: dict[str, object]) -> None:
    for row in results["rows"]:  # type: ignore[attr-defined]
        # one query page, one update per linked record
        assert row["naiveApiCalls"]["salesforce"] == SIZE + 1


def test_results_record_the_machine_and_its_load(results: dict[str, object]) -> None:
    machine = results["machine"]
    assert isinstance(machine, dict)
    assert len(machine["loadAverageAtStart"]) == 3
    assert len(machine["loadAverageAtEnd"]) == 3
    assert f"| one-percent | {SIZE} |" in str(results["markdown"])


def test_a_plan_that_does_not_match_its_workload_is_refused() -> None:
    from bench.suite import BenchFailure

    with pytest.raises(BenchFailure, match="no longer matches"):
        check_plan(workload("no-change"), 100, {"create": 0, "update": 3, "fieldWrites": 6})


def test_moved_projects_are_spread_and_counted_exactly() -> None:
    assert moved_indexes(1000, 10) == {0, 100, 200, 300, 400, 500, 600, 700, 800, 900}
    assert len(moved_indexes(100_000, 1000)) == 1000
    assert moved_indexes(50, 0) == set()


def test_converged_seed_links_every_record_both_ways() -> None:
    generated = seed(workload("one-percent"), 300, "https://127.0.0.1:1")
    opportunities = generated["salesforce"]["Opportunity"]
    values = generated["baton"]["custom_field_values"]
    assert len(opportunities) == len(values) == 300
    assert {value["value_text"] for value in values} == {
        f"won/{record['Id']}" for record in opportunities
    }
    moved = [p for p in generated["baton"]["projects"] if p["status"] == "done"]
    assert len(moved) == 3


def test_write_calls_count_collections_and_bulk_ingest_requests() -> None:
    kinds = {"composite": 2, "bulk.ingest.create": 1, "bulk.ingest.upload": 1, "query": 9}
    assert salesforce_write_calls(kinds) == 4


def test_listed_collections_leave_out_single_object_reads() -> None:
    calls = {"baton.collections": {"GET projects": 3, "GET users/{id}": 1, "POST projects": 2}}
    assert listed_collections(calls) == ["projects"]


def test_goals_say_not_measured_without_the_largest_size() -> None:
    text = markdown({"machine": _machine(), "rows": []})
    assert "not measured in this run" in text


def _machine() -> dict[str, object]:
    return {
        "date": "2026-01-01T00:00:00+00:00",
        "cpus": 2,
        "cpu": "cpu",
        "memoryGb": 1.0,
        "python": "3.11",
        "commit": "abc",
        "loadAverageAtStart": [0.0, 0.0, 0.0],
        "loadAverageAtEnd": [0.0, 0.0, 0.0],
    }


def test_a_step_waits_only_when_the_minute_could_overflow() -> None:
    # A plan sent 1,000 requests ending at 100 s; an apply sent 3 ending at 130 s.
    steps = [(1000, 100.0), (3, 130.0)]

    assert baton_wait(steps, 1000, 1000, now=140.0) == pytest.approx(51.0)
    assert baton_wait(steps, 1000, 1000, now=170.0) == pytest.approx(21.0)
    assert baton_wait(steps, 1000, 1000, now=200.0) == 0.0
    assert baton_wait([(3, 130.0)], 900, 1000, now=140.0) == 0.0
    assert baton_wait([(3, 130.0)], 1000, 1000, now=140.0) == pytest.approx(51.0)
