"""The ImportRule document: which Salesforce records become Baton projects, and how."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from reconciler.spec.conditions import Group
from reconciler.spec.diagnostics import Location
from reconciler.spec.templates import is_template, template_variables


class Backfill(BaseModel):
    """Records imported although they matched before going live: none, all, those modified
    since a date, or the listed IDs (18-character form)."""

    model_config = ConfigDict(frozen=True)

    mode: Literal["none", "all", "since", "ids"] = "none"
    since: date | None = None
    ids: tuple[str, ...] = ()


class ImportRule(BaseModel):
    """One import rule. `fields` maps Baton keys to a field path or a template;
    `custom_fields` does the same for Baton custom fields, by title.

    `locations` says where parts were written: `object`, and `fields.KEY` for the source of
    each Baton key (`fields.title`, `fields.custom.Region`).
    """

    model_config = ConfigDict(frozen=True)

    name: str
    location: Location
    object: str
    when: Group
    project_lead: str | None = None
    template: str | None = None
    backfill: Backfill = Backfill()
    fields: Mapping[str, str] = {}
    custom_fields: Mapping[str, str] = {}
    locations: Mapping[str, Location] = {}

    def located(self, part: str) -> Location:
        """Where `part` (a key of `locations`) was written; the rule's name when unknown."""
        return self.locations.get(part, self.location)

    def field_paths(self) -> frozenset[str]:
        """Every field path the rule reads: its criteria, its `fields` paths and the
        variables of its templates."""
        paths = {criterion.field for criterion in self.when.criteria()}
        paths.update(_paths_of(self.fields.values()))
        paths.update(_paths_of(self.custom_fields.values()))
        return frozenset(paths)


def _paths_of(sources: Iterable[str]) -> set[str]:
    paths: set[str] = set()
    for source in sources:
        if is_template(source):
            paths.update(template_variables(source))
        else:
            paths.add(source)
    return paths
