"""A YAML document as a tree whose every node and key knows its file, line and column.

The loader builds these from ruamel.yaml's composed nodes, merges overlays on them (each
node keeps the file it came from) and reads the models from them, so that any finding can
point at the exact place it is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reconciler.spec.diagnostics import Location

Scalar = str | int | float | bool | date | datetime | None


@dataclass(frozen=True)
class YScalar:
    value: Scalar
    loc: Location


@dataclass(frozen=True)
class YSeq:
    items: tuple[YNode, ...]
    loc: Location


@dataclass(frozen=True)
class YEntry:
    key: str
    key_loc: Location
    value: YNode


@dataclass(frozen=True)
class YMap:
    entries: Mapping[str, YEntry]
    loc: Location

    def get(self, key: str) -> YNode | None:
        entry = self.entries.get(key)
        return None if entry is None else entry.value


YNode = YScalar | YSeq | YMap


def is_null(node: YNode | None) -> bool:
    """True for an absent node or an explicit YAML null."""
    return node is None or (isinstance(node, YScalar) and node.value is None)


def kind_of(node: YNode) -> str:
    """How a node reads in a message: "a list", "text 'x'", "the number 5", ..."""
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    return scalar_kind(node.value)


def scalar_kind(value: Scalar) -> str:
    """How a scalar reads in a message: "null", "the number 5", "the text 'x'", ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    shown = value if len(value) <= 40 else value[:37] + "..."
    return f"the text '{shown}'"


def to_plain(node: YNode) -> Any:
    """The node as plain Python data (dicts, lists, scalars), positions dropped."""
    if isinstance(node, YMap):
        return {key: to_plain(entry.value) for key, entry in node.entries.items()}
    if isinstance(node, YSeq):
        return [to_plain(item) for item in node.items]
    return node.value


def from_plain(value: Any, original: YNode | None, fallback: Location) -> YNode:
    """Plain data as a tree, keeping the positions of `original` wherever the shape of the
    two agrees and using `fallback` for what is new (a migration moved or added it)."""
    here = original.loc if original is not None else fallback
    if isinstance(value, Mapping):
        old = original if isinstance(original, YMap) else None
        entries = {}
        for key, item in value.items():
            key_text = str(key)
            old_entry = old.entries.get(key_text) if old is not None else None
            key_loc = old_entry.key_loc if old_entry is not None else here
            child = from_plain(item, old_entry.value if old_entry else None, key_loc)
            entries[key_text] = YEntry(key=key_text, key_loc=key_loc, value=child)
        return YMap(entries=entries, loc=here)
    if isinstance(value, list | tuple):
        old_items = original.items if isinstance(original, YSeq) else ()
        items = tuple(
            from_plain(item, old_items[i] if i < len(old_items) else None, here)
            for i, item in enumerate(value)
        )
        return YSeq(items=items, loc=here)
    scalar = value if isinstance(value, str | int | float | bool | date | None) else str(value)
    return YScalar(value=scalar, loc=here)


def merge(base: YNode, overlay: YNode) -> YNode:
    """`overlay` deep-merged over `base`: mappings merge key by key, anything else replaces."""
    if not (isinstance(base, YMap) and isinstance(overlay, YMap)):
        return overlay
    entries = dict(base.entries)
    for key, entry in overlay.entries.items():
        old = entries.get(key)
        if old is None:
            entries[key] = entry
        else:
            entries[key] = YEntry(
                key=key, key_loc=entry.key_loc, value=merge(old.value, entry.value)
            )
    return YMap(entries=entries, loc=base.loc)


def locate(node: YNode, *path: str) -> Location:
    """The position of the key at `path` under `node`, or of the deepest one that exists."""
    here = node.loc
    current: YNode = node
    for part in path:
        if not isinstance(current, YMap) or part not in current.entries:
            return here
        entry = current.entries[part]
        here, current = entry.key_loc, entry.value
    return here


def locate_value(node: YNode, *path: str) -> Location:
    """The position of the value at `path` under `node`, or of the deepest key that exists."""
    current: YNode = node
    for part in path:
        if not isinstance(current, YMap) or part not in current.entries:
            return locate(node, *path)
        current = current.entries[part].value
    return current.loc
