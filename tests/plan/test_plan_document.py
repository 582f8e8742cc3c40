"""The plan document written a change at a time and read lazily: the same bytes and the
same data as the document built whole."""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.errors import PlanError
from reconciler.plan.document import PlanDocument
from reconciler.plan.file import load_plan, plan_text, save_plan, write_plan
from reconciler.plan.model import (
    Change,
    FieldChange,
    Plan,
    PlanDiagnostic,
    RecordRef,
)
from tests.plan.test_stale import _create, _plan, _write


def _odd_write() -> Change:
    """A write whose values JSON writers disagree on most easily."""
    return Change(
        action="update",
        resource="salesforce.record",
        address="salesforce.record[Opportunity/006C]",
        record=RecordRef(object="Opportunity", id="006C"),
        fields={
            "Name": FieldChange(before=None, after='Café \u2603\nline two "quoted"', source="t"),
            "Amount__c": FieldChange(before=1.5, after=1e16, source="contractValue"),
            "Empty__c": FieldChange(before={}, after=[], source="custom.Empty"),
        },
        reason="tab\there",
    )


PLANS = [
    pytest.param(_plan(), id="no-changes"),
    pytest.param(_plan(_create("006A")), id="one-change"),
    pytest.param(_plan(_create("006A"), _write("006A", None), _odd_write()), id="three"),
]


@pytest.mark.parametrize("plan", PLANS)
def test_the_streamed_document_is_the_document_built_whole(plan: Plan) -> None:
    stream = io.BytesIO()

    write_plan(plan, stream)

    assert stream.getvalue() == plan_text(plan.to_json())
    assert orjson.loads(stream.getvalue()) == plan.to_json()


def test_a_plan_with_an_integer_beyond_64_bits_is_still_written() -> None:
    change = _create("006A").model_copy(update={"after": {"contractValue": 2**70}})
    stream = io.BytesIO()

    write_plan(_plan(change, _write("006A", None)), stream)

    assert json.loads(stream.getvalue())["changes"][0]["after"]["contractValue"] == 2**70


def _plain(value: object) -> object:
    """A document's mappings and sequences as dicts and lists, to compare with JSON."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(item) for item in value]
    return value


@pytest.mark.parametrize("plan", PLANS)
def test_the_lazy_document_reads_as_the_document(plan: Plan) -> None:
    document = PlanDocument(plan)
    expected = plan.to_json()

    assert _plain(document) == expected
    assert list(document) == list(expected)
    assert _plain(document["changes"][0:2]) == expected["changes"][0:2]
    for change, built in zip(document["changes"], expected["changes"], strict=True):
        assert list(change) == list(built)
        assert all(key in change for key in built)
        assert "projectId" not in change or "projectId" in built


def test_a_save_that_fails_midway_leaves_the_plan_file_that_was_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.json"
    save_plan(_plan(_create("006A")), path)
    before = path.read_bytes()

    def disk_full(change: Change) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("reconciler.plan.file.change_text", disk_full)
    with pytest.raises(PlanError, match=r"cannot write the plan .*No space left on device"):
        save_plan(_plan(_create("006B"), _create("006C")), path)

    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_a_plan_cannot_be_saved_over_a_directory(tmp_path: Path) -> None:
    (tmp_path / "plan.json").mkdir()

    with pytest.raises(PlanError, match="cannot write the plan"):
        save_plan(_plan(_create("006A")), tmp_path / "plan.json")

    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_changes_that_set_the_same_fields_share_one_set_of_names() -> None:
    first, second = _write("006A", None), _write("006B", "x")
    copied = first.model_copy(update={"reason": "changed"})

    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert "reason" not in first.model_fields_set
    assert (
        first.model_dump(exclude_unset=True).keys() == second.model_dump(exclude_unset=True).keys()
    )
    assert copied.__pydantic_fields_set__ is not first.__pydantic_fields_set__


def test_a_saved_plan_of_another_format_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    document = _plan(_create("006A")).to_json() | {"formatVersion": "9"}
    path.write_text(json.dumps(document))

    with pytest.raises(PlanError, match="is not a plan of format version 1"):
        load_plan(path)


def test_the_changes_come_last_and_a_diagnostic_drops_its_empty_keys() -> None:
    plan = _plan(_create("006A")).model_copy(
        update={"diagnostics": [PlanDiagnostic(severity="info", code="c", message="m")]}
    )

    document = plan.to_json()

    assert list(document) == [
        "formatVersion", "tool", "spec", "connection", "targets", "summary", "diagnostics",
        "policy", "changes",
    ]  # fmt: skip
    assert document["diagnostics"] == [{"severity": "info", "code": "c", "message": "m"}]


def test_a_plan_whose_keys_follow_its_changes_still_loads(tmp_path: Path) -> None:
    plan = _plan(_create("006A"), _write("006A", None)).model_copy(
        update={"diagnostics": [PlanDiagnostic(severity="warning", code="c", message="m")]}
    )
    document = plan.to_json()
    reordered = {"changes": document.pop("changes"), **document}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(reordered, indent=4))

    assert load_plan(path) == plan


SAVED = plan_text(_plan(_create("006A"), _write("006A", None), _odd_write()).to_json())


@settings(max_examples=300, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=len(SAVED)),
    junk=st.binary(max_size=8),
    keep=st.integers(min_value=0, max_value=len(SAVED)),
)
def test_a_damaged_plan_file_is_a_plan_error_never_a_crash(
    cut: int, junk: bytes, keep: int
) -> None:
    damaged = SAVED[:cut] + junk + SAVED[cut + len(junk) : max(keep, cut + len(junk))]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "plan.json"
        path.write_bytes(damaged)
        try:
            plan = load_plan(path)
        except PlanError as exc:
            assert str(path) in str(exc)
        else:
            assert plan.to_json() == json.loads(damaged)
