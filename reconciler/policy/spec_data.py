"""The spec as policies see it: the merged documents as plain data, each with the file and
line it was written at, plus a few views that keep rules short.

`spec` in CEL is:

    directory, environment         the spec directory and the --env name (or null)
    documents                      every document, merged with its environment overlay
    connection                     the Connection document
    importRules, syncBacks         the documents of each kind, in file order
    mappedFields                   "Object.Field" for every field a SyncBack writes

Each document is `{apiVersion, kind, metadata, spec, location: {file, line}}`. Dates are
ISO 8601 text, and a key set to null is left out (null means "the default"), so `has()`
tells whether a document sets a key.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reconciler.spec.diagnostics import DiagnosticLog
from reconciler.spec.documents import Document, read_document
from reconciler.spec.files import ENVIRONMENTS, spec_files
from reconciler.spec.reader import read_file
from reconciler.spec.yamltree import YNode, to_plain


def spec_data(spec_dir: Path, environment: str | None) -> dict[str, Any]:
    """The spec in `spec_dir` for `environment` as plain data. The spec is expected to have
    been validated; documents that cannot be read are left out rather than reported."""
    documents = [_document_data(doc) for doc in merged_documents(spec_dir, environment)]
    data: dict[str, Any] = {
        "directory": str(spec_dir),
        "environment": environment,
        "documents": documents,
        "importRules": [d for d in documents if d["kind"] == "ImportRule"],
        "syncBacks": [d for d in documents if d["kind"] == "SyncBack"],
        "mappedFields": mapped_fields(documents),
    }
    connections = [d for d in documents if d["kind"] == "Connection"]
    if connections:
        data["connection"] = connections[0]
    return data


def merged_documents(spec_dir: Path, environment: str | None) -> list[Document]:
    """The documents of a spec directory with the environment's overlays merged over them,
    in file order; the first of two documents with one kind and name wins, as in the
    loader (which reports the second)."""
    log = DiagnosticLog()
    base: dict[tuple[str, str], Document] = {}
    for doc in _read(spec_files(spec_dir, skip=frozenset({ENVIRONMENTS})), log, overlay=False):
        base.setdefault((doc.kind, doc.name), doc)
    if environment is not None:
        overlays = _read(spec_files(spec_dir / ENVIRONMENTS / environment), log, overlay=True)
        for overlay in overlays:
            key = (overlay.kind, overlay.name)
            if key in base:
                base[key] = base[key].merged_with(overlay)
    return sorted(base.values(), key=lambda d: (d.file, d.tree.loc.line))


def _read(paths: Iterable[Path], log: DiagnosticLog, *, overlay: bool) -> list[Document]:
    documents = []
    for path in paths:
        for node in read_file(path, str(path), log).documents:
            doc = read_document(node, log, overlay=overlay)
            if doc is not None:
                documents.append(doc)
    return documents


def _document_data(doc: Document) -> dict[str, Any]:
    data: dict[str, Any] = plain(doc.tree)
    data["location"] = {"file": doc.file, "line": doc.tree.loc.line}
    return data


def plain(node: YNode) -> Any:
    """A positioned YAML node as JSON-like data for CEL: dates as ISO 8601 text, and keys
    whose value is null left out."""
    return _jsonable(to_plain(node))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def mapped_fields(documents: Iterable[dict[str, Any]]) -> list[str]:
    """Each Salesforce field some SyncBack writes, as "Object.Field", sorted."""
    found: set[str] = set()
    for doc in documents:
        body = doc.get("spec")
        if doc.get("kind") != "SyncBack" or not isinstance(body, dict):
            continue
        target = body.get("target")
        fields = body.get("fields")
        if isinstance(target, dict) and isinstance(fields, dict):
            found.update(f"{target.get('object')}.{name}" for name in fields)
    return sorted(found)
