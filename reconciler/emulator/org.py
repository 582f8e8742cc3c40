"""Building the emulated org and workspace: schema from describes and seed, then every
seeded record checked and stored in one transaction, with batched inserts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import ids
from .baton import Workspace
from .builtin import INTEGRATION_USER_ID, builtin_describes, builtin_records
from .custom_fields import metadata_of
from .describe import DEFAULT_SCHEMA_DIR, Field, JsonDict, Schema, SObject, load_schema_dir
from .errors import EmulatorError
from .metadata import CustomFieldRecord, Metadata
from .records import Problem, Records
from .seed import SeedFile, extend_schema, read_seed
from .settings import OrgSettings, check_settings
from .store import Store
from .timefmt import now, sf_datetime


@dataclass(frozen=True)
class Org:
    """A built org: its schema, storage, seed settings and setup metadata."""

    schema: Schema
    store: Store
    settings: OrgSettings
    metadata: Metadata
    integration_user_id: str = INTEGRATION_USER_ID


def load_schema(schema_dir: Path | None, seed: SeedFile) -> Schema:
    """Return the org's schema: built-ins, then `--schema` payloads, then seed fields."""
    payloads = {payload["name"].lower(): payload for payload in builtin_describes()}
    for payload in load_schema_dir(schema_dir or DEFAULT_SCHEMA_DIR):
        payloads[payload["name"].lower()] = payload
    return Schema(extend_schema(list(payloads.values()), seed))


def build_database(
    db_path: Path, schema_dir: Path | None, seed_path: Path | None
) -> tuple[Schema, Store]:
    """Create fresh storage from the schema and seed; nothing is left behind on failure."""
    org = build_org(db_path, schema_dir, seed_path)
    return org.schema, org.store


def build_org(db_path: Path, schema_dir: Path | None, seed_path: Path | None) -> Org:
    """Build the org of a schema and seed: storage, settings and setup metadata."""
    seed = read_seed(seed_path) if seed_path is not None else SeedFile("seed")
    schema = load_schema(schema_dir, seed)
    check_settings(seed.settings, schema, seed.source)
    store = _build_store(db_path, schema, seed)
    return Org(schema, store, seed.settings, _metadata(schema, seed.settings))


def _metadata(schema: Schema, settings: OrgSettings) -> Metadata:
    """Describe the custom fields the org starts with, and which fields keep history."""
    metadata = Metadata(packages=settings.installed_packages)
    for object_name, names in settings.history_tracked.items():
        sobject = schema.get(object_name)
        assert sobject is not None
        for name in names:
            field = sobject.field(name)
            assert field is not None
            metadata.set_tracked(sobject.name, field.name, True)
    stamp = sf_datetime(now())
    for sobject in schema.objects.values():
        for entry in sobject.payload["fields"]:
            if not str(entry["name"]).endswith("__c"):
                continue
            tracked = metadata.is_tracked(sobject.name, entry["name"])
            metadata.add(
                CustomFieldRecord(
                    id=metadata.new_field_id(),
                    object_name=sobject.name,
                    field_name=str(entry["name"]),
                    metadata=metadata_of(entry, tracked),
                    created=stamp,
                    modified=stamp,
                )
            )
    return metadata


def _build_store(db_path: Path, schema: Schema, seed: SeedFile) -> Store:
    building = db_path.with_name(db_path.name + ".building")
    _remove_database(db_path)
    _remove_database(building)
    store = Store(building)
    try:
        _fill(store, schema, seed)
    except BaseException:
        store.close()
        _remove_database(building)
        raise
    store.close()
    building.rename(db_path)
    return Store(db_path)


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _fill(store: Store, schema: Schema, seed: SeedFile) -> None:
    for sobject in schema.objects.values():
        store.create_sf_table(sobject)
    workspace = Workspace(store)
    workspace.create_tables()
    with store.transaction():
        _SalesforceSeeder(schema, store, seed).run()
        workspace.seed(seed.baton, seed.source)
    for sobject in schema.objects.values():
        store.index_sf_table(sobject)


class _SalesforceSeeder:
    """Checks every seeded record as a create would, then inserts each object's rows at once."""

    def __init__(self, schema: Schema, store: Store, seed: SeedFile) -> None:
        self.schema = schema
        self.store = store
        self.seed = seed
        self.records = Records(schema, store)
        self.ids: dict[str, set[str]] = {}
        self.rows: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def run(self) -> None:
        for sobject, place, record, builtin in self._entries():
            self._prepare(sobject, place, record, builtin=builtin)
        self._assign_ids()
        self._check_references()
        self._check_unique()
        stamp = sf_datetime(now())
        for name, entries in self.rows.items():
            sobject = self.schema.objects[name]
            full_rows = [
                self.records.fill_system_fields(sobject, values, values["Id"], stamp)
                for _, values in entries
            ]
            # Only the columns some record fills: binding fewer values makes inserts quicker.
            filled = set().union(*(row.keys() for row in full_rows))
            columns = [field.name for field in sobject.fields if field.name in filled]
            rows = [tuple(map(row.get, columns)) for row in full_rows]
            self.store.insert_sf(sobject, columns, rows)

    def _entries(self) -> Iterable[tuple[SObject, str, JsonDict, bool]]:
        """Yield (object, place, record, is built-in) for built-in and seeded records."""
        seeded = {name.lower(): (name, records) for name, records in self.seed.salesforce.items()}
        for name, records in builtin_records().items():
            sobject = self._object(name)
            given = seeded.get(name.lower(), (name, []))[1]
            if name == "Organization" and given:
                records = [self._organization(records[0], given)]
                seeded.pop(name.lower())
            for record in records:
                yield sobject, f"built-in {name}", record, True
        for name, records in seeded.values():
            sobject = self._object(name)
            for index, record in enumerate(records):
                yield sobject, f"{self.seed.source}: salesforce.{name}[{index}]", record, False

    def _object(self, name: str) -> SObject:
        sobject = self.schema.get(name)
        if sobject is None:
            names = ", ".join(sorted(s.name for s in self.schema.objects.values()))
            raise EmulatorError(
                f"{self.seed.source}: salesforce.{name}: no object {name} in this org "
                f"(objects: {names}); fix the name or add its describe with --schema"
            )
        return sobject

    def _organization(self, builtin: JsonDict, given: list[JsonDict]) -> JsonDict:
        if len(given) > 1:
            raise EmulatorError(
                f"{self.seed.source}: salesforce.Organization: an org has one Organization "
                "record; give at most one (its fields override the built-in one)"
            )
        return {**builtin, **{k: v for k, v in given[0].items() if k.lower() != "id"}}

    def _prepare(self, sobject: SObject, place: str, record: JsonDict, *, builtin: bool) -> None:
        if builtin:
            # A --schema describe may lack fields of the built-in record, or require more.
            record = {k: v for k, v in record.items() if sobject.has_field(k)}
        values, problems = self.records.prepare(sobject, record, "seed")
        if builtin:
            problems = [p for p in problems if p.code != "REQUIRED_FIELD_MISSING"]
        if problems:
            raise EmulatorError(_seed_message(place, problems[0]))
        record_id = values.get("Id")
        if record_id is not None:
            self._check_given_id(sobject, place, record_id)
        self.rows.setdefault(sobject.name.lower(), []).append((place, values))

    def _check_given_id(self, sobject: SObject, place: str, record_id: str) -> None:
        if record_id[:3] != sobject.key_prefix:
            raise EmulatorError(
                f"{place}.Id: {record_id} does not start with {sobject.name}'s key prefix "
                f"{sobject.key_prefix}; fix the ID or leave it out"
            )
        taken = self.ids.setdefault(sobject.name.lower(), set())
        if record_id in taken:
            raise EmulatorError(f"{place}.Id: {record_id} is used twice; give each record its own")
        taken.add(record_id)

    def _assign_ids(self) -> None:
        for name, entries in self.rows.items():
            sobject = self.schema.objects[name]
            taken = self.ids.setdefault(name, set())
            sequence = 1
            for _, values in entries:
                if values.get("Id") is not None:
                    continue
                record_id = ids.make_id(sobject.key_prefix, sequence)
                while record_id in taken:
                    sequence += 1
                    record_id = ids.make_id(sobject.key_prefix, sequence)
                values["Id"] = record_id
                taken.add(record_id)
                sequence += 1

    def _check_references(self) -> None:
        def exists(target: SObject, record_id: str) -> bool:
            return record_id in self.ids.get(target.name.lower(), set())

        for name, entries in self.rows.items():
            sobject = self.schema.objects[name]
            for place, values in entries:
                problems = self.records.check_references(sobject, values, exists)
                if problems:
                    raise EmulatorError(_seed_message(place, problems[0]))

    def _check_unique(self) -> None:
        for name, entries in self.rows.items():
            sobject = self.schema.objects[name]
            for field in (f for f in sobject.fields if f.unique and f.name != "Id"):
                self._check_unique_field(field, entries)

    def _check_unique_field(self, field: Field, entries: list[tuple[str, JsonDict]]) -> None:
        seen: dict[Any, tuple[str, str]] = {}
        for place, values in entries:
            value = values.get(field.name)
            if value is None:
                continue
            key = value if field.case_sensitive or not isinstance(value, str) else value.lower()
            if key in seen:
                first_place, first_id = seen[key]
                raise EmulatorError(
                    f"{place}.{field.name}: {value!r} is already used by {first_place} "
                    f"({first_id}); {field.name} is unique, so give each record its own value"
                )
            seen[key] = (place, values["Id"])


def _seed_message(place: str, problem: Problem) -> str:
    where = f"{place}.{problem.fields[0]}" if len(problem.fields) == 1 else place
    return (
        f"{where}: {problem.message}; {problem.hint}"
        if problem.hint
        else f"{where}: {problem.message}"
    )
