"""Migrations between `apiVersion`s of the spec language.

Each registered step rewrites a document of one version into the next, in place, so that
`baton-sf migrate` can apply it to a round-trip loaded document and keep its comments.
`baton-sf/v1` is the newest version; older versions are read by chaining steps up to it.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Final

from reconciler.errors import SpecError

NEWEST: Final = "baton-sf/v1"

Document = MutableMapping[str, Any]
Step = Callable[[Document], None]


class MigrationError(SpecError):
    """A document's apiVersion has no path to the newest version."""


@dataclass
class MigrationRegistry:
    """The steps known to one build, keyed by the version they read."""

    newest: str = NEWEST
    steps: dict[str, tuple[str, Step]] = field(default_factory=dict)

    def register(self, from_version: str, to_version: str, fn: Step) -> None:
        """Add the step that rewrites a `from_version` document into `to_version`."""
        if from_version == self.newest or from_version in self.steps:
            raise ValueError(f"a migration from {from_version} is already defined")
        self.steps[from_version] = (to_version, fn)

    def supported_versions(self) -> tuple[str, ...]:
        """Every apiVersion this build reads, newest first."""
        return (self.newest, *sorted(self.steps, reverse=True))

    def needs_migration(self, version: str) -> bool:
        return version != self.newest

    def migrate(self, doc: Document) -> Document:
        """Rewrite `doc` (in place, and returned) up to the newest version."""
        seen: set[str] = set()
        version = str(doc.get("apiVersion"))
        while version != self.newest:
            if version in seen or version not in self.steps:
                raise MigrationError(
                    f"apiVersion {version} cannot be migrated to {self.newest}",
                    hint="supported versions: " + ", ".join(self.supported_versions()),
                )
            seen.add(version)
            target, step = self.steps[version]
            step(doc)
            doc["apiVersion"] = target
            version = target
        return doc


def rename_key(mapping: MutableMapping[str, Any], old: str, new: str) -> None:
    """Rename key `old` to `new` in place, for migration steps: the key keeps its position
    and, in a round-trip loaded document (as `migrate` rewrites), its comments."""
    if old not in mapping:
        return
    position = list(mapping).index(old)
    comments = getattr(mapping, "ca", None)
    comment = comments.items.get(old) if comments is not None else None
    value = mapping.pop(old)
    insert = getattr(mapping, "insert", None)
    if insert is not None:
        insert(position, new, value)
    else:
        after = [(key, mapping.pop(key)) for key in list(mapping)[position:]]
        mapping[new] = value
        mapping.update(after)
    if comment is not None and comments is not None:
        comments.items[new] = comment


REGISTRY = MigrationRegistry()


def register(from_version: str, to_version: str, fn: Step) -> None:
    """Register a step in the build's registry."""
    REGISTRY.register(from_version, to_version, fn)


def migrate(doc: Document) -> Document:
    """Rewrite `doc` to the newest apiVersion with the build's registry."""
    return REGISTRY.migrate(doc)


def supported_versions() -> tuple[str, ...]:
    """The apiVersions the build's registry reads, newest first."""
    return REGISTRY.supported_versions()
