"""The SyncBack document: Baton project data written into Salesforce fields."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from reconciler.spec.diagnostics import Location

DEFAULT_EVERY: Final = timedelta(hours=4)
LINK_KEY: Final = "projectId"


class Target(BaseModel):
    """The record written: the imported one (`via` None) or the one its lookup field `via`
    points to, of type `object`."""

    model_config = ConfigDict(frozen=True)

    object: str
    via: str | None = None


class SyncBack(BaseModel):
    """Writes the projects of rule `rule` into `target`. `fields` maps a Salesforce field
    name to a Baton key (`status`, `custom.Region`).

    `locations` says where parts were written: `target.object` and `target.via` (values),
    `fields.NAME` (each Salesforce field's key), `trackHistory` (the key) and
    `trackHistory.NAME` (each listed field).
    """

    model_config = ConfigDict(frozen=True)

    name: str
    location: Location
    rule: str
    target: Target
    fields: Mapping[str, str]
    create_missing_fields: bool = False
    track_history: tuple[str, ...] = ()
    every: timedelta = DEFAULT_EVERY
    on_conflict: Literal["overwrite", "skip", "fail"] = "overwrite"
    locations: Mapping[str, Location] = {}

    def located(self, part: str) -> Location:
        """Where `part` (a key of `locations`) was written; the SyncBack's name when unknown."""
        return self.locations.get(part, self.location)

    def link_field(self) -> str | None:
        """The Salesforce field filled from projectId, which links a record to its project.

        Only a SyncBack that writes the imported record itself links; one that writes a
        related record (`via`) returns None even if it writes projectId there.
        """
        if self.target.via is not None:
            return None
        for sf_field, baton_key in self.fields.items():
            if baton_key == LINK_KEY:
                return sf_field
        return None
