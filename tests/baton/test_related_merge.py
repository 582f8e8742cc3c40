"""A record written both as an imported record and as a related one gets one write."""

from __future__ import annotations

from typing import Any

from reconciler.plan.model import Change, FieldChange, RecordRef
from reconciler.plan.related import merge_writes


def write(record_id: str, **fields: Any) -> Change:
    return Change(
        action="update",
        resource="salesforce.record",
        address=f"salesforce.record[Account/{record_id}]",
        record=RecordRef(object="Account", id=record_id),
        fields={
            name: FieldChange(before=None, after=value, source="health")
            for name, value in fields.items()
        },
    )


def test_related_fields_join_the_direct_write_of_the_same_record() -> None:
    writes = [write("001A", Baton_Status__c="Doing")]

    diagnostics = merge_writes(
        writes, [write("001A", Baton_Health__c="green"), write("001B", X__c=1)]
    )

    assert [change.address for change in writes] == [
        "salesforce.record[Account/001A]",
        "salesforce.record[Account/001B]",
    ]
    assert set(writes[0].fields or {}) == {"Baton_Status__c", "Baton_Health__c"}
    assert diagnostics == []


def test_a_disagreeing_related_value_loses_to_the_direct_one_with_a_warning() -> None:
    writes = [write("001A", Baton_Health__c="red")]

    diagnostics = merge_writes(writes, [write("001A", Baton_Health__c="green")])

    assert (writes[0].fields or {})["Baton_Health__c"].after == "red"
    assert [d.code for d in diagnostics] == ["related-overridden"]
