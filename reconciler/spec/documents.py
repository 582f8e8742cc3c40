"""Documents of a spec: the `apiVersion`, `kind`, `metadata` and `spec` every one carries.

A document of an older apiVersion is migrated here, before anything else reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final

from reconciler.spec import migrations
from reconciler.spec.diagnostics import DiagnosticLog, Location, suggestion
from reconciler.spec.sections import Section, wrong_type
from reconciler.spec.yamltree import YMap, YNode, YScalar, from_plain, locate, merge, to_plain

KINDS: Final = ("Connection", "ImportRule", "SyncBack")
TOP_KEYS: Final = ("apiVersion", "kind", "metadata", "spec")
METADATA_KEYS: Final = ("name", "description")
NAME_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


@dataclass(frozen=True)
class Document:
    """One document, its header checked. `tree` is the whole document (merged, once an
    environment overlay has been applied)."""

    kind: str
    name: str
    tree: YMap
    overlay: bool

    @property
    def file(self) -> str:
        return self.tree.loc.file

    @property
    def spec(self) -> YMap | None:
        node = self.tree.get("spec")
        return node if isinstance(node, YMap) else None

    @property
    def name_loc(self) -> Location:
        return locate(self.tree, "metadata", "name")

    @property
    def spec_loc(self) -> Location:
        return locate(self.tree, "spec")

    def merged_with(self, overlay: Document) -> Document:
        if overlay.spec is None:
            return self  # an overlay whose spec is empty or null changes nothing
        tree = merge(self.tree, overlay.tree)
        assert isinstance(tree, YMap)
        return replace(self, tree=tree)


def read_document(node: YNode, log: DiagnosticLog, *, overlay: bool) -> Document | None:
    """The document `node` with its header checked, migrated to the newest apiVersion;
    None (with diagnostics) when the header is unusable."""
    if not isinstance(node, YMap):
        wrong_type(log, "a document", node, "a mapping of apiVersion, kind, metadata and spec")
        return None
    errors = log.error_count()
    tree = _migrated(node, log)
    if tree is None:
        return None
    top = Section(tree, log, "the document", TOP_KEYS)
    top.text("apiVersion", required=True)
    kind = _kind(top)
    name = _name(top)
    if top.value("spec") is None and not overlay:
        top.missing("spec")
    else:
        top.mapping("spec")
    if kind is None or name is None or log.error_count() > errors:
        return None
    return Document(kind=kind, name=name, tree=tree, overlay=overlay)


def _migrated(node: YMap, log: DiagnosticLog) -> YMap | None:
    registry = migrations.REGISTRY
    version_node = node.get("apiVersion")
    if not isinstance(version_node, YScalar) or not isinstance(version_node.value, str):
        return node  # reported as missing or mistyped with the rest of the header
    version = version_node.value
    if version not in registry.supported_versions():
        log.error(
            "unknown-api-version",
            f"apiVersion '{version}' is not one this build reads",
            version_node.loc,
            hint="supported versions: " + ", ".join(registry.supported_versions()),
        )
        return None
    if not registry.needs_migration(version):
        return node
    try:
        plain = registry.migrate(to_plain(node))
    except Exception as exc:
        # A migration step is code written for well-formed documents; whatever it raises on
        # an odd one is reported at the document rather than escaping the loader.
        log.error(
            "migration-failed",
            f"the document cannot be migrated from {version} to {registry.newest}: {exc}",
            version_node.loc,
            hint=f"rewrite the document in {registry.newest} by hand",
        )
        return None
    tree = from_plain(plain, node, node.loc)
    assert isinstance(tree, YMap)
    return tree


def _kind(top: Section) -> str | None:
    kind = top.text("kind", required=True, hint="one of: " + ", ".join(KINDS))
    if kind is None or kind in KINDS:
        return kind
    top.log.error(
        "unknown-kind",
        f"kind '{kind}' is not one of {', '.join(KINDS)}",
        top.value_loc("kind"),
        hint=suggestion(kind, KINDS, "kinds"),
    )
    return None


def _name(top: Section) -> str | None:
    metadata = top.section("metadata", METADATA_KEYS, required=True)
    if metadata is None:
        return None
    metadata.text("description")
    name = metadata.text("name", required=True)
    if name is None or NAME_PATTERN.match(name):
        return name
    top.log.error(
        "bad-name",
        f"metadata.name '{name}' is not a valid name",
        metadata.value_loc("name"),
        hint="use up to 63 letters, digits, '-', '_' or '.', starting with a letter or digit",
    )
    return None
