"""SQLite storage of both services: one table per Salesforce object, one per Baton
collection, in a single database file in the state directory.

Salesforce tables have a column per describe field. Text columns compare case-insensitively
(COLLATE NOCASE), as Salesforce compares strings. Baton tables keep each object as JSON, with
an indexed column per single relation so that reverse lists are cheap.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .describe import Field, SObject
from .sftypes import type_info

# Known limit: text compares case-insensitively for ASCII letters only (SQLite's NOCASE);
# Salesforce also folds accented and other non-ASCII letters.
_COLUMN_TYPES = {
    "text": "TEXT COLLATE NOCASE",
    "real": "REAL",
    "integer": "INTEGER",
    "boolean": "INTEGER",
}


def quote(identifier: str) -> str:
    """Quote an SQL identifier; describe names are letters, digits and underscores."""
    return '"' + identifier.replace('"', '""') + '"'


def sf_table(sobject: SObject) -> str:
    """Return the quoted table name of a Salesforce object."""
    return quote("sf_" + sobject.name)


def baton_table(collection: str) -> str:
    """Return the quoted table name of a Baton collection."""
    return quote("bt_" + collection)


class Store:
    """One SQLite connection shared by all request threads behind one lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=OFF")
        self.lock = threading.RLock()
        self._savepoints = 0

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run a block in a transaction (a savepoint when one is already open)."""
        with self.lock:
            self._savepoints += 1
            name = f"sp{self._savepoints}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            else:
                self.conn.execute(f"RELEASE {name}")
            finally:
                self._savepoints -= 1

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one statement."""
        with self.lock:
            return self.conn.execute(sql, params)

    # Salesforce objects

    def create_sf_table(self, sobject: SObject) -> None:
        """Create the table of an object, with a column per field."""
        columns = []
        for field in sobject.fields:
            declaration = _COLUMN_TYPES[type_info(field.type).storage]
            if field.name == "Id":
                declaration += " PRIMARY KEY"
            columns.append(f"{quote(field.name)} {declaration}")
        self.execute(f"CREATE TABLE {sf_table(sobject)} ({', '.join(columns)})")

    def index_sf_table(self, sobject: SObject) -> None:
        """Index the fields looked up by value: external IDs, unique fields, change dates.

        Lookups need no index: parent paths join on the parent's Id, its primary key.
        """
        for field in sobject.fields:
            self.index_sf_field(sobject, field)

    def index_sf_field(self, sobject: SObject, field: Field) -> None:
        """Index one field when it is looked up by value (and has no index yet)."""
        wanted = field.external_id or field.unique or field.name == "LastModifiedDate"
        if wanted and field.name != "Id":
            index = quote(f"ix_{sobject.name}_{field.name}")
            self.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON {sf_table(sobject)} ({quote(field.name)})"
            )

    def add_sf_column(self, sobject: SObject, field: Field) -> None:
        """Add the column of a new field to an object's table (existing rows hold NULL)."""
        storage = type_info(field.type).storage
        declaration = _COLUMN_TYPES[storage]
        if storage == "boolean":
            # Existing records get the checkbox's default, as in Salesforce.
            declaration += f" DEFAULT {1 if field.default_value is True else 0}"
        self.execute(
            f"ALTER TABLE {sf_table(sobject)} ADD COLUMN {quote(field.name)} {declaration}"
        )
        self.index_sf_field(sobject, field)

    def insert_sf(
        self, sobject: SObject, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Insert rows of an object in one statement per batch."""
        names = ", ".join(quote(column) for column in columns)
        marks = ", ".join("?" for _ in columns)
        with self.lock:
            self.conn.executemany(
                f"INSERT INTO {sf_table(sobject)} ({names}) VALUES ({marks})", rows
            )

    def update_sf(self, sobject: SObject, record_id: str, values: dict[str, Any]) -> None:
        """Set fields of one record."""
        assignments = ", ".join(f"{quote(name)} = ?" for name in values)
        self.execute(
            f'UPDATE {sf_table(sobject)} SET {assignments} WHERE "Id" = ?',
            [*values.values(), record_id],
        )

    def delete_sf(self, sobject: SObject, record_id: str) -> None:
        """Remove one record for good."""
        self.execute(f'DELETE FROM {sf_table(sobject)} WHERE "Id" = ?', [record_id])

    def get_sf(self, sobject: SObject, record_id: str) -> dict[str, Any] | None:
        """Return one record as a mapping of field name to stored value."""
        cursor = self.execute(f'SELECT * FROM {sf_table(sobject)} WHERE "Id" = ?', [record_id])
        row = cursor.fetchone()
        if row is None:
            return None
        return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}

    def find_sf(
        self, sobject: SObject, field_name: str, value: Any, *, case_sensitive: bool
    ) -> list[str]:
        """Return the IDs of records whose field equals a value."""
        collate = " COLLATE BINARY" if case_sensitive else ""
        rows = self.execute(
            f'SELECT "Id" FROM {sf_table(sobject)} WHERE {quote(field_name)} = ?{collate} '
            "ORDER BY rowid",
            [value],
        ).fetchall()
        return [row[0] for row in rows]

    def max_id_like(self, sobject: SObject, stem: str) -> str | None:
        """Return the highest ID (compared case-sensitively) that starts with `stem`."""
        row = self.execute(
            f'SELECT MAX("Id" COLLATE BINARY) FROM {sf_table(sobject)} '
            'WHERE substr("Id", 1, ?) = ? COLLATE BINARY',
            [len(stem), stem],
        ).fetchone()
        return None if row is None else row[0]

    def existing_sf_ids(self, sobject: SObject, record_ids: Sequence[str]) -> set[str]:
        """Return which of the IDs name records of an object."""
        found: set[str] = set()
        for start in range(0, len(record_ids), 500):
            chunk = list(record_ids[start : start + 500])
            marks = ", ".join("?" for _ in chunk)
            rows = self.execute(
                f'SELECT "Id" FROM {sf_table(sobject)} WHERE "Id" IN ({marks})', chunk
            ).fetchall()
            found.update(row[0] for row in rows)
        return found

    # Baton collections

    def create_baton_table(self, collection: str, relation_keys: Sequence[str]) -> None:
        """Create the table of a collection, with an indexed column per single relation."""
        extra = "".join(f", {quote('r_' + key)} INTEGER" for key in relation_keys)
        table = baton_table(collection)
        self.execute(
            f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, created TEXT, modified TEXT, "
            f"data TEXT{extra})"
        )
        for key in relation_keys:
            index = quote(f"ix_{collection}_{key}")
            self.execute(f"CREATE INDEX {index} ON {table} ({quote('r_' + key)})")

    def insert_baton(
        self, collection: str, relation_keys: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Insert rows (id, created, modified, data as JSON text, relation ids...)."""
        columns = ["id", "created", "modified", "data", *(f"r_{key}" for key in relation_keys)]
        names = ", ".join(quote(column) for column in columns)
        marks = ", ".join("?" for _ in columns)
        with self.lock:
            self.conn.executemany(
                f"INSERT INTO {baton_table(collection)} ({names}) VALUES ({marks})", rows
            )

    def update_baton(
        self,
        collection: str,
        object_id: int,
        modified: str,
        data: dict[str, Any],
        relations: dict[str, int | None],
    ) -> None:
        """Replace the stored JSON of one object and its relation columns."""
        sets = ["modified = ?", "data = ?", *(f"{quote('r_' + key)} = ?" for key in relations)]
        self.execute(
            f"UPDATE {baton_table(collection)} SET {', '.join(sets)} WHERE id = ?",
            [modified, json.dumps(data), *relations.values(), object_id],
        )

    def baton_rows(
        self,
        collection: str,
        *,
        ids: Sequence[int] | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[tuple[int, str, str, dict[str, Any]]]:
        """Return (id, created, modified, data) rows ordered by id."""
        sql = f"SELECT id, created, modified, data FROM {baton_table(collection)}"
        params: list[Any] = []
        if ids is not None:
            sql += f" WHERE id IN ({', '.join('?' for _ in ids)})"
            params.extend(ids)
        sql += " ORDER BY id"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params.extend([limit, offset])
        rows = self.execute(sql, params).fetchall()
        return [(row[0], row[1], row[2], json.loads(row[3])) for row in rows]

    def baton_count(self, collection: str) -> int:
        """Return how many objects a collection holds."""
        row = self.execute(f"SELECT COUNT(*) FROM {baton_table(collection)}").fetchone()
        return int(row[0])

    def baton_max_id(self, collection: str) -> int:
        """Return the highest id of a collection, 0 when empty."""
        row = self.execute(f"SELECT MAX(id) FROM {baton_table(collection)}").fetchone()
        return int(row[0] or 0)

    def baton_children(
        self, collection: str, key: str, parent_ids: Sequence[int]
    ) -> list[tuple[int, int]]:
        """Return (parent id, child id) pairs of a collection's relation `key`."""
        if not parent_ids:
            return []
        column = quote("r_" + key)
        marks = ", ".join("?" for _ in parent_ids)
        rows = self.execute(
            f"SELECT {column}, id FROM {baton_table(collection)} WHERE {column} IN ({marks}) "
            "ORDER BY id",
            list(parent_ids),
        ).fetchall()
        return [(row[0], row[1]) for row in rows]
