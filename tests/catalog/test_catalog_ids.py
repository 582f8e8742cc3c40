"""Salesforce IDs: the 18-character form and its case-restoring checksum."""

from __future__ import annotations

import pytest

from reconciler.catalog import canonical_id, is_salesforce_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("001A0000006Vm9r", "001A0000006Vm9rIAC", id="15-to-18"),
        pytest.param("001A0000006Vm9rIAC", "001A0000006Vm9rIAC", id="18-kept"),
        pytest.param("001a0000006vm9riac", "001A0000006Vm9rIAC", id="18-case-restored"),
        pytest.param("0060000000000000", None, id="16-characters"),
        pytest.param("001A0000006Vm9rIA9", None, id="bad-checksum-character"),
        pytest.param("0011000000000000AA", None, id="checksum-marks-a-digit-upper"),
        pytest.param("001-000000000000", None, id="punctuation"),
    ],
)
def test_canonical_id(text: str, expected: str | None) -> None:
    assert canonical_id(text) == expected
    assert is_salesforce_id(text) is (expected is not None)
