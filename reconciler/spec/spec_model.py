"""The Spec: every document of a spec directory, merged for one environment and validated."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from reconciler.errors import SpecError
from reconciler.spec.connection import Connection
from reconciler.spec.diagnostics import suggestion
from reconciler.spec.import_rule import ImportRule
from reconciler.spec.sync_back import SyncBack


class Spec(BaseModel):
    """A valid spec. `digest` ("sha256:<hex>") identifies its meaning: it is computed over
    the canonical JSON of the merged documents, so formatting and comments do not change it."""

    model_config = ConfigDict(frozen=True)

    directory: Path
    environment: str | None
    digest: str
    connection: Connection
    import_rules: tuple[ImportRule, ...]
    sync_backs: tuple[SyncBack, ...] = ()

    def rule(self, name: str) -> ImportRule:
        """The import rule called `name`; SpecError naming the known rules when none is."""
        for rule in self.import_rules:
            if rule.name == name:
                return rule
        raise SpecError(
            f"the spec has no import rule named '{name}'",
            hint=suggestion(name, (r.name for r in self.import_rules), "rules"),
        )

    def sync_backs_for(self, rule: str) -> tuple[SyncBack, ...]:
        """The SyncBacks writing the projects of `rule`, in document order."""
        return tuple(sync for sync in self.sync_backs if sync.rule == rule)
