import subprocess
import sys
from pathlib import Path

from reconciler.apply.journal import open_journal


def test_changes_started_and_never_finished_are_pending(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    apply_id = journal.begin_apply(spec_dir="specs", environment=None, spec_digest="d", target="t")
    journal.start_change(apply_id, "baton.project[won/006A]")
    journal.start_change(apply_id, "baton.project[won/006B]")
    journal.note_result(apply_id, "baton.project[won/006B]", {"projectId": 7})
    journal.finish_change(apply_id, "baton.project[won/006A]", "applied", result={"projectId": 6})

    pending = journal.pending()

    assert [(p.address, dict(p.result)) for p in pending] == [
        ("baton.project[won/006B]", {"projectId": 7})
    ]
    journal.settle("baton.project[won/006B]", "applied")
    assert journal.pending() == []


def test_written_values_are_remembered_per_target(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    journal.remember_written("a1", "org-1", "Opportunity", "006A", {"Status__c": "Doing"})
    journal.remember_written("a2", "org-1", "Opportunity", "006A", {"Status__c": "Done"})

    assert journal.last_written("org-1", "Opportunity") == {("006A", "Status__c"): "Done"}
    assert journal.last_written("org-2", "Opportunity") == {}


def test_applies_of_dead_processes_are_marked_crashed(tmp_path: Path) -> None:
    journal = open_journal(tmp_path)
    apply_id = journal.begin_apply(spec_dir="specs", environment=None, spec_digest="d", target="t")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    journal._db.execute("UPDATE applies SET pid = ? WHERE id = ?", (dead.pid, apply_id))

    assert journal.mark_crashed() == 1
    assert journal.history()[0].status == "crashed"
