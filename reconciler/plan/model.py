"""The plan document: typed, frozen changes that the applier executes and renderers show.

The JSON form (`Plan.to_json`) is the stable interface CI scripts and policies read; its
names follow "The plan document" in DESIGN.md.
"""

from __future__ import annotations

import functools
from typing import Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_serializer,
    model_validator,
)

FORMAT_VERSION = "1"

Action = Literal["create", "update", "delete"]
Resource = Literal[
    "baton.project",
    "baton.projectUser",
    "baton.customField",
    "baton.customFieldValue",
    "salesforce.record",
    "salesforce.customField",
    "salesforce.fieldPermission",
    "salesforce.historyTracking",
    "salesforce.pushTopic",
]

KNOWN_AFTER_APPLY: dict[str, Any] = {"knownAfterApply": True}


_FIELD_SETS: dict[frozenset[str], set[str]] = {}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")


class _Many(_Frozen):
    """A model a plan holds one of per record: those that set the same fields share one set
    of their names. A set of its own costs each of a plan's hundreds of thousands of changes
    more than half a kilobyte; a frozen model never adds to it, and copies get their own."""

    @model_validator(mode="after")
    def _shared_fields_set(self) -> Any:
        names = self.__pydantic_fields_set__
        shared = _FIELD_SETS.setdefault(frozenset(names), names)
        object.__setattr__(self, "__pydantic_fields_set__", shared)
        return self


def is_known_after_apply(value: Any) -> bool:
    """True for the placeholder of a value that only an earlier change will reveal."""
    return isinstance(value, dict) and value.get("knownAfterApply") is True


class RecordRef(_Many):
    """A Salesforce record."""

    object: str
    id: str


class FieldChange(_Frozen):
    """One Salesforce field write: its value before, after, and the Baton field it comes from."""

    before: Any = None
    after: Any = None
    source: str = Field(alias="from")

    @model_serializer(mode="plain")
    def _always_both_values(self) -> dict[str, Any]:
        """`before` and `after` even when null: a change written without its empty keys
        still says a field was empty."""
        return {"before": self.before, "after": self.after, "from": self.source}


_SHAREABLE: Final = (type(None), str, bool, int)


def field_change(before: Any, after: Any, source: str) -> FieldChange:
    """A field write; equal ones are one frozen object when their values are null, text,
    booleans or integers (a first import plans the same pending writes for every record,
    and a hundred thousand copies would take hundreds of MB)."""
    pending = is_known_after_apply(after)
    if type(before) in _SHAREABLE and (pending or type(after) in _SHAREABLE):
        return _shared_field_change(before, None if pending else after, pending, source)
    return FieldChange(before=before, after=after, source=source)


@functools.lru_cache(maxsize=4096, typed=True)
def _shared_field_change(before: Any, after: Any, pending: bool, source: str) -> FieldChange:
    return FieldChange(before=before, after=KNOWN_AFTER_APPLY if pending else after, source=source)


class Change(_Many):
    """One change to Baton or Salesforce."""

    action: Action
    resource: Resource
    address: str
    rule: str | None = None
    record: RecordRef | None = None
    project_id: int | None = Field(default=None, alias="projectId")
    after: dict[str, Any] | None = None
    fields: dict[str, FieldChange] | None = None
    field: str | None = None
    reason: str | None = None
    observed: dict[str, Any] | None = None

    @field_validator("fields", mode="before")
    @classmethod
    def _shared_fields(cls, fields: Any) -> Any:
        """Equal field writes as one object in a plan read back from its file, as the
        planner makes them (its writes arrive as models, already shared)."""
        if not isinstance(fields, dict):
            return fields
        return {name: _shared_write(value) for name, value in fields.items()}


_WRITE_KEYS: Final = frozenset({"before", "after", "from"})


def _shared_write(value: Any) -> Any:
    """A field write read from a file as the shared FieldChange of its values; anything
    that is not a well-formed write is left for validation to refuse with its reason."""
    if type(value) is dict and value.keys() <= _WRITE_KEYS and type(value.get("from")) is str:
        return field_change(value.get("before"), value.get("after"), value["from"])
    return value


class PlanDiagnostic(_Frozen):
    """Something the plan wants a reader to know, tied to a rule or record where it can be."""

    severity: Literal["error", "warning", "info"]
    code: str
    message: str
    rule: str | None = None
    record: RecordRef | None = None


class ApiCalls(_Frozen):
    salesforce: int = 0
    baton: int = 0


class Summary(_Frozen):
    create: int = 0
    update: int = 0
    field_writes: int = Field(default=0, alias="fieldWrites")
    schema_: int = Field(default=0, alias="schema")
    unchanged: int = 0
    api_calls: ApiCalls = Field(default_factory=ApiCalls, alias="apiCalls")


class SpecInfo(_Frozen):
    digest: str
    environment: str | None = None
    directory: str


class DailyApiRequests(_Frozen):
    """The org's daily API request allowance as Salesforce reported it while planning."""

    max: int
    remaining: int


class SalesforceTarget(_Frozen):
    instance_url: str = Field(alias="instanceUrl")
    organization_id: str | None = Field(default=None, alias="organizationId")
    daily_api_requests: DailyApiRequests | None = Field(default=None, alias="dailyApiRequests")


class BatonTarget(_Frozen):
    url: str


class Targets(_Frozen):
    salesforce: SalesforceTarget
    baton: BatonTarget


class Tool(_Frozen):
    name: str = "baton-sf"
    version: str


class PolicyResult(_Frozen):
    denied: list[dict[str, Any]] = Field(default_factory=list)
    warned: list[dict[str, Any]] = Field(default_factory=list)


class Plan(_Frozen):
    """Everything one `plan` found to do, in apply order."""

    format_version: str = Field(default=FORMAT_VERSION, alias="formatVersion")
    tool: Tool
    spec: SpecInfo
    connection: dict[str, Any] = Field(default_factory=dict)
    targets: Targets
    summary: Summary
    changes: list[Change]
    diagnostics: list[PlanDiagnostic] = Field(default_factory=list)
    policy: PolicyResult = Field(default_factory=PolicyResult)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def to_json(self) -> dict[str, Any]:
        """The plan document as JSON-ready data, with the stable camelCase names. Its
        changes come last, so that a reader of the file finds the summary, diagnostics and
        policy findings first, and a loader has read everything else when it reaches them."""
        return {**self.head_json(), "changes": [change_json(c) for c in self.changes]}

    def head_json(self) -> dict[str, Any]:
        """The plan document without its changes: small, however large the plan."""
        data = self.model_dump(mode="json", by_alias=True, exclude={"changes"})
        data["diagnostics"] = [_without_empty(item) for item in data["diagnostics"]]
        return data


def change_json(change: Change) -> dict[str, Any]:
    """One change as the plan document holds it."""
    return change.model_dump(mode="json", by_alias=True, exclude_none=True)


def change_text(change: Change) -> bytes:
    """One change as `change_json` makes it, as JSON indented by two spaces."""
    return change.__pydantic_serializer__.to_json(
        change, indent=2, by_alias=True, exclude_none=True
    )


def _without_empty(item: dict[str, Any]) -> dict[str, Any]:
    """Drop a change's absent keys; values inside `fields` keep their nulls."""
    return {key: value for key, value in item.items() if value is not None}
