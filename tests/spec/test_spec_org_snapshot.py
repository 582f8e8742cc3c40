"""Org snapshot files: written whole and sorted, read back as they were, and refused with a
message naming the file and the problem when they are not snapshots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from org_support import example_org

from reconciler.errors import SpecError
from reconciler.spec.org_snapshot import (
    OrgSnapshotError,
    read_snapshot,
    snapshot_json,
    write_snapshot,
)


def test_a_written_snapshot_reads_back_the_same(tmp_path: Path) -> None:
    org = example_org()
    path = tmp_path / "org.json"

    write_snapshot(path, org, {"Opportunity": ["StageName"]})
    snapshot = read_snapshot(path)

    assert snapshot.describes == org
    assert snapshot.history_tracked == {"Opportunity": ("StageName",)}
    assert list(tmp_path.iterdir()) == [path]


def test_a_snapshot_lists_its_objects_by_name_and_has_no_history_unless_given(
    tmp_path: Path,
) -> None:
    org = example_org()
    shuffled = {name: org[name] for name in ("Opportunity", "Contact", "Account")}

    text = snapshot_json(shuffled)

    assert list(json.loads(text)) == ["sobjects"]
    assert list(json.loads(text)["sobjects"]) == ["Account", "Contact", "Opportunity"]
    assert text.endswith("}\n")
    path = tmp_path / "org.json"
    path.write_text(text)
    assert read_snapshot(path).history_tracked is None


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        pytest.param(None, "cannot read the org snapshot", id="missing"),
        pytest.param("{\n  oops\n}", "is not JSON: Expecting property name", id="not-json"),
        pytest.param("[]", "must hold a JSON object with the key sobjects", id="a-list"),
        pytest.param("{}", "'sobjects' must be an object", id="no-sobjects"),
        pytest.param('{"sobject": {}}', "unknown key 'sobject'", id="unknown-key"),
        pytest.param(
            '{"sobjects": {"Account": {"name": "Account"}}}',
            "sobjects.Account must be a describe",
            id="describe-without-fields",
        ),
        pytest.param(
            '{"sobjects": {"Account": {"fields": [{"type": "string"}]}}}',
            "sobjects.Account.fields[0] must be an object with a name and a type",
            id="field-without-name",
        ),
        pytest.param(
            '{"sobjects": {}, "historyTracked": {"Account": "Name"}}',
            "historyTracked.Account is not one",
            id="history-not-a-list",
        ),
        pytest.param(b"\xff\xfe{}", "it is not UTF-8 text", id="not-utf8"),
    ],
)
def test_a_bad_snapshot_file_is_refused_naming_the_file_and_the_problem(
    tmp_path: Path, content: str | bytes | None, needle: str
) -> None:
    path = tmp_path / "org.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)

    with pytest.raises(OrgSnapshotError) as caught:
        read_snapshot(path)

    assert isinstance(caught.value, SpecError)
    assert str(path) in caught.value.message
    assert needle in caught.value.message
    assert caught.value.hint


def test_a_json_error_names_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "org.json"
    path.write_text('{"sobjects": {},\n  "historyTracked": [1,]\n}')

    with pytest.raises(OrgSnapshotError, match=r"at line 2 column \d+"):
        read_snapshot(path)


def test_a_snapshot_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OrgSnapshotError, match="cannot write the org snapshot"):
        write_snapshot(tmp_path / "missing" / "org.json", example_org())
