"""The journal: what each apply set out to do and what became of it, in SQLite.

It is not needed for correctness (the truth is read from both systems each time); it lets
an apply resume after a crash, lets `history` list past applies, and remembers the value
this tool last wrote into each Salesforce field so that a person's edit can be told apart
from Baton's.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reconciler.errors import ApplyError

SCHEMA = """
CREATE TABLE IF NOT EXISTS applies (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    spec_dir TEXT NOT NULL,
    environment TEXT,
    spec_digest TEXT NOT NULL,
    target TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    counts TEXT
);
CREATE TABLE IF NOT EXISTS changes (
    apply_id TEXT NOT NULL REFERENCES applies(id),
    address TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    result TEXT,
    error_code TEXT,
    error_message TEXT,
    PRIMARY KEY (apply_id, address)
);
CREATE INDEX IF NOT EXISTS changes_by_address ON changes(address, status);
CREATE TABLE IF NOT EXISTS written_values (
    target TEXT NOT NULL,
    object TEXT NOT NULL,
    record_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT,
    written_at TEXT NOT NULL,
    apply_id TEXT NOT NULL,
    PRIMARY KEY (target, object, record_id, field)
);
"""


def now() -> str:
    """The current moment as ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ApplyRecord:
    """One past or running apply, as `history` lists it."""

    id: str
    started_at: str
    finished_at: str | None
    status: str
    spec_dir: str
    environment: str | None
    target: str
    counts: Mapping[str, int]


@dataclass(frozen=True)
class PendingChange:
    """A change an earlier apply started and never finished (it crashed in between)."""

    apply_id: str
    address: str
    started_at: str
    result: Mapping[str, Any]


class Journal:
    """The SQLite journal of applies, changes and written values."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise ApplyError(
                f"cannot open the journal {path}: {exc}",
                hint="check that the directory is writable, or set BATON_SF_HOME",
            ) from exc

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def begin_apply(
        self, *, spec_dir: str, environment: str | None, spec_digest: str, target: str
    ) -> str:
        """Record the start of an apply and return its ID."""
        apply_id = uuid.uuid4().hex[:12]
        with self._transaction() as db:
            db.execute(
                "INSERT INTO applies (id, started_at, status, spec_dir, environment, "
                "spec_digest, target, host, pid) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                (
                    apply_id,
                    now(),
                    spec_dir,
                    environment,
                    spec_digest,
                    target,
                    socket.gethostname(),
                    os.getpid(),
                ),
            )
        return apply_id

    def end_apply(self, apply_id: str, status: str, counts: Mapping[str, int]) -> None:
        """Record how an apply ended."""
        with self._transaction() as db:
            db.execute(
                "UPDATE applies SET finished_at = ?, status = ?, counts = ? WHERE id = ?",
                (now(), status, json.dumps(dict(counts)), apply_id),
            )

    def start_change(self, apply_id: str, address: str) -> None:
        """Record, before it is sent, that a change is about to be made."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO changes (apply_id, address, status, started_at) "
                "VALUES (?, ?, 'started', ?)",
                (apply_id, address, now()),
            )

    def note_result(self, apply_id: str, address: str, result: Mapping[str, Any]) -> None:
        """Keep what a change has produced so far (a new project's ID), still unfinished."""
        with self._transaction() as db:
            db.execute(
                "UPDATE changes SET result = ? WHERE apply_id = ? AND address = ?",
                (json.dumps(dict(result)), apply_id, address),
            )

    def finish_change(
        self,
        apply_id: str,
        address: str,
        status: str,
        *,
        result: Mapping[str, Any] | None = None,
        error_code: str | None = None,
        error_message: str | None = None,
    ) -> None:
        """Record how a change ended: applied, failed or skipped."""
        with self._transaction() as db:
            db.execute(
                "UPDATE changes SET status = ?, finished_at = ?, "
                "result = COALESCE(?, result), error_code = ?, error_message = ? "
                "WHERE apply_id = ? AND address = ?",
                (
                    status,
                    now(),
                    json.dumps(dict(result)) if result is not None else None,
                    error_code,
                    error_message,
                    apply_id,
                    address,
                ),
            )

    def pending(self, address: str | None = None) -> list[PendingChange]:
        """Changes that were started and never finished: all of them, or those of one address."""
        args: tuple[str, ...] = ()
        if address is None:
            query = "status = 'started'"
        else:
            query, args = "address = ? AND status = 'started'", (address,)
        rows = self._db.execute(
            "SELECT apply_id, address, started_at, result FROM changes "
            f"WHERE {query} ORDER BY started_at",
            args,
        ).fetchall()
        return [PendingChange(r[0], r[1], r[2], json.loads(r[3] or "{}")) for r in rows]

    def settle(self, address: str, status: str) -> None:
        """Close every unfinished record of `address` (after recovery has dealt with it)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE changes SET status = ?, finished_at = ? "
                "WHERE address = ? AND status = 'started'",
                (status, now(), address),
            )

    def remember_written(
        self,
        apply_id: str,
        target: str,
        object_name: str,
        record_id: str,
        values: Mapping[str, Any],
    ) -> None:
        """Remember the values this tool wrote into a record's fields."""
        stamp = now()
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO written_values "
                "(target, object, record_id, field, value, written_at, apply_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (target, object_name, record_id, name, json.dumps(value), stamp, apply_id)
                    for name, value in values.items()
                ],
            )

    def last_written(self, target: str, object_name: str) -> dict[tuple[str, str], Any]:
        """The value this tool last wrote into each (record, field) of an object."""
        rows = self._db.execute(
            "SELECT record_id, field, value FROM written_values WHERE target = ? AND object = ?",
            (target, object_name),
        ).fetchall()
        return {(r[0], r[1]): json.loads(r[2]) for r in rows}

    def all_written(self, target: str) -> dict[tuple[str, str, str], Any]:
        """The value this tool last wrote into each (object, record, field) of an org."""
        rows = self._db.execute(
            "SELECT object, record_id, field, value FROM written_values WHERE target = ?",
            (target,),
        ).fetchall()
        return {(r[0], r[1], r[2]): json.loads(r[3]) for r in rows}

    def mark_crashed(self) -> int:
        """Mark applies still 'running' whose process is gone on this host as crashed."""
        host = socket.gethostname()
        rows = self._db.execute(
            "SELECT id, pid FROM applies WHERE status = 'running' AND host = ?", (host,)
        ).fetchall()
        gone = [apply_id for apply_id, pid in rows if not process_alive(int(pid))]
        with self._transaction() as db:
            db.executemany(
                "UPDATE applies SET status = 'crashed' WHERE id = ?", [(i,) for i in gone]
            )
        return len(gone)

    def history(self, limit: int = 20) -> list[ApplyRecord]:
        """The newest applies first."""
        rows = self._db.execute(
            "SELECT id, started_at, finished_at, status, spec_dir, environment, target, counts "
            "FROM applies ORDER BY started_at DESC, rowid DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            ApplyRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7] or "{}"))
            for r in rows
        ]


def process_alive(pid: int) -> bool:
    """Whether a process with this ID runs on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def open_journal(directory: Path) -> Journal:
    """The journal in a baton-sf home directory."""
    return Journal(directory / "journal.sqlite")
