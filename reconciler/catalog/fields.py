"""The Baton fields of SPEC.md's "Baton fields" table: what each is, where its value comes
from in Baton's API, and which Salesforce types it can be imported from or written into.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from pydantic import BaseModel, ConfigDict

from reconciler.catalog import salesforce_types as sf

CUSTOM_PREFIX: Final = "custom."


class BatonField(BaseModel):
    """One Baton field that an import rule can fill or a SyncBack can write to Salesforce."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    baton_type: str
    importable: bool
    syncable: bool
    import_types: frozenset[str] = frozenset()
    sync_types: frozenset[str] = frozenset()
    lookup_objects: frozenset[str] = frozenset()
    source: str


def _field(
    key: str,
    label: str,
    baton_type: str,
    source: str,
    *,
    read: frozenset[str] = frozenset(),
    write: frozenset[str] = frozenset(),
    lookup: frozenset[str] = frozenset(),
) -> BatonField:
    return BatonField(
        key=key,
        label=label,
        baton_type=baton_type,
        importable=bool(read),
        syncable=bool(write),
        import_types=read,
        sync_types=write,
        lookup_objects=lookup,
        source=source,
    )


_TEXT = {"read": sf.TEXT_READ, "write": sf.TEXT_WRITE}
# Known limit: Baton documents no API field for these project attributes; they are read and
# written as plain project fields of the names given, which a live workspace may not have.
_NO_SOURCE = " (no documented API source: assumed a plain project field)"
_NUMBER = {"read": sf.NUMBER, "write": sf.NUMBER}
_DATE = {"read": sf.DATE_READ, "write": sf.DATE_WRITE}

_FIELDS: tuple[BatonField, ...] = (
    _field("projectId", "Project ID", "id", "project.id", write=sf.EXTERNAL_ID_TEXT),
    _field(
        "projectUrl",
        "Project URL",
        "url",
        "{workspace url}/projects/{project.id}",
        write=sf.URL_WRITE,
    ),
    _field("title", "Project Title", "text", "project.title", **_TEXT),
    _field(
        "privateNotes",
        "Project Private Notes",
        "text",
        "project.private_notes" + _NO_SOURCE,
        **_TEXT,
    ),
    _field(
        "description", "Project Description", "text", "project.description" + _NO_SOURCE, **_TEXT
    ),
    _field("dueDate", "Project Due Date", "date", "project.deadline_datetime", **_DATE),
    _field("startDate", "Project Start Date", "date", "project.start_datetime", **_DATE),
    _field(
        "projectedDueDate",
        "Projected Project Due Date",
        "date",
        "projected_golive_datetime of the project's newest risk profile (highest id), cut to "
        "a date in the connection's timezone",
        write=sf.DATE_WRITE,
    ),
    _field(
        "startedDate",
        "Project Started Date",
        "date",
        "project.started_datetime",
        write=sf.DATE_WRITE,
    ),
    _field(
        "completedDate",
        "Project Completed Date",
        "date",
        "project.completed_datetime",
        write=sf.DATE_WRITE,
    ),
    _field(
        "status",
        "Project Status",
        "text",
        "project.status, translated by STATUS_TO_SALESFORCE",
        write=sf.TEXT_WRITE,
    ),
    _field("phase", "Project Phase", "text", "project.phase.name", write=sf.TEXT_WRITE),
    _field(
        "archived",
        "Project Archived",
        "boolean",
        'project.archived, as "true" or "false"',
        write=sf.TEXT_WRITE,
    ),
    _field(
        "riskStatus",
        "Project Risk Status",
        "text",
        "level of the project's newest risk profile (highest id), as Baton writes it",
        write=sf.TEXT_WRITE,
    ),
    _field("health", "Project Health", "text", "project.health" + _NO_SOURCE, write=sf.TEXT_WRITE),
    _field(
        "healthNote",
        "Project Health Note",
        "text",
        "project.health_note" + _NO_SOURCE,
        write=sf.TEXT_WRITE,
    ),
    _field(
        "vendorLeadEmail",
        "Vendor Lead Email Address",
        "lookup",
        "email of the project's first project_users entry (by id) with role vendor_lead, "
        "looked up as the active Salesforce User (or Group) with that email",
        write=sf.REFERENCE,
        lookup=frozenset({"User", "Group"}),
    ),
    _field(
        "clientLeadEmail",
        "Client Lead Email Address",
        "lookup",
        "email of the project's first project_users entry (by id) with role client_lead, "
        "looked up as the one Salesforce Contact with that email; at import, the email of "
        "the Baton user added as client lead",
        read=sf.TEXT_READ,
        write=sf.REFERENCE,
        lookup=frozenset({"Contact"}),
    ),
    _field(
        "averageMilestoneFeedback",
        "Average Milestone Feedback",
        "number",
        "mean rating of the project's milestone_feedback (those with a rating), to one "
        "decimal, rounded half up",
        write=sf.NUMBER,
    ),
    _field(
        "tasksCompletePercentage",
        "Tasks Complete Percentage",
        "percent",
        "the project's tasks with status completed over all its tasks, x100, rounded half "
        "up; empty without tasks",
        write=sf.PERCENT,
    ),
    _field(
        "hoursUsedPercentage",
        "Hours Used Percentage",
        "percent",
        "hours of the project's time_entries (inputted_duration, else calculated_duration, "
        "in minutes) over project.estimated_duration (hours), x100, rounded half up, at most "
        "100; empty without an estimate",
        write=sf.PERCENT,
    ),
    _field(
        "budgetUsedPercentage",
        "Budget Used Percentage",
        "percent",
        "cost of the project's time_entries (hours x rate.hourly_rate; no rate costs 0) over "
        "project.implementation_budget, x100, rounded half up, at most 100; empty without a "
        "budget",
        write=sf.PERCENT,
    ),
    _field("contractValue", "Contract Value", "number", "project.annual_contract_value", **_NUMBER),
    _field(
        "implementationBudget",
        "Implementation Budget",
        "number",
        "project.implementation_budget",
        **_NUMBER,
    ),
    _field(
        "budgetShownToClient",
        "Budget Shown To Client",
        "number",
        "project.budget_shown_to_client" + _NO_SOURCE,
        **_NUMBER,
    ),
    _field(
        "estimatedDurationHours",
        "Estimated Duration (Hours)",
        "number",
        "project.estimated_duration (hours)",
        **_NUMBER,
    ),
)

BATON_FIELDS: Mapping[str, BatonField] = MappingProxyType({f.key: f for f in _FIELDS})
"""The fixed Baton fields by key; custom fields are in CUSTOM_FIELD_KINDS."""

_CUSTOM_KINDS: tuple[BatonField, ...] = (
    _field(
        "custom.NAME",
        "Custom Field: Drop Down",
        "dropdown",
        "selected_option.value of the project's custom_field_values (several joined with ;)",
        read=sf.PICKLIST | sf.TEXT_READ,
        write=sf.TEXT_WRITE,
    ),
    _field(
        "custom.NAME",
        "Custom Field: Numeric",
        "numeric",
        "value_numeric of the project's custom_field_values",
        **_NUMBER,
    ),
    _field(
        "custom.NAME",
        "Custom Field: Text",
        "text",
        "value_text of the project's custom_field_values",
        **_TEXT,
    ),
    _field(
        "custom.NAME",
        "Custom Field: Date",
        "date",
        "value_date of the project's custom_field_values",
        **_DATE,
    ),
)

CUSTOM_FIELD_KINDS: Mapping[str, BatonField] = MappingProxyType(
    {f.baton_type: f for f in _CUSTOM_KINDS}
)
"""The four kinds of Baton custom field by their API `type`: dropdown, numeric, text, date."""


def is_custom_key(key: str) -> bool:
    """True for `custom.NAME` with a non-empty NAME."""
    return key.startswith(CUSTOM_PREFIX) and bool(key[len(CUSTOM_PREFIX) :].strip())


def baton_field(key: str, custom_type: str | None = None) -> BatonField | None:
    """The field for `key`, or None when there is no such Baton field.

    `custom.NAME` gives an entry for that custom field: typed when `custom_type` (the Baton
    custom field's `type`) is known, otherwise one that accepts what any custom kind accepts,
    since the kind is only known once the workspace has been read.
    """
    if not is_custom_key(key):
        return BATON_FIELDS.get(key)
    if custom_type is not None:
        kind = CUSTOM_FIELD_KINDS.get(custom_type)
        return None if kind is None else kind.model_copy(update={"key": key})
    return BatonField(
        key=key,
        label="Custom Field",
        baton_type="custom",
        importable=True,
        syncable=True,
        import_types=frozenset().union(*(k.import_types for k in _CUSTOM_KINDS)),
        sync_types=frozenset().union(*(k.sync_types for k in _CUSTOM_KINDS)),
        source="the project's custom_field_values of the custom field titled "
        + key[len(CUSTOM_PREFIX) :],
    )


def importable_keys() -> tuple[str, ...]:
    """Keys an import rule's `fields` may fill (besides `custom`), in table order."""
    return tuple(f.key for f in _FIELDS if f.importable)


def syncable_keys() -> tuple[str, ...]:
    """Keys a SyncBack may write to Salesforce (besides `custom.NAME`), in table order."""
    return tuple(f.key for f in _FIELDS if f.syncable)
