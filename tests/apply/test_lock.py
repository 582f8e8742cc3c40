import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.apply.lock import LockHeld, Locks, lock_scope, open_locks
from reconciler.errors import ApplyError


@pytest.fixture
def locks(tmp_path: Path) -> Iterator[Locks]:
    table = open_locks(tmp_path)
    yield table
    table.close()


@pytest.fixture
def live_process() -> Iterator[int]:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process.pid
    process.kill()
    process.wait()


def _plant(locks: Locks, scope: str, pid: int) -> None:
    """A lock as another process would have left it."""
    locks._db.execute(
        "INSERT INTO locks VALUES (?, 'abc123', 'ci', ?, ?, '2026-12-03T10:00:00+00:00', "
        "'apply', 'specs')",
        (scope, socket.gethostname(), pid),
    )


def test_second_apply_fails_naming_the_holder(locks: Locks, live_process: int) -> None:
    scope = lock_scope("specs", "org")
    _plant(locks, scope, live_process)

    with pytest.raises(LockHeld) as caught:
        locks.acquire(scope, operation="apply", what="specs")

    message = str(caught.value)
    assert "ci" in message and str(live_process) in message and "force-unlock abc123" in message


def test_lock_of_a_dead_process_is_broken_with_a_warning(locks: Locks) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    scope = lock_scope("specs", "org")
    _plant(locks, scope, dead.pid)
    warnings: list[str] = []

    mine = locks.acquire(scope, operation="apply", what="specs", warn=warnings.append)

    assert mine.pid == os.getpid()
    assert len(warnings) == 1 and "abc123" in warnings[0]


def test_waiting_lock_is_taken_once_released(locks: Locks, live_process: int) -> None:
    scope = lock_scope("specs", "org")
    _plant(locks, scope, live_process)
    os.kill(live_process, 9)
    os.waitpid(live_process, 0)

    mine = locks.acquire(scope, operation="apply", what="specs", timeout=2)

    assert mine.id != "abc123"


def test_release_lets_the_next_apply_in(locks: Locks) -> None:
    scope = lock_scope("specs", "org")
    first = locks.acquire(scope, operation="apply", what="specs")
    locks.release(first.id)

    second = locks.acquire(scope, operation="apply", what="specs")

    assert second.id != first.id


def test_force_unlock_removes_any_holder(locks: Locks, live_process: int) -> None:
    scope = lock_scope("specs", "org")
    _plant(locks, scope, live_process)

    removed = locks.force_unlock("abc123")

    assert removed.pid == live_process
    assert locks.held() == []
    with pytest.raises(ApplyError, match="no lock has the ID"):
        locks.force_unlock("abc123")


def test_scopes_differ_by_spec_and_target() -> None:
    assert lock_scope("specs", "org-a") != lock_scope("specs", "org-b")
    assert lock_scope("specs", "org-a") == lock_scope("./specs", "org-a")
