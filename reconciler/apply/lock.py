"""One writer at a time: the apply lock, kept in SQLite beside the journal.

A lock names its owner, host, process and start time. A lock whose holder process is gone
on this host is broken automatically, with a warning, so a killed apply never blocks the
next one.

Known limit: the lock lives in the local baton-sf home (`.baton-sf/` or `$BATON_SF_HOME`);
applies started from different machines or directories do not see each other's locks
unless they share that directory.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reconciler.apply.journal import now, process_alive
from reconciler.errors import ApplyError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS locks (
    scope TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    operation TEXT NOT NULL,
    what TEXT NOT NULL
);
"""
_POLL_SECONDS = 0.5


class LockHeld(ApplyError):
    """Another apply holds the lock."""


@dataclass(frozen=True)
class LockInfo:
    """Who holds a lock, and since when."""

    id: str
    scope: str
    owner: str
    host: str
    pid: int
    started_at: str
    operation: str
    what: str

    def describe(self) -> str:
        return (
            f"lock {self.id} held by {self.owner} on {self.host} (pid {self.pid}) "
            f"for {self.operation} of {self.what} since {self.started_at}"
        )


def lock_scope(spec_dir: str, target: str) -> str:
    """The lock's key: one spec directory applied to one org and workspace."""
    text = f"{Path(spec_dir).resolve()}|{target}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Locks:
    """The lock table of one baton-sf home."""

    def __init__(self, path: Path) -> None:
        try:
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise ApplyError(
                f"cannot open the lock table {path}: {exc}",
                hint="check that the directory is writable, or set BATON_SF_HOME",
            ) from exc

    def close(self) -> None:
        self._db.close()

    def acquire(
        self,
        scope: str,
        *,
        operation: str,
        what: str,
        timeout: float = 0.0,
        warn: Callable[[str], None] = lambda _message: None,
    ) -> LockInfo:
        """Take the lock, waiting up to `timeout` seconds; break it if its holder is gone."""
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            holder = self._try(scope, operation, what, warn)
            if holder is None:
                mine = self._holder(scope)
                assert mine is not None
                return mine
            if time.monotonic() >= deadline:
                raise LockHeld(
                    f"another apply is running: {holder.describe()}",
                    hint=(
                        "wait for it, pass --lock-timeout to wait longer, or if it is truly "
                        f"gone run: baton-sf force-unlock {holder.id}"
                    ),
                )
            time.sleep(_POLL_SECONDS)

    def release(self, lock_id: str) -> None:
        """Give the lock back."""
        self._db.execute("DELETE FROM locks WHERE id = ?", (lock_id,))

    def force_unlock(self, lock_id: str) -> LockInfo:
        """Remove a lock by its ID, whoever holds it."""
        row = self._db.execute("SELECT scope FROM locks WHERE id = ?", (lock_id,)).fetchone()
        if row is None:
            raise ApplyError(
                f"no lock has the ID {lock_id}",
                hint="the lock was already released; run baton-sf locks to list held locks",
            )
        info = self._holder(str(row[0]))
        self.release(lock_id)
        assert info is not None
        return info

    def held(self) -> list[LockInfo]:
        """Every lock held now."""
        rows = self._db.execute("SELECT scope FROM locks ORDER BY started_at").fetchall()
        return [info for (scope,) in rows if (info := self._holder(str(scope))) is not None]

    def _try(
        self, scope: str, operation: str, what: str, warn: Callable[[str], None]
    ) -> LockInfo | None:
        """None when the lock was taken; otherwise its live holder."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            holder = self._holder(scope)
            if holder is not None and _abandoned(holder):
                warn(f"breaking the lock of a finished process: {holder.describe()}")
                self._db.execute("DELETE FROM locks WHERE scope = ?", (scope,))
                holder = None
            if holder is None:
                self._db.execute(
                    "INSERT INTO locks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        scope,
                        uuid.uuid4().hex[:12],
                        _owner(),
                        socket.gethostname(),
                        os.getpid(),
                        now(),
                        operation,
                        what,
                    ),
                )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return holder

    def _holder(self, scope: str) -> LockInfo | None:
        row = self._db.execute(
            "SELECT id, scope, owner, host, pid, started_at, operation, what FROM locks "
            "WHERE scope = ?",
            (scope,),
        ).fetchone()
        if row is None:
            return None
        return LockInfo(row[0], row[1], row[2], row[3], int(row[4]), row[5], row[6], row[7])


def _abandoned(holder: LockInfo) -> bool:
    return holder.host == socket.gethostname() and not process_alive(holder.pid)


def _owner() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def open_locks(directory: Path) -> Locks:
    """The lock table in a baton-sf home directory."""
    return Locks(directory / "journal.sqlite")
