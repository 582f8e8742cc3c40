"""Salesforce record IDs: the 15-character form, its 18-character form and new IDs.

An 18-character ID is the 15-character one plus a 3-character checksum that encodes which
characters are upper case, so that the ID survives case-insensitive systems.
"""

from __future__ import annotations

import re

_CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SHAPE = re.compile(r"[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?")
_UPPER_MASK = str.maketrans({chr(code): "1" if chr(code).isupper() else "0" for code in range(128)})

# Generated IDs use their own pod and reserved characters, which keeps them apart from the
# hand-written IDs of seed files (those usually read like 001000000000001).
_GENERATED_POD = "8V"


class InvalidId(ValueError):
    """A value is not a Salesforce ID (bad length, characters or checksum)."""


def checksum(id15: str) -> str:
    """Return the 3-character case checksum of a 15-character ID."""
    # Upper-case letters become "1", everything else "0"; each chunk read backwards is the
    # binary number whose bit i says that character i of the chunk is upper case.
    mask = id15.translate(_UPPER_MASK)
    return "".join(
        _CHECKSUM_ALPHABET[int(mask[start : start + 5][::-1], 2)] for start in (0, 5, 10)
    )


# Known limit: an 18-character ID must carry the checksum of its own first 15 characters;
# Salesforce instead uses the checksum to restore the case of an ID whose case was lost.
def to_18(value: str) -> str:
    """Return the 18-character form of a 15- or 18-character ID.

    Raises InvalidId when the value has the wrong shape or an 18-character value's
    checksum does not match its first 15 characters.
    """
    if not _SHAPE.fullmatch(value):
        raise InvalidId(f"{value!r} is not a 15- or 18-character Salesforce ID")
    expected = value[:15] + checksum(value[:15])
    if len(value) == 18 and value[15:].upper() != expected[15:]:
        raise InvalidId(f"{value!r} has a wrong checksum; the 18-character form is {expected}")
    return expected


def is_id(value: object) -> bool:
    """Tell whether a value is a well-formed 15- or 18-character ID."""
    if not isinstance(value, str):
        return False
    try:
        to_18(value)
    except InvalidId:
        return False
    return True


def generated_stem(key_prefix: str) -> str:
    """Return the first six characters every ID made by `make_id` for the prefix has."""
    return f"{key_prefix}{_GENERATED_POD}0"


def sequence_of(record_id: str) -> int:
    """Return the sequence number `make_id` encoded in one of its IDs."""
    number = 0
    for char in record_id[6:15]:
        number = number * 62 + _BASE62.index(char)
    return number


def make_id(key_prefix: str, sequence: int) -> str:
    """Return the 18-character ID number `sequence` of an object with `key_prefix`."""
    digits = ""
    remaining = sequence
    for _ in range(9):
        remaining, digit = divmod(remaining, 62)
        digits = _BASE62[digit] + digits
    id15 = generated_stem(key_prefix) + digits
    return id15 + checksum(id15)
