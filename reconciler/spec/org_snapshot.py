"""Org snapshots: the describes a spec needs, saved to a JSON file so that `validate` can
check the spec against the org's schema offline.

The file is `{"sobjects": {"<Name>": <describe JSON>}}`, optionally with
`"historyTracked": {"<Name>": ["<Field>", ...]}`, the fields whose history the org tracks
already. Describe does not say which those are; `baton-sf org snapshot` reads them from
the org's FieldDefinitions for each object the spec tracks history on. A snapshot without
the key is checked against the history limit within the spec only.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from reconciler.errors import SpecError
from reconciler.spec.diagnostics import suggestion

SOBJECTS: Final = "sobjects"
HISTORY_TRACKED: Final = "historyTracked"
_MAKE_ONE: Final = "make one with: baton-sf org snapshot SPEC_DIR --out FILE"


class OrgSnapshotError(SpecError):
    """An org snapshot file cannot be read or written, or is not a snapshot."""


@dataclass(frozen=True)
class OrgSnapshot:
    """Describes by object name, and the fields each object tracks already (None when the
    snapshot does not say)."""

    describes: Mapping[str, Mapping[str, Any]]
    history_tracked: Mapping[str, tuple[str, ...]] | None = field(default=None)


def read_snapshot(path: Path) -> OrgSnapshot:
    """The snapshot in `path`; OrgSnapshotError naming the file and the problem otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise OrgSnapshotError(
            f"cannot read the org snapshot {path}: {reason}", hint=_MAKE_ONE
        ) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OrgSnapshotError(
            f"the org snapshot {path} is not JSON: {exc.msg} at line {exc.lineno} "
            f"column {exc.colno}",
            hint=_MAKE_ONE,
        ) from exc
    return _snapshot(data, str(path))


def _snapshot(data: Any, shown: str) -> OrgSnapshot:
    if not isinstance(data, dict):
        _bad(shown, "the file must hold a JSON object with the key sobjects")
    for key in data:
        if key not in (SOBJECTS, HISTORY_TRACKED):
            _bad(shown, f"unknown key '{key}'", suggestion(key, (SOBJECTS, HISTORY_TRACKED)))
    sobjects = data.get(SOBJECTS)
    if not isinstance(sobjects, dict):
        _bad(shown, "'sobjects' must be an object of describes by object name")
    for name, describe in sobjects.items():
        _check_describe(shown, name, describe)
    tracked = data.get(HISTORY_TRACKED)
    return OrgSnapshot(
        describes=sobjects,
        history_tracked=None if tracked is None else _history(shown, tracked),
    )


def _check_describe(shown: str, name: str, describe: Any) -> None:
    where = f"sobjects.{name}"
    if not isinstance(describe, dict) or not isinstance(describe.get("fields"), list):
        _bad(shown, f"{where} must be a describe: an object with a 'fields' list")
    for index, entry in enumerate(describe["fields"]):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and isinstance(entry.get("type"), str)
        ):
            _bad(shown, f"{where}.fields[{index}] must be an object with a name and a type")


def _history(shown: str, tracked: Any) -> dict[str, tuple[str, ...]]:
    problem = f"'{HISTORY_TRACKED}' must map object names to lists of field names"
    if not isinstance(tracked, dict):
        _bad(shown, problem)
    history: dict[str, tuple[str, ...]] = {}
    for name, fields in tracked.items():
        if not (isinstance(fields, list) and all(isinstance(f, str) for f in fields)):
            _bad(shown, f"{problem}; {HISTORY_TRACKED}.{name} is not one")
        history[name] = tuple(fields)
    return history


def _bad(shown: str, problem: str, hint: str | None = None) -> Any:
    raise OrgSnapshotError(
        f"the org snapshot {shown} is not a snapshot: {problem}", hint=hint or _MAKE_ONE
    )


def snapshot_json(
    describes: Mapping[str, Mapping[str, Any]],
    history_tracked: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The snapshot file's text: objects sorted by name, so snapshots diff well."""
    data: dict[str, Any] = {SOBJECTS: {name: describes[name] for name in sorted(describes)}}
    if history_tracked is not None:
        data[HISTORY_TRACKED] = {name: list(history_tracked[name]) for name in history_tracked}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_snapshot(
    path: Path,
    describes: Mapping[str, Mapping[str, Any]],
    history_tracked: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Write the snapshot to `path` whole or not at all (through a file beside it)."""
    text = snapshot_json(describes, history_tracked)
    directory = path.parent if str(path.parent) else Path(".")
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        raise OrgSnapshotError(
            f"cannot write the org snapshot {path}: {exc.strerror}",
            hint="write it into an existing directory you may write to",
        ) from exc
