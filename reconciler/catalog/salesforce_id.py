"""Salesforce record IDs: the 15-character form and its 18-character, case-safe form."""

from __future__ import annotations

import re
from typing import Final

_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID: Final = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-5]{3})?$")


def _suffix(id15: str) -> str:
    """The 3-character checksum: one letter per 5-character chunk, a bit per upper case."""
    letters = []
    for start in (0, 5, 10):
        chunk = id15[start : start + 5]
        bits = sum(1 << i for i, char in enumerate(chunk) if "A" <= char <= "Z")
        letters.append(_ALPHABET[bits])
    return "".join(letters)


def _restore_case(id18: str) -> str | None:
    """The 15 leading characters with the case the checksum records, or None if they clash."""
    chars = []
    for chunk_index in range(3):
        bits = _ALPHABET.index(id18[15 + chunk_index].upper())
        for offset in range(5):
            char = id18[chunk_index * 5 + offset]
            upper = bool(bits & (1 << offset))
            if upper and not char.isalpha():
                return None
            chars.append(char.upper() if upper else char.lower())
    return "".join(chars)


def canonical_id(text: str) -> str | None:
    """The 18-character form of a Salesforce ID, or None when `text` is not a valid ID.

    An 18-character ID is case-insensitive: its last three characters say which of the
    first fifteen are upper case, so its case is restored rather than trusted.
    """
    if not _ID.match(text):
        return None
    if len(text) == 15:
        return text + _suffix(text)
    restored = _restore_case(text)
    return None if restored is None else restored + text[15:].upper()


def is_salesforce_id(text: str) -> bool:
    """True for a well-formed 15- or 18-character Salesforce ID."""
    return canonical_id(text) is not None
