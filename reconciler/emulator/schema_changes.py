"""Changing the org's schema while it runs: a new custom field, or new properties of one.

An object is immutable once built, so a change builds a new version of it and puts that in
the schema; caches keyed by the object start afresh with the new version.
"""

from __future__ import annotations

from .describe import Field, JsonDict, Schema, SObject
from .store import Store


def add_field(schema: Schema, store: Store, sobject: SObject, field: JsonDict) -> SObject:
    """Append a describe field to an object and give it a column."""
    changed = SObject({**sobject.payload, "fields": [*sobject.payload["fields"], field]})
    store.add_sf_column(changed, Field.from_describe(field))
    schema.replace(changed)
    return changed


def change_field(schema: Schema, store: Store, sobject: SObject, field: JsonDict) -> SObject:
    """Replace the describe field of the same name (its type and column stay as they are)."""
    fields = [
        field if str(entry["name"]).lower() == str(field["name"]).lower() else entry
        for entry in sobject.payload["fields"]
    ]
    changed = SObject({**sobject.payload, "fields": fields})
    store.index_sf_field(changed, Field.from_describe(field))
    schema.replace(changed)
    return changed
