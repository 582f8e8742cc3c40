"""The digest of a spec: a hash of what the merged documents say, not of how they are
written, so reformatting, reordering keys or files, and comments leave it unchanged."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from reconciler.spec.documents import Document
from reconciler.spec.yamltree import to_plain


def _json_default(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in a digest")


def canonical_json(documents: Iterable[Document]) -> str:
    """The documents, sorted by kind and name, as JSON with sorted keys and no spacing."""
    ordered = sorted(documents, key=lambda doc: (doc.kind, doc.name))
    plain = [to_plain(doc.tree) for doc in ordered]
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), default=_json_default)


def spec_digest(documents: Iterable[Document]) -> str:
    """ "sha256:<hex>" over `canonical_json`."""
    text = canonical_json(documents)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
