"""SOQL answered from SQLite: a parsed query is checked against the schema, turned into
parameterised SQL, and its result shaped as Salesforce's query response, in batches.

A query first collects the rowids of every matching record in order (the cursor), then each
batch reads its rows by rowid. Parent paths become LEFT JOINs on the parent's Id.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import ids, soql
from .describe import Field, JsonDict, Schema, SObject
from .sftypes import type_info
from .soql import Comparison, Condition, FieldRef, Junction, Negation, SoqlError, Value
from .store import Store, quote, sf_table
from .timefmt import sf_datetime
from .values import to_json

BATCH_SIZE = 2000
# Known limit: query cursors live in memory, the 200 most recently used; an older
# nextRecordsUrl answers INVALID_QUERY_LOCATOR, and a restart forgets them all.
_MAX_CURSORS = 200
_LITERAL_NAMES = {
    "string": "string and should be enclosed in quotes",
    "id": "id and should be enclosed in quotes",
    "number": "number and should not be enclosed in quotes",
    "boolean": "boolean and should not be enclosed in quotes",
    "date": "date and should not be enclosed in quotes",
    "datetime": "dateTime and should not be enclosed in quotes",
}


@dataclass
class _Node:
    """One object in the answer: the root record or a parent reached by a relationship."""

    sobject: SObject
    id_column: int
    entries: list[tuple[str, int, Field] | tuple[str, _Node]] = field(default_factory=list)
    children: dict[str, _Node] = field(default_factory=dict)


@dataclass
class _Compiled:
    sobject: SObject
    count_only: bool
    from_sql: str
    where_sql: str
    params: list[Any]
    order_sql: str
    limit: int | None
    offset: int | None
    columns: list[str]
    root: _Node
    # (header as Bulk API 2.0 writes it, column index, field) per selected field, in order
    selected: list[tuple[str, int, Field]] = field(default_factory=list)


class _Compiler:
    """Turns one parsed query into SQL, checking every name and literal."""

    def __init__(self, schema: Schema, query: soql.Query, include_deleted: bool) -> None:
        self.schema = schema
        self.query = query
        self.include_deleted = include_deleted
        root = schema.get(query.sobject)
        if root is None:
            raise self.error(
                "INVALID_TYPE",
                f"sObject type '{query.sobject}' is not supported. If you are attempting to "
                "use a custom object, be sure to append the '__c' after the entity name. "
                "Please reference your WSDL or the describe call for the appropriate names.",
                query.sobject_position,
            )
        self.root = root
        self.joins: dict[tuple[str, ...], tuple[str, SObject]] = {(): ("t0", root)}
        self.join_sql: list[str] = []
        self.columns: list[str] = []
        self.params: list[Any] = []

    def error(self, code: str, message: str, position: int) -> SoqlError:
        return SoqlError(code, message, self.query.text, position)

    def compile(self) -> _Compiled:
        if not self.root.queryable:
            raise self.error(
                "INVALID_TYPE",
                f"sObject type '{self.root.name}' is not supported: this user has no Read "
                "permission on it.",
                self.query.sobject_position,
            )
        root_node = _Node(self.root, self.column('t0."Id"'))
        selected = [self.select(root_node, ref) for ref in self.query.fields]
        where = [self.condition(self.query.where)] if self.query.where else []
        if not self.include_deleted and self.root.has_field("IsDeleted"):
            where.append('t0."IsDeleted" = 0')
        order = [self.order_item(item) for item in self.query.order_by] + ["t0.rowid"]
        if self.query.offset is not None and self.query.offset > 2000:
            raise self.error("NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000", 0)
        return _Compiled(
            self.root,
            self.query.count_only,
            f"{sf_table(self.root)} t0" + "".join(self.join_sql),
            " AND ".join(f"({part})" for part in where) or "1",
            self.params,
            ", ".join(order),
            self.query.limit,
            self.query.offset,
            self.columns,
            root_node,
            selected,
        )

    def column(self, sql: str) -> int:
        self.columns.append(sql)
        return len(self.columns) - 1

    def resolve(self, ref: FieldRef) -> tuple[str, Field, tuple[str, ...]]:
        """Return (table alias, field, relationship path) of a field path."""
        sobject, alias = self.root, "t0"
        path: tuple[str, ...] = ()
        for name in ref.path[:-1]:
            alias, sobject, path = self.join(sobject, alias, path, name, ref)
        found = sobject.field(ref.path[-1])
        if found is None:
            raise self.error(
                "INVALID_FIELD",
                f"No such column '{ref.path[-1]}' on entity '{sobject.name}'. If you are "
                "attempting to use a custom field, be sure to append the '__c' after the custom "
                "field name. Please reference your WSDL or the describe call for the "
                "appropriate names.",
                ref.position,
            )
        return alias, found, path

    def join(
        self, sobject: SObject, alias: str, path: tuple[str, ...], name: str, ref: FieldRef
    ) -> tuple[str, SObject, tuple[str, ...]]:
        reference = sobject.relationship(name)
        if reference is None:
            raise self.error(
                "INVALID_FIELD",
                f"Didn't understand relationship '{name}' in field path. If you are attempting "
                "to use a custom relationship, be sure to append the '__r' after the custom "
                "relationship name. Please reference your WSDL or the describe call for the "
                "appropriate names.",
                ref.position,
            )
        # Known limit: a polymorphic lookup (OwnerId, WhoId) is followed to the first object
        # of its referenceTo that the org has, whatever the record's actual parent type.
        target = next(
            (t for t in (self.schema.get(n) for n in reference.reference_to) if t is not None),
            None,
        )
        if target is None:
            raise self.error(
                "INVALID_FIELD",
                f"Relationship '{name}' points to {', '.join(reference.reference_to)}, which "
                "this emulated org does not have; add its describe with --schema",
                ref.position,
            )
        new_path = (*path, name.lower())
        if new_path not in self.joins:
            new_alias = f"t{len(self.joins)}"
            self.joins[new_path] = (new_alias, target)
            self.join_sql.append(
                f' LEFT JOIN {sf_table(target)} {new_alias} ON {new_alias}."Id" = '
                f"{alias}.{quote(reference.name)}"
            )
        return self.joins[new_path][0], target, new_path

    def select(self, root: _Node, ref: FieldRef) -> tuple[str, int, Field]:
        """Add a selected field to the answer's shape; return its header, column and field."""
        alias, found, path = self.resolve(ref)
        node = root
        header = []
        for depth, name in enumerate(path):
            child = node.children.get(name)
            if child is None:
                child_alias, child_object = self.joins[path[: depth + 1]]
                child = _Node(child_object, self.column(f'{child_alias}."Id"'))
                relationship = node.sobject.relationship(name)
                assert relationship is not None and relationship.relationship_name
                node.children[name] = child
                node.entries.append((relationship.relationship_name, child))
            relationship = node.sobject.relationship(name)
            header.append(relationship.relationship_name if relationship else name)
            node = child
        column = self.column(f"{alias}.{quote(found.name)}")
        node.entries.append((found.name, column, found))
        return ".".join([*[str(part) for part in header], found.name]), column, found

    def condition(self, condition: Condition) -> str:
        if isinstance(condition, Junction):
            joiner = f" {condition.operator} "
            return "(" + joiner.join(self.condition(item) for item in condition.items) + ")"
        if isinstance(condition, Negation):
            # SQL's NULL would make NOT of an unknown unknown; SOQL has two-valued logic.
            return f"NOT IFNULL(({self.condition(condition.item)}), 0)"
        return self.comparison(condition)

    def comparison(self, comparison: Comparison) -> str:
        alias, found, _ = self.resolve(comparison.field)
        column = f"{alias}.{quote(found.name)}"
        if not found.filterable:
            raise self.error(
                "INVALID_FIELD",
                f"field '{found.name}' can not be filtered in a query call",
                comparison.field.position,
            )
        operator = comparison.operator
        if operator == "LIKE":
            return self.like(column, found, comparison)
        if operator in ("IN", "NOT IN"):
            return self.membership(column, found, comparison)
        value = comparison.values[0]
        bound = self.bind(found, value, comparison)
        if bound is None:
            if operator not in ("=", "!="):
                raise self.error("MALFORMED_QUERY", "invalid operator for null", value.position)
            return f"{column} IS {'NOT ' if operator == '!=' else ''}NULL"
        if operator not in ("=", "!=") and type_info(found.type).literal == "boolean":
            raise self.error(
                "INVALID_FIELD",
                f"invalid operator on boolean field '{found.name}'",
                comparison.position,
            )
        self.params.append(bound)
        if operator == "!=":
            return f"{column} IS NOT ?"
        return f"{column} {operator} ?"

    def like(self, column: str, found: Field, comparison: Comparison) -> str:
        value = comparison.values[0]
        if type_info(found.type).literal not in ("string", "id") or value.kind != "string":
            raise self.error(
                "INVALID_FIELD",
                f"invalid operator on field '{found.name}': LIKE needs a text field and a "
                "quoted pattern",
                comparison.position,
            )
        self.params.append(value.like)
        return f"{column} LIKE ? ESCAPE '\\'"

    def membership(self, column: str, found: Field, comparison: Comparison) -> str:
        bound = [self.bind(found, value, comparison) for value in comparison.values]
        present = [value for value in bound if value is not None]
        has_null = len(present) < len(bound)
        marks = ", ".join("?" for _ in present)
        self.params.extend(present)
        if comparison.operator == "IN":
            parts = [f"{column} IN ({marks})"] if present else []
            if has_null:
                parts.append(f"{column} IS NULL")
            return "(" + " OR ".join(parts) + ")"
        excluded = f"{column} NOT IN ({marks})" if present else "1"
        if has_null:
            return f"({column} IS NOT NULL AND {excluded})"
        return f"({column} IS NULL OR {excluded})"

    def bind(self, found: Field, value: Value, comparison: Comparison) -> Any:
        """Check a literal against the field's type and convert it to the stored form."""
        if value.like_escapes:
            raise self.error(
                "MALFORMED_QUERY",
                "Invalid string literal. Illegal escape sequence: \\% and \\_ are only allowed "
                "in LIKE",
                value.position,
            )
        if value.kind == "null":
            return None
        expected = type_info(found.type).literal
        converter = _BINDERS.get((expected, value.kind))
        if expected == "other" and value.kind == "string":
            return value.value
        if converter is None:
            raise self.error(
                "INVALID_FIELD",
                f"value of filter criterion for field '{found.name}' must be of type "
                f"{_LITERAL_NAMES.get(expected, expected)}",
                value.position,
            )
        try:
            return converter(value.value)
        except ids.InvalidId:
            raise self.error(
                "INVALID_QUERY_FILTER_OPERATOR",
                f"invalid ID field: {value.value}",
                value.position,
            ) from None

    def order_item(self, item: soql.OrderItem) -> str:
        alias, found, _ = self.resolve(item.field)
        if not found.sortable:
            raise self.error(
                "INVALID_FIELD",
                f"field '{found.name}' can not be sorted in a query call",
                item.field.position,
            )
        sql = f"{alias}.{quote(found.name)} {'DESC' if item.descending else 'ASC'}"
        if item.nulls_last is not None:
            sql += " NULLS LAST" if item.nulls_last else " NULLS FIRST"
        return sql


def _empty_is_null(text: str) -> str | None:
    return text or None


_BINDERS: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("string", "string"): _empty_is_null,
    ("id", "string"): lambda text: ids.to_18(text) if text else None,
    ("number", "number"): lambda number: number,
    ("boolean", "boolean"): lambda flag: int(flag),
    ("date", "date"): lambda day: day.isoformat(),
    ("datetime", "datetime"): sf_datetime,
}


@dataclass
class _Cursor:
    compiled: _Compiled
    rowids: list[int]


class QueryEngine:
    """Answers `query` and `queryAll`, keeping cursors for the batches after the first."""

    def __init__(self, schema: Schema, store: Store) -> None:
        self.schema = schema
        self.store = store
        self._cursors: OrderedDict[str, _Cursor] = OrderedDict()
        self._lock = threading.Lock()
        self._sequence = itertools.count(1)
        self._salt = secrets.randbelow(62**4)

    def run(
        self,
        text: str,
        version: str,
        *,
        include_deleted: bool,
        batch_size: int = BATCH_SIZE,
        schema: Schema | None = None,
    ) -> JsonDict:
        """Answer a query's first batch, as the user whose view of the schema is given."""
        compiled = _Compiler(schema or self.schema, soql.parse(text), include_deleted).compile()
        if compiled.count_only:
            return {"totalSize": self._count(compiled), "done": True, "records": []}
        rowids = self._rowids(compiled)
        cursor = _Cursor(compiled, rowids)
        locator = self._remember(cursor) if len(rowids) > batch_size else ""
        return self._batch(cursor, locator, 0, version, batch_size)

    def table(
        self, text: str, *, include_deleted: bool, schema: Schema | None = None
    ) -> tuple[list[str], list[list[Any]]]:
        """Answer a query whole, as a header of (dotted) field names and rows of JSON values.

        Bulk API 2.0 query jobs read this; COUNT() is refused as they refuse it.
        """
        parsed = soql.parse(text)
        compiled = _Compiler(schema or self.schema, parsed, include_deleted).compile()
        if compiled.count_only:
            raise SoqlError(
                "INVALIDJOB", "Aggregate queries are not supported by Bulk API 2.0", text, None
            )
        sql = (
            f"SELECT {', '.join(compiled.columns)} FROM {compiled.from_sql} "
            f"WHERE {compiled.where_sql} ORDER BY {compiled.order_sql}"
        )
        params = list(compiled.params)
        if compiled.limit is not None or compiled.offset is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if compiled.limit is None else compiled.limit, compiled.offset or 0]
        header = [name for name, _, _ in compiled.selected]
        converters = [(column, found) for _, column, found in compiled.selected]
        rows = [
            [to_json(found, row[column]) for column, found in converters]
            for row in self.store.execute(sql, params).fetchall()
        ]
        return header, rows

    def more(self, locator: str, version: str, batch_size: int = BATCH_SIZE) -> JsonDict | None:
        """Answer the batch a `nextRecordsUrl` names; None when the locator is unknown."""
        cursor_id, _, start = locator.partition("-")
        with self._lock:
            cursor = self._cursors.get(cursor_id)
            if cursor is not None:
                self._cursors.move_to_end(cursor_id)
        if cursor is None or not start.isdigit():
            return None
        return self._batch(cursor, cursor_id, int(start), version, batch_size)

    def _remember(self, cursor: _Cursor) -> str:
        with self._lock:
            cursor_id = ids.make_id("01g", self._salt * 10**6 + next(self._sequence))
            self._cursors[cursor_id] = cursor
            while len(self._cursors) > _MAX_CURSORS:
                self._cursors.popitem(last=False)
        return cursor_id

    def _count(self, compiled: _Compiled) -> int:
        sql = f"SELECT COUNT(*) FROM {compiled.from_sql} WHERE {compiled.where_sql}"
        total = int(self.store.execute(sql, compiled.params).fetchone()[0])
        total = max(0, total - (compiled.offset or 0))
        return total if compiled.limit is None else min(total, compiled.limit)

    def _rowids(self, compiled: _Compiled) -> list[int]:
        sql = (
            f"SELECT t0.rowid FROM {compiled.from_sql} WHERE {compiled.where_sql} "
            f"ORDER BY {compiled.order_sql}"
        )
        params = list(compiled.params)
        if compiled.limit is not None or compiled.offset is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if compiled.limit is None else compiled.limit, compiled.offset or 0]
        return [row[0] for row in self.store.execute(sql, params).fetchall()]

    def _batch(
        self, cursor: _Cursor, locator: str, start: int, version: str, batch_size: int
    ) -> JsonDict:
        chunk = cursor.rowids[start : start + batch_size]
        records = self._records(cursor.compiled, chunk, version)
        end = start + len(chunk)
        answer: JsonDict = {"totalSize": len(cursor.rowids), "done": end >= len(cursor.rowids)}
        if not answer["done"]:
            answer["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{end}"
        answer["records"] = records
        return answer

    def _records(self, compiled: _Compiled, rowids: list[int], version: str) -> list[JsonDict]:
        if not rowids:
            return []
        marks = ", ".join("?" for _ in rowids)
        sql = (
            f"SELECT t0.rowid, {', '.join(compiled.columns)} FROM {compiled.from_sql} "
            f"WHERE t0.rowid IN ({marks})"
        )
        rows = {row[0]: row[1:] for row in self.store.execute(sql, rowids).fetchall()}
        shaped = []
        for rowid in rowids:
            row = rows.get(rowid)
            record = _shape(compiled.root, row, version) if row is not None else None
            if record is not None:
                shaped.append(record)
        return shaped


def _shape(node: _Node, row: tuple[Any, ...], version: str) -> JsonDict | None:
    record_id = row[node.id_column]
    if record_id is None:
        return None
    name = node.sobject.name
    record: JsonDict = {
        "attributes": {
            "type": name,
            "url": f"/services/data/v{version}/sobjects/{name}/{record_id}",
        }
    }
    for entry in node.entries:
        if len(entry) == 3:
            key, column, found = entry
            record[key] = to_json(found, row[column])
        else:
            key, child = entry
            record[key] = _shape(child, row, version)
    return record
