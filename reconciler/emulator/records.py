"""Salesforce records: validation of writes, system fields, and the JSON a record reads as.

The checks are Salesforce's, with its error codes: unknown field, field not writable,
values of the wrong type or too long, required fields, lookups to missing records and
duplicate values of unique fields. Seeding uses the same checks on whole batches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from . import ids
from .builtin import INTEGRATION_USER_ID
from .describe import Field, JsonDict, Schema, SObject
from .store import Store
from .timefmt import now, sf_datetime
from .values import ValueProblem, to_json, to_storage

Action = Literal["create", "update", "seed"]
Exists = Callable[[SObject, str], bool]
FindDuplicate = Callable[[SObject, Field, Any], str | None]
# (the writer's view of the org, object, all values the record will hold, its ID or None)
RecordCheck = Callable[[Schema, SObject, Mapping[str, Any], str | None], list["Problem"]]
Listener = Callable[[SObject], None]

_AUDIT_FIELDS = ("CreatedDate", "LastModifiedDate", "SystemModstamp")
_USER_FIELDS = ("CreatedById", "LastModifiedById", "OwnerId")


@dataclass(frozen=True)
class Problem:
    """One reason a write fails, in Salesforce's terms."""

    code: str
    message: str
    fields: tuple[str, ...] = ()
    hint: str = ""

    def as_error(self) -> JsonDict:
        """The shape of an error in a failed single-record call."""
        return {"message": self.message, "errorCode": self.code, "fields": list(self.fields)}

    def as_status(self) -> JsonDict:
        """The shape of an error inside a collection result."""
        return {"statusCode": self.code, "message": self.message, "fields": list(self.fields)}


class RecordFailure(Exception):
    """A write fails; `not_found` marks a record that does not exist."""

    def __init__(self, problems: list[Problem], *, not_found: bool = False) -> None:
        super().__init__(problems[0].message if problems else "failed")
        self.problems = problems
        self.not_found = not_found


def not_found(record_id: str) -> RecordFailure:
    """Return the failure of a write to a record that does not exist."""
    problem = Problem("ENTITY_IS_DELETED", "entity is deleted", (), f"no record {record_id}")
    return RecordFailure([problem], not_found=True)


def record_id_of(sobject: SObject, raw: Any) -> str:
    """Return the 18-character ID of a record of `sobject` named in a write, or refuse it."""
    if raw is None or raw == "":
        raise RecordFailure([Problem("MISSING_ARGUMENT", "Id not specified in an update call")])
    if not isinstance(raw, str) or not ids.is_id(raw):
        raise RecordFailure([Problem("MALFORMED_ID", f"malformed id {raw}")])
    record_id = ids.to_18(raw)
    if record_id[:3] != sobject.key_prefix:
        raise RecordFailure(
            [Problem("MALFORMED_ID", f"{sobject.name} ID: id value of incorrect type: {raw}")]
        )
    return record_id


_RIGHT_NAMES = {"create": "Create", "edit": "Edit", "delete": "Delete", "read": "Read"}
_OPERATIONS = {"create": "inserted", "edit": "updated", "delete": "deleted", "read": "queried"}


def require(sobject: SObject, right: str) -> None:
    """Refuse a write the object (or the user's rights on it) does not allow."""
    allowed = {
        "create": sobject.createable,
        "edit": sobject.updateable,
        "delete": sobject.deletable,
        "read": sobject.queryable,
    }[right]
    if allowed:
        return
    if right in sobject.denied:
        problem = Problem(
            "INSUFFICIENT_ACCESS_OR_READONLY",
            f"insufficient access rights on object id: this user has no "
            f"{_RIGHT_NAMES[right]} permission on {sobject.name}",
        )
    else:
        problem = Problem(
            "INVALID_TYPE_FOR_OPERATION",
            f"entity type cannot be {_OPERATIONS[right]}: {sobject.name}",
        )
    raise RecordFailure([problem])


class Records:
    """Reads and writes of Salesforce records."""

    def __init__(self, schema: Schema, store: Store) -> None:
        self.schema = schema
        self.store = store
        self._sequence: dict[str, int] = {}
        # Keyed by the object itself: a new version of it (one more field) starts afresh.
        self._default_values: dict[SObject, dict[str, Any]] = {}
        self._system: dict[SObject, tuple[list[str], list[str]]] = {}
        self.checks: list[RecordCheck] = []
        self.listeners: list[Listener] = []

    # validation shared with seeding

    def prepare(
        self, sobject: SObject, body: Mapping[str, Any], action: Action
    ) -> tuple[dict[str, Any], list[Problem]]:
        """Resolve, check and convert the fields of a write body."""
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        rejected: set[str] = set()
        for key, raw in body.items():
            if key == "attributes":
                continue
            field = sobject.field(key)
            if field is None:
                problems.append(_unknown_field(sobject, key))
                continue
            if not _writable(field, action):
                problems.append(_not_writable(field))
                continue
            try:
                values[field.name] = to_storage(field, raw)
            except ValueProblem as problem:
                problems.append(Problem(problem.code, problem.message, (field.name,), problem.hint))
                rejected.add(field.name)
        missing = [
            name for name in _missing_required(sobject, values, action) if name not in rejected
        ]
        if missing:
            problems.append(
                Problem(
                    "REQUIRED_FIELD_MISSING",
                    f"Required fields are missing: [{', '.join(missing)}]",
                    tuple(missing),
                    f"give {', '.join(missing)} a value",
                )
            )
        return values, problems

    def check_references(
        self, sobject: SObject, values: Mapping[str, Any], exists: Exists
    ) -> list[Problem]:
        """Check that lookups name records of the right object that exist."""
        problems = []
        for field in sobject.references:
            value = values.get(field.name)
            if value is None:
                continue
            problem = self._reference_problem(field, value, exists)
            if problem is not None:
                problems.append(problem)
        return problems

    def _reference_problem(self, field: Field, value: str, exists: Exists) -> Problem | None:
        known = [t for t in (self.schema.get(n) for n in field.reference_to) if t is not None]
        target = next((t for t in known if t.key_prefix == value[:3]), None)
        names = " or ".join(field.reference_to)
        if target is None:
            if not known or len(known) < len(field.reference_to):
                return None  # it may name an object this org does not emulate
            return Problem(
                "FIELD_INTEGRITY_EXCEPTION",
                f"{field.label}: id value of incorrect type: {value}",
                (field.name,),
                f"give {field.name} the ID of a {names} record",
            )
        if not exists(target, value):
            return Problem(
                "INVALID_CROSS_REFERENCE_KEY",
                f"invalid cross reference id: {value}",
                (field.name,),
                f"no {target.name} has ID {value}; give {field.name} the ID of one that exists",
            )
        return None

    def check_unique(
        self, sobject: SObject, values: Mapping[str, Any], find: FindDuplicate
    ) -> list[Problem]:
        """Check that unique fields keep unique values."""
        problems = []
        for field in sobject.unique_fields:
            value = values.get(field.name)
            if value is None:
                continue
            other = find(sobject, field, value)
            if other is not None:
                problems.append(
                    Problem(
                        "DUPLICATE_VALUE",
                        f"duplicate value found: {field.name} duplicates value on record with "
                        f"id: {other}",
                        (field.name,),
                        f"{field.name} must be unique; {other} already has {value!r}",
                    )
                )
        return problems

    def fill_system_fields(
        self, sobject: SObject, values: dict[str, Any], record_id: str, stamp: str
    ) -> dict[str, Any]:
        """Return the full row of a new record: system fields, defaults, derived fields."""
        row = dict(values)
        row["Id"] = record_id
        # Defaults come from the whole object, fields the writer cannot see included.
        sobject = self.schema.get(sobject.name) or sobject
        audit, users = self._system_fields(sobject)
        # A seed may date a record: unless told otherwise it was last changed when created,
        # and created no later than its last change.
        previous = row.get("LastModifiedDate") if row.get("CreatedDate") is None else None
        previous = previous or stamp
        for name in audit:
            if row.get(name) is None:
                row[name] = previous
            previous = row[name]
        for name in users:
            if row.get(name) is None:
                row[name] = INTEGRATION_USER_ID
        for name, default in self._defaults(sobject).items():
            if name not in row:
                row[name] = default
        _derive(sobject, row, row)
        return row

    def _system_fields(self, sobject: SObject) -> tuple[list[str], list[str]]:
        """Return which audit date fields and which user lookups the object has."""
        found = self._system.get(sobject)
        if found is None:
            found = (
                [name for name in _AUDIT_FIELDS if sobject.has_field(name)],
                [name for name in _USER_FIELDS if sobject.has_field(name)],
            )
            self._system[sobject] = found
        return found

    def _defaults(self, sobject: SObject) -> dict[str, Any]:
        """Return the values a new record of the object gets for fields left out."""
        defaults = self._default_values.get(sobject)
        if defaults is None:
            defaults = {}
            for field in sobject.fields:
                if field.type == "boolean":
                    defaults[field.name] = to_storage(field, None)
                elif field.default_value is not None and field.defaulted_on_create:
                    defaults[field.name] = field.default_value
            self._default_values[sobject] = defaults
        return defaults

    # writes

    def create(self, sobject: SObject, body: Mapping[str, Any], view: Schema | None = None) -> str:
        """Create a record and return its ID; raise RecordFailure when Salesforce would.

        `sobject` is the writer's view of the object (fields it cannot see are unknown),
        `view` the writer's view of the whole org.
        """
        require(sobject, "create")
        values, problems = self.prepare(sobject, body, "create")
        problems += self.check_references(sobject, values, self._exists)
        problems += self.check_unique(sobject, values, self._duplicate_of(None))
        if not problems:
            problems += self._run_checks(view, sobject, values, None)
        if problems:
            raise RecordFailure(problems)
        record_id = self.new_id(sobject)
        row = self.fill_system_fields(sobject, values, record_id, sf_datetime(now()))
        self.store.insert_sf(sobject, list(row), [tuple(row.values())])
        self._changed(sobject)
        return record_id

    # Known limit: LastModifiedById (and CreatedById) name the integration user whichever
    # user's token made the write.
    def update(
        self,
        sobject: SObject,
        record_id: str,
        body: Mapping[str, Any],
        view: Schema | None = None,
    ) -> None:
        """Update a record; raise RecordFailure when Salesforce would."""
        require(sobject, "edit")
        existing = self.live_record(sobject, record_id)
        if existing is None:
            raise not_found(record_id)
        values, problems = self.prepare(sobject, body, "update")
        problems += self.check_references(sobject, values, self._exists)
        problems += self.check_unique(sobject, values, self._duplicate_of(record_id))
        if not problems:
            problems += self._run_checks(view, sobject, {**existing, **values}, record_id)
        if problems:
            raise RecordFailure(problems)
        stamp = sf_datetime(now())
        for name in ("LastModifiedDate", "SystemModstamp"):
            if sobject.has_field(name):
                values[name] = stamp
        if sobject.has_field("LastModifiedById"):
            values["LastModifiedById"] = INTEGRATION_USER_ID
        _derive(sobject, {**existing, **values}, values)
        self.store.update_sf(sobject, record_id, values)
        self._changed(sobject)

    def delete(self, sobject: SObject, record_id: str) -> None:
        """Delete a record: to the recycle bin when the object has IsDeleted, else for good."""
        require(sobject, "delete")
        if self.live_record(sobject, record_id) is None:
            raise not_found(record_id)
        if sobject.has_field("IsDeleted"):
            stamp = sf_datetime(now())
            self.store.update_sf(sobject, record_id, {"IsDeleted": 1, "SystemModstamp": stamp})
        else:
            self.store.delete_sf(sobject, record_id)
        self._changed(sobject)

    def _run_checks(
        self,
        view: Schema | None,
        sobject: SObject,
        row: Mapping[str, Any],
        record_id: str | None,
    ) -> list[Problem]:
        problems: list[Problem] = []
        for check in self.checks:
            problems += check(view or self.schema, sobject, row, record_id)
        return problems

    def _changed(self, sobject: SObject) -> None:
        for listener in self.listeners:
            listener(sobject)

    def live_record(self, sobject: SObject, record_id: str) -> dict[str, Any] | None:
        """Return the stored row of a record that exists and is not deleted."""
        row = self.store.get_sf(sobject, record_id)
        if row is None or row.get("IsDeleted"):
            return None
        return row

    def new_id(self, sobject: SObject) -> str:
        """Return a fresh ID for a record of the object, after the highest made so far."""
        prefix = sobject.key_prefix
        if prefix not in self._sequence:
            highest = self.store.max_id_like(sobject, ids.generated_stem(prefix))
            self._sequence[prefix] = ids.sequence_of(highest) if highest else 0
        while True:
            self._sequence[prefix] += 1
            record_id = ids.make_id(prefix, self._sequence[prefix])
            if not self.store.existing_sf_ids(sobject, [record_id]):
                return record_id

    def record_json(
        self,
        sobject: SObject,
        row: Mapping[str, Any],
        version: str,
        names: list[str] | None = None,
    ) -> JsonDict:
        """Return a record as `GET sobjects/X/id` serves it."""
        record_id = row["Id"]
        record: JsonDict = {
            "attributes": {
                "type": sobject.name,
                "url": f"/services/data/v{version}/sobjects/{sobject.name}/{record_id}",
            }
        }
        fields = sobject.fields if names is None else [sobject.field(n) for n in names]
        for field in fields:
            if field is not None:
                record[field.name] = to_json(field, row.get(field.name))
        return record

    def _exists(self, sobject: SObject, record_id: str) -> bool:
        return self.live_record(sobject, record_id) is not None

    def _duplicate_of(self, own_id: str | None) -> FindDuplicate:
        def find(sobject: SObject, field: Field, value: Any) -> str | None:
            matches = self.store.find_sf(
                sobject, field.name, value, case_sensitive=field.case_sensitive
            )
            return next((match for match in matches if match != own_id), None)

        return find


def _writable(field: Field, action: Action) -> bool:
    if action == "seed":
        return field.name not in ("SystemModstamp",)
    if field.calculated:
        return False
    return field.createable if action == "create" else field.updateable


def _unknown_field(sobject: SObject, key: str) -> Problem:
    return Problem(
        "INVALID_FIELD",
        f"No such column '{key}' on sobject of type {sobject.name}",
        (),
        f"{sobject.name} has no field {key}; check the name against its describe",
    )


def _not_writable(field: Field) -> Problem:
    return Problem(
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        f"Unable to create/update fields: {field.name}. Please check the security settings of "
        "this field and verify that it is read/write for your profile or permission set.",
        (field.name,),
        f"{field.name} is not writable; leave it out",
    )


def _missing_required(sobject: SObject, values: Mapping[str, Any], action: Action) -> list[str]:
    if action == "update":
        return [
            name for name, value in values.items() if value is None and not _nillable(sobject, name)
        ]
    return [name for name in sobject.required if values.get(name) is None]


def _nillable(sobject: SObject, name: str) -> bool:
    field = sobject.field(name)
    return field is None or field.nillable or field.type == "boolean"


# Known limit: of Salesforce's computed fields only a person's Name is derived; IsClosed,
# IsWon, ExpectedRevenue, ForecastCategory and formula fields keep what the seed gave them.
def _derive(sobject: SObject, source: Mapping[str, Any], target: dict[str, Any]) -> None:
    """Compute a person's Name from FirstName and LastName, as Contact and User do."""
    name = sobject.field("Name")
    if name is None or name.createable or not sobject.has_field("LastName"):
        return
    if "FirstName" in target or "LastName" in target or "Name" not in source:
        parts = [source.get("FirstName"), source.get("LastName")]
        target["Name"] = " ".join(part for part in parts if part) or None
