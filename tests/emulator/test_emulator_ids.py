"""Salesforce IDs: the case checksum, widening 15 to 18 characters, and new IDs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.emulator import ids

ID15 = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    min_size=15,
    max_size=15,
)


@pytest.mark.parametrize(
    ("id15", "expected"),
    [
        pytest.param("001000000000001", "AAA", id="all digits"),
        pytest.param("0015000000GkUW0", "AAN", id="upper case in the third chunk"),
        pytest.param("ABCDEABCDEABCDE", "555", id="all upper case"),
        pytest.param("abcdeabcdeabcde", "AAA", id="all lower case"),
    ],
)
def test_checksum_sets_a_bit_for_each_upper_case_character(id15: str, expected: str) -> None:
    assert ids.checksum(id15) == expected


def test_fifteen_characters_widen_to_eighteen() -> None:
    assert ids.to_18("0015000000GkUW0") == "0015000000GkUW0AAN"


def test_an_eighteen_character_id_with_a_wrong_checksum_is_refused() -> None:
    with pytest.raises(ids.InvalidId, match="0015000000GkUW0AAN"):
        ids.to_18("0015000000GkUW0AAB")


@pytest.mark.parametrize("value", ["", "001", "00150000-0GkUW0", "0015000000GkUW0A", "x" * 19])
def test_values_of_the_wrong_shape_are_not_ids(value: str) -> None:
    assert not ids.is_id(value)


@given(ID15)
def test_widening_keeps_the_id_and_is_idempotent(id15: str) -> None:
    id18 = ids.to_18(id15)

    assert id18[:15] == id15
    assert ids.to_18(id18) == id18
    assert ids.is_id(id18)


@given(st.integers(min_value=1, max_value=62**9 - 1))
def test_made_ids_carry_the_prefix_and_a_valid_checksum(sequence: int) -> None:
    made = ids.make_id("006", sequence)

    assert made.startswith("006")
    assert ids.to_18(made) == made


@given(st.integers(min_value=1, max_value=62**9 - 1))
def test_the_sequence_of_a_made_id_reads_back(sequence: int) -> None:
    assert ids.sequence_of(ids.make_id("a0B", sequence)) == sequence


def test_made_ids_differ_by_sequence() -> None:
    assert len({ids.make_id("006", n) for n in range(1, 5000)}) == 4999
