"""The Baton workspace: validation of writes, storage and the JSON shapes it serves.

Relations are stored as ids and served as URIs or embedded objects, following the table in
`baton_model`. Errors use Django REST Framework's field-error wording.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from . import baton_model
from .baton_model import (
    CHOICES,
    COMPUTED_DURATION,
    DATES,
    DECIMALS,
    DEFAULTS,
    INLINE,
    READ_ONLY,
    REQUIRED,
    WRITABLE,
    Relation,
)
from .errors import EmulatorError
from .store import Store, quote
from .timefmt import baton_datetime, now, parse_date, parse_datetime

JsonDict = dict[str, Any]
Exists = Callable[[str, int], bool]

_URI = re.compile(r"(?:https?://[^/]+)?/api/([a-z_]+)/(\d+)/?")
_SETTINGS = quote("bt__settings")
_WRITABLE_KEY = "writable"
_DATETIME_FORMATS = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"


class BatonInvalid(Exception):
    """A write Baton would refuse with 400 and these field errors."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(json.dumps(errors))
        self.errors = errors


@dataclass(frozen=True)
class _FieldError(Exception):
    message: str
    fix: str


def object_uri(base: str, collection: str, object_id: int) -> str:
    """Return the absolute URI of an object."""
    return f"{base}/api/{collection}/{object_id}/"


class Workspace:
    """One Baton workspace stored in SQLite."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def create_tables(self) -> None:
        """Create one table per collection, and one for the workspace's settings."""
        for collection in baton_model.COLLECTIONS:
            relations = baton_model.model(collection).single_relations
            self.store.create_baton_table(collection, relations)
        self.store.execute(f"CREATE TABLE {_SETTINGS} (key TEXT PRIMARY KEY, value TEXT)")

    def writable(self) -> tuple[str, ...]:
        """The collections that take POST and PATCH (the seed's `baton.writable`)."""
        try:
            row = self.store.execute(
                f"SELECT value FROM {_SETTINGS} WHERE key = ?", [_WRITABLE_KEY]
            ).fetchone()
        except sqlite3.OperationalError:
            row = None
        return tuple(json.loads(row[0])) if row else WRITABLE

    # reads

    def page(
        self, collection: str, page: int, page_size: int, base: str
    ) -> tuple[int, list[JsonDict]]:
        """Return the object count and one page of objects ordered by id."""
        count = self.store.baton_count(collection)
        rows = self.store.baton_rows(collection, offset=(page - 1) * page_size, limit=page_size)
        return count, self._present(collection, rows, base)

    def count(self, collection: str) -> int:
        """Return how many objects a collection holds."""
        return self.store.baton_count(collection)

    def get(self, collection: str, object_id: int, base: str) -> JsonDict | None:
        """Return one object, or None."""
        rows = self.store.baton_rows(collection, ids=[object_id])
        return self._present(collection, rows, base)[0] if rows else None

    def _exists(self, collection: str, object_id: int) -> bool:
        return bool(self.store.baton_rows(collection, ids=[object_id]))

    # writes

    def create(self, collection: str, body: Any, base: str) -> JsonDict:
        """Create an object from a POST body; raise BatonInvalid when Baton would refuse."""
        data, errors = clean(collection, body, creating=True, exists=self._exists)
        if errors:
            raise BatonInvalid(errors)
        data = computed(collection, data, set(body))
        with self.store.transaction():
            object_id = self.store.baton_max_id(collection) + 1
            stamp = baton_datetime(now())
            self.store.insert_baton(
                collection,
                baton_model.model(collection).single_relations,
                [_row(collection, object_id, stamp, stamp, data)],
            )
        created = self.get(collection, object_id, base)
        assert created is not None
        return created

    def update(self, collection: str, object_id: int, body: Any, base: str) -> JsonDict | None:
        """Apply a PATCH body to an object; None when it does not exist."""
        rows = self.store.baton_rows(collection, ids=[object_id])
        if not rows:
            return None
        changes, errors = clean(collection, body, creating=False, exists=self._exists)
        if errors:
            raise BatonInvalid(errors)
        data = computed(collection, {**rows[0][3], **changes}, set(changes), creating=False)
        relations = {key: data.get(key) for key in baton_model.model(collection).single_relations}
        self.store.update_baton(collection, object_id, baton_datetime(now()), data, relations)
        return self.get(collection, object_id, base)

    def seed(self, collections: Mapping[str, Any], source: str) -> None:
        """Store the `baton:` part of a seed file; raise EmulatorError naming the place."""
        if isinstance(collections, Mapping) and _WRITABLE_KEY in collections:
            collections = dict(collections)
            self._seed_writable(collections.pop(_WRITABLE_KEY), source)
        records = _seed_records(collections, source)
        ids = _seed_ids(records, source)
        known = {name: set(by_index.values()) for name, by_index in ids.items()}

        def exists(target: str, object_id: int) -> bool:
            return object_id in known.get(target, set())

        stamp = baton_datetime(now())
        for collection, entries in records.items():
            rows = []
            for index, entry in enumerate(entries):
                place = f"{source}: baton.{collection}[{index}]"
                rows.append(
                    _seed_row(collection, entry, ids[collection][index], stamp, exists, place)
                )
            relations = baton_model.model(collection).single_relations
            self.store.insert_baton(collection, relations, rows)

    def _seed_writable(self, names: Any, source: str) -> None:
        if not isinstance(names, list) or not all(n in baton_model.COLLECTIONS for n in names):
            raise EmulatorError(
                f"{source}: baton.writable: expected a list of collection names, such as "
                f"[{', '.join(WRITABLE)}]"
            )
        self.store.execute(
            f"INSERT OR REPLACE INTO {_SETTINGS} (key, value) VALUES (?, ?)",
            [_WRITABLE_KEY, json.dumps(names)],
        )

    # presentation

    def _present(
        self, collection: str, rows: list[tuple[int, str, str, JsonDict]], base: str
    ) -> list[JsonDict]:
        collection_model = baton_model.model(collection)
        embedded = self._embedded(collection_model.relations, rows)
        reverse = self._reverse(collection_model.reverse_lists, [row[0] for row in rows])
        presented = []
        for object_id, created, modified, data in rows:
            item: JsonDict = {"id": object_id, "_self": object_uri(base, collection, object_id)}
            keys = [
                *collection_model.fields,
                *(k for k in data if k not in collection_model.fields),
            ]
            for key in keys:
                relation = collection_model.relations.get(key)
                value = data.get(key, [] if relation and relation.many else None)
                if relation is not None:
                    value = _present_relation(relation, value, embedded.get(key, {}), base)
                item[key] = value
            for key, (child, _) in collection_model.reverse_lists.items():
                item[key] = [
                    object_uri(base, child, cid) for cid in reverse[key].get(object_id, [])
                ]
            item["created"] = created
            item["modified"] = modified
            presented.append(item)
        return presented

    def _embedded(
        self, relations: dict[str, Relation], rows: list[tuple[int, str, str, JsonDict]]
    ) -> dict[str, dict[int, JsonDict]]:
        """Fetch, per embedded relation, the related objects of a page in one query each."""
        found: dict[str, dict[int, JsonDict]] = {}
        for key, relation in relations.items():
            if not relation.embed:
                continue
            wanted = sorted({row[3][key] for row in rows if isinstance(row[3].get(key), int)})
            targets = self.store.baton_rows(relation.target, ids=wanted) if wanted else []
            found[key] = {target[0]: target[3] for target in targets}
        return found

    def _reverse(
        self, lists: dict[str, tuple[str, str]], parent_ids: list[int]
    ) -> dict[str, dict[int, list[int]]]:
        found: dict[str, dict[int, list[int]]] = {}
        for key, (child, child_key) in lists.items():
            by_parent: dict[int, list[int]] = {}
            for parent_id, child_id in self.store.baton_children(child, child_key, parent_ids):
                by_parent.setdefault(parent_id, []).append(child_id)
            found[key] = by_parent
        return found


def _present_relation(
    relation: Relation, value: Any, embedded: dict[int, JsonDict], base: str
) -> Any:
    if relation.many:
        return [object_uri(base, relation.target, item) for item in value or []]
    if value is None:
        return None
    if not relation.embed:
        return object_uri(base, relation.target, value)
    target = embedded.get(value)
    if target is None:
        return None
    shown: JsonDict = {}
    for key in relation.embed:
        if key == "id":
            shown[key] = value
        elif key == "_self":
            shown[key] = object_uri(base, relation.target, value)
        else:
            shown[key] = target.get(key)
    return shown


def _row(
    collection: str, object_id: int, created: str, modified: str, data: JsonDict
) -> tuple[Any, ...]:
    relations = baton_model.model(collection).single_relations
    return (
        object_id,
        created,
        modified,
        json.dumps(data),
        *(data.get(key) for key in relations),
    )


# validation


def computed(
    collection: str, data: JsonDict, given: set[str], *, creating: bool = True
) -> JsonDict:
    """Fill the values Baton computes: a time entry's `calculated_duration`, in minutes
    between `started_at` and `ended_at`, unless the body gives it (an update recomputes it
    only when it moves one of the two)."""
    target, duration, start, end = COMPUTED_DURATION
    if collection != target or duration in given:
        return data
    if not creating and not given & {start, end}:
        return data
    if data.get(start) is None or data.get(end) is None:
        return data
    seconds = (parse_datetime(data[end]) - parse_datetime(data[start])).total_seconds()
    return {**data, duration: max(0, round(seconds / 60))}


def clean(
    collection: str, body: Any, *, creating: bool, exists: Exists
) -> tuple[JsonDict, dict[str, list[str]]]:
    """Validate a POST or PATCH body: (values to store, DRF field errors)."""
    if not isinstance(body, dict):
        kind = type(body).__name__
        message = f"Invalid data. Expected a dictionary, but got {kind}."
        return {}, {"non_field_errors": [message]}
    data: JsonDict = dict(DEFAULTS.get(collection, {})) if creating else {}
    errors: dict[str, list[str]] = {}
    for key, value in body.items():
        if key in READ_ONLY or key in baton_model.REVERSE_LISTS.get(collection, {}):
            continue
        try:
            data[key] = clean_value(collection, key, value, exists)
        except _FieldError as error:
            errors[key] = [error.message]
    for key in REQUIRED.get(collection, ()):
        problem = _required_problem(key, body, creating)
        if problem and key not in errors:
            errors[key] = [problem]
    return data, errors


def _required_problem(key: str, body: JsonDict, creating: bool) -> str | None:
    if key not in body:
        return "This field is required." if creating else None
    if body[key] is None:
        return "This field may not be null."
    if body[key] == "":
        return "This field may not be blank."
    return None


def clean_value(collection: str, key: str, value: Any, exists: Exists) -> Any:
    """Validate and normalise one value; raise _FieldError with DRF's wording."""
    relation = baton_model.RELATIONS.get(collection, {}).get(key)
    if relation is not None:
        return _clean_relation(relation, value, exists)
    if key in INLINE.get(collection, ()):
        return _clean_inline(key, value)
    if value is None:
        return None
    choices = CHOICES.get((collection, key))
    if choices is not None and value not in choices:
        raise _FieldError(f'"{value}" is not a valid choice.', f"use one of {', '.join(choices)}")
    if key in DECIMALS.get(collection, ()):
        return _clean_decimal(value)
    if key in DATES.get(collection, ()):
        return _clean_date(value)
    if baton_model.is_datetime_key(key):
        return _clean_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _clean_relation(relation: Relation, value: Any, exists: Exists) -> Any:
    if not relation.many:
        return None if value is None else _related_id(relation, value, exists)
    if not isinstance(value, list):
        raise _FieldError(
            f'Expected a list of items but got type "{type(value).__name__}".',
            f"give a list of ids of {relation.target}",
        )
    return [_related_id(relation, item, exists) for item in value]


def _related_id(relation: Relation, value: Any, exists: Exists) -> int:
    """Read a relation given as an id, a URI or an embedded object with an id."""
    if isinstance(value, dict) and "id" in value:
        value = value["id"]
    fix = f"give the id or URI of an object in {relation.target}"
    if isinstance(value, str) and not value.isdigit():
        match = _URI.fullmatch(value)
        if match is None:
            raise _FieldError("Invalid hyperlink - No URL match.", fix)
        if match.group(1) != relation.target:
            raise _FieldError("Invalid hyperlink - Incorrect URL match.", fix)
        if not exists(relation.target, int(match.group(2))):
            raise _FieldError("Invalid hyperlink - Object does not exist.", fix)
        return int(match.group(2))
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _FieldError(
            f"Incorrect type. Expected pk value, received {type(value).__name__}.", fix
        )
    object_id = int(value)
    if not exists(relation.target, object_id):
        raise _FieldError(f'Invalid pk "{object_id}" - object does not exist.', fix)
    return object_id


def _clean_inline(key: str, value: Any) -> Any:
    if key == "rate":
        if value is None:
            return None
        if not isinstance(value, dict):
            value = {"hourly_rate": value}
        rate = value.get("hourly_rate")
        return {**value, "hourly_rate": None if rate is None else _clean_decimal(rate)}
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _FieldError(
            f'Expected a list of items but got type "{type(value).__name__}".',
            f"give {key} as a list of mappings",
        )
    return [_clean_nested(index, item) for index, item in enumerate(value)]


def _clean_nested(index: int, item: JsonDict) -> JsonDict:
    cleaned: JsonDict = {"id": item.get("id", index + 1)}
    for key, value in item.items():
        if baton_model.is_datetime_key(key) and value is not None:
            value = _clean_datetime(value)
        cleaned[key] = value.isoformat() if isinstance(value, date) else value
    return cleaned


def _clean_decimal(value: Any) -> str:
    fix = "give a number or a decimal string such as 1500.00"
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise _FieldError("A valid number is required.", fix)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _FieldError("A valid number is required.", fix) from None
    if not number.is_finite():
        raise _FieldError("A valid number is required.", fix)
    return str(number.quantize(Decimal("0.01")))


def _clean_datetime(value: Any) -> str:
    try:
        return baton_datetime(parse_datetime(value))
    except ValueError:
        raise _FieldError(
            f"Datetime has wrong format. Use one of these formats instead: {_DATETIME_FORMATS}.",
            "write it like 2026-01-31T10:00:00Z",
        ) from None


def _clean_date(value: Any) -> str:
    try:
        return parse_date(value).isoformat()
    except ValueError:
        raise _FieldError(
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
            "write it like 2026-01-31",
        ) from None


# seeding


def _seed_records(collections: Any, source: str) -> dict[str, list[JsonDict]]:
    if not isinstance(collections, dict):
        raise EmulatorError(
            f"{source}: baton: expected a mapping of collection name to a list of objects"
        )
    records: dict[str, list[JsonDict]] = {}
    for name, entries in collections.items():
        if name not in baton_model.COLLECTIONS:
            raise EmulatorError(
                f"{source}: baton.{name}: unknown collection; use one of "
                f"{', '.join(baton_model.COLLECTIONS)}"
            )
        if not isinstance(entries, list):
            raise EmulatorError(f"{source}: baton.{name}: expected a list of objects")
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise EmulatorError(
                    f"{source}: baton.{name}[{index}]: expected a mapping of field to value"
                )
        records[name] = entries
    return records


def _seed_ids(records: dict[str, list[JsonDict]], source: str) -> dict[str, dict[int, int]]:
    """Give every seeded object an id: its own, or the next free one."""
    ids: dict[str, dict[int, int]] = {}
    for collection, entries in records.items():
        given: dict[int, int] = {}
        taken: set[int] = set()
        for index, entry in enumerate(entries):
            object_id = entry.get("id")
            if object_id is None:
                continue
            place = f"{source}: baton.{collection}[{index}].id"
            if isinstance(object_id, bool) or not isinstance(object_id, int) or object_id < 1:
                raise EmulatorError(f"{place}: {object_id!r} is not an id; use a positive integer")
            if object_id in taken:
                raise EmulatorError(
                    f"{place}: id {object_id} is used twice in {collection}; give each its own"
                )
            given[index] = object_id
            taken.add(object_id)
        next_id = max(given.values(), default=0) + 1
        for index in range(len(entries)):
            if index not in given:
                given[index] = next_id
                next_id += 1
        ids[collection] = given
    return ids


def _seed_row(
    collection: str, entry: JsonDict, object_id: int, stamp: str, exists: Exists, place: str
) -> tuple[Any, ...]:
    data: JsonDict = dict(DEFAULTS.get(collection, {}))
    for key, value in entry.items():
        if key in ("id", "_self", "created", "modified"):
            continue
        try:
            data[key] = clean_value(collection, key, value, exists)
        except _FieldError as error:
            raise EmulatorError(f"{place}.{key}: {error.message}; {error.fix}") from None
    for key in REQUIRED.get(collection, ()):
        if data.get(key) in (None, ""):
            raise EmulatorError(f"{place}: {key} is required; add {key}")
    data = computed(collection, data, set(entry))
    created = _seed_stamp(entry, "created", stamp, place)
    modified = _seed_stamp(entry, "modified", created, place)
    return _row(collection, object_id, created, modified, data)


def _seed_stamp(entry: JsonDict, key: str, default: str, place: str) -> str:
    if entry.get(key) is None:
        return default
    try:
        return baton_datetime(parse_datetime(entry[key]))
    except ValueError:
        raise EmulatorError(
            f"{place}.{key}: {entry[key]!r} is not a date-time; write it like 2026-01-31T10:00:00Z"
        ) from None
