"""Reading one YAML file into positioned trees, turning every problem into a diagnostic.

Documents are composed (not constructed) with ruamel.yaml's round-trip loader, so every
node keeps its line and column and duplicate keys can be reported instead of raised.
Scalars are typed here by their resolved YAML tag.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reconciler.spec.diagnostics import DiagnosticLog, Location, one_line
from reconciler.spec.yamltree import Scalar, YEntry, YMap, YNode, YScalar, YSeq

_TAG: Final = "tag:yaml.org,2002:"
_MAX_NODES: Final = 20_000
_MAX_DEPTH: Final = 64
_BRACKETS: Final = re.compile(r"[\[\]{}]")
_TRUE: Final = frozenset({"true", "yes", "on", "y"})
_DATE: Final = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATETIME: Final = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d*))?"
    r"(?:[ \t]*(Z|[-+]\d{1,2}(?::?\d{2})?))?$"
)


@dataclass(frozen=True)
class FileDocuments:
    """The documents read from one file; `complete` is False when reading stopped early."""

    documents: tuple[YNode, ...]
    complete: bool


class _TooLarge(Exception):
    """A document nests too deeply or expands (through aliases) to too many nodes."""


def read_file(path: Path, shown: str, log: DiagnosticLog) -> FileDocuments:
    """Every non-empty document of the file at `path`; `shown` names it in diagnostics."""
    start = Location(file=shown, line=1, column=1)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        log.error(
            "unreadable-file",
            f"cannot read {shown}: {exc.strerror}",
            start,
            hint="check the file's permissions",
        )
        return FileDocuments((), complete=False)
    text = _decode(raw, shown, log)
    if text is None:
        return FileDocuments((), complete=False)
    return _compose(text, shown, log)


def _decode(raw: bytes, shown: str, log: DiagnosticLog) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start
        line = raw.count(b"\n", 0, offset) + 1
        column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
        log.error(
            "not-utf8",
            f"{shown} is not UTF-8 text: byte 0x{raw[offset]:02x} cannot be decoded",
            Location(file=shown, line=line, column=column),
            hint="save the file as UTF-8",
        )
        return None


def _too_deep_at(text: str) -> int | None:
    """The offset where flow brackets (`[`, `{`) nest deeper than the documents may, if they do.

    ruamel.yaml's scanner slows down steeply with flow depth, so hostile nesting is refused
    before parsing. Brackets inside scalars count too, which only matters past the limit.
    """
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match[0] in "[{" else max(depth - 1, 0)
        if depth > _MAX_DEPTH:
            return match.start()
    return None


def _compose(text: str, shown: str, log: DiagnosticLog) -> FileDocuments:
    deep = _too_deep_at(text)
    if deep is not None:
        log.error(
            "too-deep",
            f"{shown} nests brackets more than {_MAX_DEPTH} levels deep",
            _location(text, deep, shown),
            hint="flatten the document",
        )
        return FileDocuments((), complete=False)
    nodes, complete = _compose_nodes(text, shown, log)
    documents = []
    for node in nodes:
        built = _build_document(node, shown, log)
        if built is not None:
            documents.append(built)
        else:
            complete = complete and _is_empty(node)
    return FileDocuments(tuple(documents), complete)


def _compose_nodes(text: str, shown: str, log: DiagnosticLog) -> tuple[list[Any], bool]:
    """ruamel.yaml's nodes of each document, up to the first syntax error, and whether
    the whole text was read. ruamel.yaml's warnings become diagnostics."""
    nodes: list[Any] = []
    complete = True
    start = Location(file=shown, line=1, column=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            nodes.extend(YAML(typ="rt").compose_all(text))
        except YAMLError as exc:
            _syntax_error(exc, text, shown, log)
            complete = False
        except RecursionError:
            log.error(
                "too-deep", f"{shown} nests too deeply to read", start, hint="flatten the document"
            )
            complete = False
    for warning in caught:
        log.warning("yaml-warning", str(warning.message), start)
    return nodes, complete


def _location(text: str, offset: int, shown: str) -> Location:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Location(file=shown, line=line, column=column)


def _is_empty(node: Any) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _TAG + "null" and not node.value


def _syntax_error(exc: YAMLError, text: str, shown: str, log: DiagnosticLog) -> None:
    line, column = 1, 1
    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            line, column = mark.line + 1, mark.column + 1
        problem = exc.problem or exc.context or "invalid YAML"
    else:
        position = getattr(exc, "position", None)
        if isinstance(position, int):
            where = _location(text, position, shown)
            line, column = where.line, where.column
        problem = str(exc).split(" in ", 1)[0] if str(exc) else "invalid YAML"
    log.error(
        "yaml-syntax",
        f"invalid YAML: {one_line(problem)}",
        Location(file=shown, line=line, column=column),
        hint="fix the YAML syntax at this position",
    )


def _build_document(node: Any, shown: str, log: DiagnosticLog) -> YNode | None:
    if _is_empty(node):
        return None
    builder = _TreeBuilder(shown, log)
    try:
        return builder.build(node, depth=0, active=frozenset())
    except _TooLarge as exc:
        log.error(
            "document-too-large",
            str(exc),
            builder.loc(node),
            hint="spec documents are small; check for recursive or repeated aliases",
        )
        return None


class _TreeBuilder:
    """Turns ruamel.yaml nodes into a positioned tree, reporting what it cannot keep."""

    def __init__(self, shown: str, log: DiagnosticLog) -> None:
        self.shown = shown
        self.log = log
        self.count = 0

    def loc(self, node: Node) -> Location:
        mark = node.start_mark
        return Location(file=self.shown, line=mark.line + 1, column=mark.column + 1)

    def build(self, node: Node, depth: int, active: frozenset[int]) -> YNode:
        self.count += 1
        if self.count > _MAX_NODES:
            raise _TooLarge(f"the document expands to more than {_MAX_NODES} nodes")
        if depth > _MAX_DEPTH:
            raise _TooLarge(f"the document nests more than {_MAX_DEPTH} levels deep")
        if id(node) in active:
            raise _TooLarge("the document contains an alias to itself")
        inner = active | {id(node)}
        if isinstance(node, MappingNode):
            return self._mapping(node, depth, inner)
        if isinstance(node, SequenceNode):
            self._check_tag(node, "seq")
            items = tuple(self.build(item, depth + 1, inner) for item in node.value)
            return YSeq(items=items, loc=self.loc(node))
        return YScalar(value=self._scalar(node), loc=self.loc(node))

    def _check_tag(self, node: Node, expected: str) -> None:
        if node.tag not in (_TAG + expected, "!"):
            self._unsupported_tag(node)

    def _unsupported_tag(self, node: Node) -> None:
        self.log.error(
            "unsupported-tag",
            f"the YAML tag {node.tag} is not supported",
            self.loc(node),
            hint="remove the tag; specs use plain YAML values",
        )

    def _mapping(self, node: MappingNode, depth: int, active: frozenset[int]) -> YMap:
        self._check_tag(node, "map")
        entries: dict[str, YEntry] = {}
        merged: dict[str, YEntry] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                self._merge_into(merged, value_node, depth, active)
                continue
            key = self._key(key_node)
            if key is None:
                continue
            if key in entries:
                first = entries[key].key_loc
                self.log.error(
                    "duplicate-key",
                    f"duplicate key '{key}' (first at line {first.line})",
                    self.loc(key_node),
                    hint="remove one of the two",
                )
                continue
            value = self.build(value_node, depth + 1, active)
            entries[key] = YEntry(key=key, key_loc=self.loc(key_node), value=value)
        for key, entry in merged.items():
            entries.setdefault(key, entry)
        return YMap(entries=entries, loc=self.loc(node))

    def _merge_into(
        self, merged: dict[str, YEntry], node: Node, depth: int, active: frozenset[int]
    ) -> None:
        """A `<<: *anchor` merge key: the keys of the merged mappings, explicit keys win."""
        sources = node.value if isinstance(node, SequenceNode) else [node]
        for source in sources:
            built = self.build(source, depth + 1, active)
            if not isinstance(built, YMap):
                self.log.error(
                    "wrong-type",
                    "a merge key (<<) takes a mapping or a list of them",
                    self.loc(source),
                )
                continue
            for key, entry in built.entries.items():
                merged.setdefault(key, entry)

    def _key(self, node: Node) -> str | None:
        if isinstance(node, ScalarNode):
            return str(node.value)
        self.log.error(
            "wrong-type",
            "a key must be plain text, not a list or mapping",
            self.loc(node),
            hint="write the key as text",
        )
        return None

    def _scalar(self, node: Node) -> Scalar:
        tag = str(node.tag)
        text = str(node.value)
        if tag in (_TAG + "str", "!"):
            return text
        parse = _SCALARS.get(tag.removeprefix(_TAG)) if tag.startswith(_TAG) else None
        if parse is None:
            self._unsupported_tag(node)
            return text
        try:
            return parse(text)
        except (ValueError, OverflowError):
            self.log.error(
                "bad-value",
                f"'{text}' is not a valid {tag.removeprefix(_TAG)}",
                self.loc(node),
                hint="quote it to make it text, or correct it",
            )
            return text


def _null(text: str) -> None:
    return None


def _bool(text: str) -> bool:
    return text.lower() in _TRUE


def _int(text: str) -> int:
    cleaned = text.replace("_", "")
    sign = -1 if cleaned.startswith("-") else 1
    digits = cleaned.lstrip("+-")
    if ":" in digits:
        return sign * _sexagesimal(digits)
    if digits.isdigit():
        return sign * int(digits, 10)  # YAML 1.2: a leading zero is still decimal
    return sign * int(digits, 0)


def _sexagesimal(text: str) -> int:
    total = 0
    for part in text.split(":"):
        total = total * 60 + int(part)
    return total


def _float(text: str) -> float:
    cleaned = text.replace("_", "").lower()
    if cleaned.lstrip("+-") in (".inf", "inf"):
        return -math.inf if cleaned.startswith("-") else math.inf
    if cleaned in (".nan", "nan"):
        return math.nan
    if ":" in cleaned:
        sign = -1.0 if cleaned.startswith("-") else 1.0
        whole, _, fraction = cleaned.lstrip("+-").rpartition(":")
        return sign * (_sexagesimal(whole) * 60 + float(fraction))
    return float(cleaned)


def _timestamp(text: str) -> date | datetime:
    day = _DATE.match(text)
    if day:
        return date(int(day[1]), int(day[2]), int(day[3]))
    moment = _DATETIME.match(text)
    if moment is None:
        raise ValueError(text)
    fraction = int(((moment[7] or "") + "000000")[:6])
    zone = _zone(moment[8]) if moment[8] else None
    return datetime(
        int(moment[1]),
        int(moment[2]),
        int(moment[3]),
        int(moment[4]),
        int(moment[5]),
        int(moment[6]),
        fraction,
        tzinfo=zone,
    )


def _zone(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text.startswith("-") else 1
    digits = text[1:].replace(":", "")
    hours = int(digits[:-2]) if len(digits) > 2 else int(digits)
    minutes = int(digits[-2:]) if len(digits) > 2 else 0
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


_SCALARS: Final = {
    "null": _null,
    "bool": _bool,
    "int": _int,
    "float": _float,
    "timestamp": _timestamp,
}
