"""`baton-sf migrate`: spec documents of older apiVersions rewritten to the newest, in place.

Each document is migrated by the registered steps on its round-trip form, so comments
survive; a migrated document is written in `fmt`'s layout, and every other document of
the file is kept exactly as it was written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reconciler.spec import migrations
from reconciler.spec.migrations import MigrationError
from reconciler.spec.yaml_rewrite import (
    RewriteError,
    is_spec_document,
    load,
    rewrite_stably,
    split_documents,
)


@dataclass(frozen=True)
class Migrated:
    """One document moved from `before` to `after` (apiVersions), at `line` of its file."""

    line: int
    before: str
    after: str


def migrate_text(text: str, shown: str) -> tuple[str, list[Migrated]]:
    """`text` with every older spec document migrated, and what was migrated. RewriteError
    names a document whose apiVersion has no path to the newest."""
    registry = migrations.REGISTRY
    parts: list[str] = []
    done: list[Migrated] = []
    for segment in split_documents(text, shown):
        document: Any = load(segment, shown) if segment.document else None
        version = str(document["apiVersion"]) if is_spec_document(document) else None
        if version is None or not registry.needs_migration(version):
            parts.append(segment.text)
            continue
        line = segment.line + _key_line(document, "apiVersion")
        step = _migration(version, f"{shown}:{line}:1")
        parts.append(rewrite_stably(segment, shown, step))
        done.append(Migrated(line, version, registry.newest))
    return "".join(parts), done


def _migration(version: str, where: str) -> Callable[[Any], None]:
    """The registry's migration of one document, its failures reported at `where`."""
    registry = migrations.REGISTRY

    def step(document: Any) -> None:
        try:
            registry.migrate(document)
        except MigrationError as exc:
            raise RewriteError(f"{where}: {exc.message}", hint=exc.hint) from exc
        except Exception as exc:
            # A step is code written for well-formed documents; whatever it raises on an
            # odd one is reported at the document, and the file is left unchanged.
            raise RewriteError(
                f"{where}: the document cannot be migrated from {version} to "
                f"{registry.newest}: {exc}",
                hint=f"rewrite the document in {registry.newest} by hand",
            ) from exc

    return step


def _key_line(document: Any, key: str) -> int:
    """The 0-based line of `key` in a round-trip loaded mapping (0 when unknown)."""
    try:
        return int(document.lc.key(key)[0])
    except (AttributeError, KeyError, TypeError):
        return 0
