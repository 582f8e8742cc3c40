"""Rewriting spec files in place, keeping comments, key order and quoting: the ground that
`fmt` and `migrate` share.

A file is split at its document markers (`---`, `...`), which are kept as written, as is
anything before the first document (comments, `%YAML`). Each document is read with
ruamel.yaml's round-trip loader and written back in one fixed style: mappings indented by
2, sequences by 4 with the dash at 2, `null` spelled out, lines never wrapped. A rewrite
that would change what a document means is refused.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.representer import RoundTripRepresenter

from reconciler.errors import SpecError
from reconciler.spec.documents import KINDS

API_PREFIX: Final = "baton-sf/"
_MARKER: Final = re.compile(r"^(?:---|\.\.\.)(?:[ \t]+(?:#.*)?)?$")
_STARTS_DOCUMENT: Final = re.compile(r"^---[ \t]+\S")
_NOT_CONTENT: Final = re.compile(r"^[ \t]*(?:#.*|%.*)?$")
_MAX_ROUNDS: Final = 4


class RewriteError(SpecError):
    """A file cannot be rewritten; the message names the file and, when known, the line."""


class _Representer(RoundTripRepresenter):
    """Round-trip output with null written as `null` (not as nothing)."""


def _represent_null(representer: RoundTripRepresenter, data: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


_Representer.add_representer(type(None), _represent_null)


def round_trip_yaml() -> YAML:
    """A ruamel.yaml instance configured for the one style specs are written in."""
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


@dataclass(frozen=True)
class Segment:
    """A run of lines of a file: a document to rewrite (`document` True), or text kept
    as written (markers, comments before the first document). `line` is 1-based."""

    text: str
    line: int
    document: bool


def split_documents(text: str, shown: str) -> list[Segment]:
    """`text` cut at its document markers; joining the segments' text gives it back."""
    segments: list[Segment] = []
    pending: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        bare = line.rstrip("\r\n")
        if _STARTS_DOCUMENT.match(bare) and not _MARKER.match(bare):
            raise RewriteError(
                f"{shown}:{number}:1: a document starts on its --- line, which this tool "
                "does not rewrite",
                hint="move the document's content to the line after ---",
            )
        if _MARKER.match(bare):
            segments.extend(_body(pending, start))
            segments.append(Segment(line, number, document=False))
            pending, start = [], number + 1
        else:
            pending.append(line)
    segments.extend(_body(pending, start))
    return segments


def _body(lines: list[str], start: int) -> Iterator[Segment]:
    if lines:
        text = "".join(lines)
        has_content = any(not _NOT_CONTENT.match(line.rstrip("\r\n")) for line in lines)
        yield Segment(text, start, document=has_content)


def load(segment: Segment, shown: str) -> Any:
    """The segment's document, round-trip loaded (comments and quoting attached)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return round_trip_yaml().load(segment.text)
        except YAMLError as exc:
            raise RewriteError(_syntax_message(exc, segment, shown), hint="fix the YAML") from exc


def _syntax_message(exc: YAMLError, segment: Segment, shown: str) -> str:
    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if mark is not None:
            where = f"{shown}:{segment.line + mark.line}:{mark.column + 1}"
            return f"{where}: invalid YAML: {' '.join(str(problem).split())}"
    return f"{shown}:{segment.line}:1: invalid YAML: {' '.join(str(exc).split())}"


def dump(document: Any) -> str:
    """The document written in the specs' style."""
    out = io.StringIO()
    round_trip_yaml().dump(document, out)
    return out.getvalue()


def is_baton_sf_document(document: Any) -> bool:
    """True for a mapping whose apiVersion is one of baton-sf's: a spec document, or
    another document of the tool's (a policy), which shares its layout."""
    version = document.get("apiVersion") if isinstance(document, dict) else None
    return isinstance(version, str) and version.startswith(API_PREFIX)


def is_spec_document(document: Any) -> bool:
    """True for a spec document: a baton-sf document whose kind is a spec kind."""
    return is_baton_sf_document(document) and document.get("kind") in KINDS


def rewrite_stably(
    segment: Segment, shown: str, change: Callable[[Any], None] = lambda document: None
) -> str:
    """The segment's document after `change`, written in the specs' style and then
    rewritten until the text no longer moves, so that a second run changes nothing."""
    document = load(segment, shown)
    change(document)
    text = dump(document)
    for _ in range(_MAX_ROUNDS):
        try:
            again = dump(load(Segment(text, segment.line, document=True), shown))
        except RewriteError as exc:
            raise _unsettled(segment, shown, "would not be valid YAML") from exc
        if again == text:
            return text
        text = again
    raise _unsettled(segment, shown, "does not settle into one layout")


def _unsettled(segment: Segment, shown: str, problem: str) -> RewriteError:
    # Known limit: ruamel.yaml misplaces some comments, for example one just before a list
    # whose items include an empty flow mapping `{}`; such a document is refused and left
    # as it is rather than rewritten wrong.
    return RewriteError(
        f"{shown}:{segment.line}:1: the document rewritten {problem}, so it is left as it is",
        hint="move comments away from empty {} or [] values and run again",
    )


def same_meaning(before: str, after: str) -> bool:
    """True when both texts hold the same data, whatever their layout."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            old = YAML(typ="safe", pure=True).load(before)
            new = YAML(typ="safe", pure=True).load(after)
        except YAMLError:
            return False
    return bool(_comparable(old) == _comparable(new))


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {_comparable(k): _comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, date):
        return ("date", value.isoformat())
    return value
