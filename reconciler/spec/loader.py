"""Loading a spec directory: read every file, merge the environment's overlays, read the
documents into models, check what spans documents, and report everything at once.

An explicit `null` for a key with a default means the default, so an overlay can reset a
value the base document sets.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reconciler.spec.checks import Parsed, check_all
from reconciler.spec.connection import Connection
from reconciler.spec.diagnostics import Diagnostic, DiagnosticLog, Location, SpecInvalid, suggestion
from reconciler.spec.digest import spec_digest
from reconciler.spec.documents import Document, read_document
from reconciler.spec.files import (
    ENVIRONMENTS,
    environment_names,
    spec_files,
    stray_environment_files,
)
from reconciler.spec.import_rule import ImportRule
from reconciler.spec.parse_connection import parse_connection
from reconciler.spec.parse_import_rule import parse_import_rule
from reconciler.spec.parse_sync_back import parse_sync_back
from reconciler.spec.reader import read_file
from reconciler.spec.spec_model import Spec
from reconciler.spec.sync_back import SyncBack

DocumentKey = tuple[str, str]


def load_spec(spec_dir: Path, env: str | None = None) -> Spec:
    """The spec in `spec_dir` for environment `env`; SpecInvalid (with every diagnostic)
    when it has an error."""
    spec, diagnostics = validate_spec(spec_dir, env)
    if spec is None:
        raise SpecInvalid(diagnostics)
    return spec


def validate_spec(spec_dir: Path, env: str | None = None) -> tuple[Spec | None, list[Diagnostic]]:
    """The spec and every diagnostic (warnings included); the spec is None when any
    diagnostic is an error. Nothing in the files makes this raise."""
    log = DiagnosticLog()
    spec = _Load(Path(spec_dir), env, log).run()
    return (None if log.has_errors else spec), log.items


class _Load:
    """One load of one spec directory for one environment."""

    def __init__(self, spec_dir: Path, env: str | None, log: DiagnosticLog) -> None:
        self.dir = spec_dir
        self.env = env
        self.log = log
        self.complete = True

    def at_dir(self, *parts: str) -> Location:
        return Location(file=str(self.dir.joinpath(*parts)), line=1, column=1)

    def run(self) -> Spec | None:
        if not self.dir.is_dir():
            self.log.error(
                "spec-dir-not-found",
                f"spec directory {self.dir} does not exist or is not a directory",
                self.at_dir(),
                hint="pass the directory that holds the spec's YAML files",
            )
            return None
        base = self._read(spec_files(self.dir, skip=frozenset({ENVIRONMENTS})), overlay=False)
        if not base and self.complete:
            self.log.error(
                "no-spec-files",
                f"{self.dir} holds no .yaml or .yml files",
                self.at_dir(),
                hint="add the Connection, ImportRule and SyncBack documents",
            )
            return None
        documents = self._unique(base)
        if self.env is not None:
            documents = self._apply_environment(documents, self.env)
        return self._build(documents)

    def _read(self, paths: Iterable[Path], *, overlay: bool) -> list[Document]:
        documents: list[Document] = []
        for path in paths:
            read = read_file(path, str(path), self.log)
            self.complete = self.complete and read.complete
            for node in read.documents:
                document = read_document(node, self.log, overlay=overlay)
                if document is None:
                    self.complete = False
                else:
                    documents.append(document)
        return documents

    def _unique(self, documents: list[Document]) -> dict[DocumentKey, Document]:
        """Documents by kind and name; a second with the same kind and name is an error."""
        unique: dict[DocumentKey, Document] = {}
        for doc in documents:
            first = unique.setdefault((doc.kind, doc.name), doc)
            if first is not doc:
                self.log.error(
                    "duplicate-name",
                    f"a second {doc.kind} named '{doc.name}'",
                    doc.name_loc,
                    hint=f"rename one; the first is at {first.name_loc}",
                )
        return unique

    def _apply_environment(
        self, base: dict[DocumentKey, Document], env: str
    ) -> dict[DocumentKey, Document]:
        available = environment_names(self.dir)
        if env not in available:
            listed = ", ".join(available) if available else "none"
            self.log.error(
                "unknown-environment",
                f"environment '{env}' does not exist in {self.dir / ENVIRONMENTS}",
                self.at_dir(ENVIRONMENTS),
                hint=f"environments: {listed}; an environment is a directory "
                f"{ENVIRONMENTS}/NAME/ of overlay documents",
            )
            return base
        for stray in stray_environment_files(self.dir):
            self.log.warning(
                "stray-file",
                f"{stray} belongs to no environment and is not read",
                Location(file=str(stray), line=1, column=1),
                hint=f"move it into {ENVIRONMENTS}/NAME/",
            )
        overlays = self._read(spec_files(self.dir / ENVIRONMENTS / env), overlay=True)
        merged = dict(base)
        for key, overlay in self._unique(overlays).items():
            target = base.get(key)
            if target is None:
                self._orphan(overlay, base)
            else:
                merged[key] = target.merged_with(overlay)
        return merged

    def _orphan(self, overlay: Document, base: dict[DocumentKey, Document]) -> None:
        names = [name for kind, name in base if kind == overlay.kind]
        self.log.error(
            "overlay-without-base",
            f"overlay for {overlay.kind} '{overlay.name}', which the base spec does not have",
            overlay.name_loc,
            hint=suggestion(overlay.name, names, f"{overlay.kind} names"),
        )

    def _build(self, documents: dict[DocumentKey, Document]) -> Spec | None:
        parsed, connection = _parse_all(documents, self.log)
        check_all(parsed, self.log, str(self.dir), self.complete)
        if self.log.has_errors or connection is None:
            return None
        return Spec(
            directory=self.dir,
            environment=self.env,
            digest=spec_digest(documents.values()),
            connection=connection,
            import_rules=tuple(rule for _, rule in parsed.rules),
            sync_backs=tuple(sync for _, sync in parsed.syncs),
        )


def _parse_all(
    documents: dict[DocumentKey, Document], log: DiagnosticLog
) -> tuple[Parsed, Connection | None]:
    """Every document read into its model, in file order, and the first Connection's model."""
    connections: list[Document] = []
    connection: Connection | None = None
    rules: list[tuple[Document, ImportRule]] = []
    syncs: list[tuple[Document, SyncBack]] = []
    for doc in _in_file_order(documents.values()):
        if doc.kind == "Connection":
            model = parse_connection(doc, log)
            if not connections:
                connection = model
            connections.append(doc)
        elif doc.kind == "ImportRule":
            rule = parse_import_rule(doc, log)
            if rule is not None:
                rules.append((doc, rule))
        else:
            sync = parse_sync_back(doc, log)
            if sync is not None:
                syncs.append((doc, sync))
    rule_names = frozenset(name for kind, name in documents if kind == "ImportRule")
    return Parsed(tuple(connections), tuple(rules), tuple(syncs), rule_names), connection


def _in_file_order(documents: Iterable[Document]) -> list[Document]:
    return sorted(documents, key=lambda d: (d.file, d.tree.loc.line, d.tree.loc.column))
