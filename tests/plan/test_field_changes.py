"""Field writes: equal ones are shared, and sharing never confuses values of other types."""

from __future__ import annotations

from reconciler.plan.model import KNOWN_AFTER_APPLY, field_change


def test_equal_pending_writes_are_one_object() -> None:
    first = field_change(None, {"knownAfterApply": True}, "status")
    second = field_change(None, dict(KNOWN_AFTER_APPLY), "status")

    assert first is second
    assert first.after == KNOWN_AFTER_APPLY and first.before is None and first.source == "status"
    assert field_change(None, KNOWN_AFTER_APPLY, "phase") is not first


def test_values_equal_across_types_stay_apart() -> None:
    as_int = field_change(1, 0, "tasksCompletePercentage")
    as_bool = field_change(True, False, "tasksCompletePercentage")

    assert as_int is not as_bool
    assert type(as_int.before) is int and type(as_bool.before) is bool
    assert type(as_int.after) is int and type(as_bool.after) is bool


def test_other_values_are_written_as_given() -> None:
    written = field_change(1.0, ["a"], "custom.Regions")

    assert written.before == 1.0 and type(written.before) is float and written.after == ["a"]
    assert field_change(1.0, ["a"], "custom.Regions") is not written
