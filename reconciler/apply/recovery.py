"""Finishing what a crashed apply started, so that a rerun never creates a project twice.

The journal records each project create before it is sent and the new project's ID as
soon as Baton answers. After a crash, a create that was started and never finished is
resolved before anything is sent again: by the ID the journal kept, or else by finding the
project Baton made (same title, created after the create started, not linked to any
record) and adopting it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from reconciler.apply.journal import PendingChange

log = logging.getLogger(__name__)

_CLOCK_SKEW = timedelta(seconds=5)


def recovered_project(
    pending: Iterable[PendingChange],
    title: str,
    projects: Iterable[Mapping[str, Any]],
    linked: Collection[int],
) -> Mapping[str, Any] | None:
    """The project an unfinished create already made, if there is one."""
    candidates = list(projects)
    by_id = {int(project["id"]): project for project in candidates}
    for change in pending:
        noted = change.result.get("projectId")
        if noted is not None and int(noted) in by_id:
            return by_id[int(noted)]
        since = _moment(change.started_at)
        for project in candidates:
            created = _moment(str(project.get("created") or ""))
            if (
                int(project["id"]) not in linked
                and project.get("title") == title
                and since is not None
                and created is not None
                and created >= since - _CLOCK_SKEW
            ):
                log.info("adopting project %s made by an unfinished apply", project["id"])
                return project
    return None


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
