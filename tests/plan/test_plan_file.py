"""Saved plans: written and read back the same, shared writes stay shared, and a file that
is not a plan is refused with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.errors import PlanError
from reconciler.plan.file import load_plan, save_plan
from reconciler.plan.model import KNOWN_AFTER_APPLY, Change, FieldChange
from tests.plan.test_stale import _create, _plan, _write


def _pending(record_id: str) -> Change:
    change = _write(record_id, None)
    pending = FieldChange(before=None, after=dict(KNOWN_AFTER_APPLY), source="status")
    return change.model_copy(update={"fields": {"Status__c": pending}})


def test_a_saved_plan_reads_back_equal_with_its_writes_shared(tmp_path: Path) -> None:
    plan = _plan(_create("006A"), _write("006A", "Planning"), _write("006B", None))
    path = tmp_path / "plan.json"
    save_plan(plan, path)

    loaded = load_plan(path)

    assert loaded == plan
    assert loaded.to_json() == json.loads(path.read_text())
    first, second = (change.fields for change in loaded.changes if change.fields)
    assert first is not None and second is not None
    assert first["Status__c"].after == second["Status__c"].after == "Doing"
    assert first["Status__c"] is not second["Status__c"]  # different values before


def test_equal_writes_read_back_as_one_object(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    save_plan(_plan(_pending("006A"), _pending("006B")), path)

    first, second = (change.fields for change in load_plan(path).changes)

    assert first is not None and second is not None
    assert first["Status__c"] is second["Status__c"]


def test_the_names_every_change_repeats_read_back_as_one_string(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    save_plan(_plan(_write("006A", "Planning"), _write("006B", None)), path)

    first, second = load_plan(path).changes

    assert first.record is not None and second.record is not None
    assert first.rule is second.rule
    assert first.record.object is second.record.object
    assert first.fields is not None and second.fields is not None
    assert next(iter(first.fields)) is next(iter(second.fields))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "is not a readable plan file"),
        ('{"formatVersion": "0"}', "is not a plan of format version 1"),
        ("[]", "is not a plan of format version 1"),
        ('{"formatVersion": "1", "changes": 5}', "is not a valid plan: tool: Field required"),
    ],
)
def test_a_file_that_is_not_a_plan_says_why(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(text)

    with pytest.raises(PlanError, match=reason):
        load_plan(path)


def test_a_missing_plan_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="does not exist"):
        load_plan(tmp_path / "none.json")
