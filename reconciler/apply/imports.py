"""Creating an imported project: the project (from its template when the rule names one),
its link to the Salesforce record, its project and client leads, and its custom values.

The link is written right after the project, so that a failure later on still leaves a
project that the next plan finds. What the create made is returned as a ProjectData, from
which the record's sync-back fields are derived in the same apply.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from reconciler.baton import directory as names
from reconciler.baton import writes
from reconciler.baton.assumptions import CLIENT_LEAD_ROLE, VENDOR_LEAD_ROLE
from reconciler.baton.client import BatonClient
from reconciler.baton.project_data import CustomValue, Member, ProjectData, custom_value
from reconciler.catalog import CUSTOM_PREFIX
from reconciler.errors import BatonSfError, PlanError

log = logging.getLogger(__name__)


@dataclass
class WorkspaceNames:
    """The workspace's users, custom fields and templates, each read at most once an apply
    and only when a create needs it."""

    client: BatonClient
    _users: dict[str, int] | None = None
    _fields: dict[str, names.CustomField] | None = None
    _templates: dict[str, int] | None = None

    def user_id(self, email: str) -> int | None:
        if self._users is None:
            self._users = names.index_users(self.client.list("users"))
        return names.Directory(users=self._users).user_id(email)

    def custom_field(self, title: str) -> names.CustomField | None:
        if self._fields is None:
            fields = list(self.client.list("custom_fields"))
            options = (
                list(self.client.list("custom_field_options")) if _has_dropdown(fields) else []
            )
            self._fields = names.index_custom_fields(fields, options)
        return names.Directory(custom_fields=self._fields).custom_field(title)

    def template_id(self, title: str) -> int | None:
        if self._templates is None:
            self._templates = names.index_templates(self.client.list("templates"))
        return names.Directory(templates=self._templates).template_id(title)


@dataclass
class Imported:
    """A created project, what it holds, and what could not be added to it."""

    data: ProjectData
    problems: list[str] = field(default_factory=list)


def create_imported(
    client: BatonClient,
    workspace: WorkspaceNames,
    values: Mapping[str, Any],
    link_field_id: int,
    timezone: str,
    on_created: Callable[[int], None] = lambda _project_id: None,
    existing: Mapping[str, Any] | None = None,
) -> Imported:
    """Create one project as a plan's `baton.project` change describes it.

    `on_created` hears the new project's ID before anything else is sent, so a crash later
    on can be resumed; `existing` is a project an unfinished earlier create already made,
    which is completed instead of creating another.
    """
    if existing is not None:
        project = dict(existing)
    else:
        template_id = _template(workspace, values.get("template"))
        project = writes.create_project(client, values, timezone, template_id)
    project_id = int(project["id"])
    on_created(project_id)
    writes.set_link(client, link_field_id, project_id, str(values["link"]))
    imported = Imported(ProjectData(project))
    leads = (
        (VENDOR_LEAD_ROLE, values.get("projectLead")),
        (CLIENT_LEAD_ROLE, values.get("clientLeadEmail")),
    )
    members = []
    for role, email in leads:
        member = _add_lead(client, workspace, project_id, role, email, imported)
        if member is not None:
            members.append(member)
    custom = _set_custom_values(client, workspace, project_id, values, timezone, imported)
    imported.data = ProjectData(project, members=tuple(members), custom=custom)
    return imported


def _template(workspace: WorkspaceNames, title: Any) -> int | None:
    if not title:
        return None
    template_id = workspace.template_id(str(title))
    if template_id is None:
        raise PlanError(
            f"the Baton workspace no longer has the template {title!r}",
            hint="make a new plan; the template was removed or renamed since this one",
        )
    return template_id


def _add_lead(
    client: BatonClient,
    workspace: WorkspaceNames,
    project_id: int,
    role: str,
    email: Any,
    imported: Imported,
) -> Member | None:
    if not email:
        return None
    user_id = workspace.user_id(str(email))
    if user_id is None:
        imported.problems.append(f"no Baton user has the email {email}, so it has no {role}")
        return None
    try:
        member = _retrying(lambda: writes.add_project_user(client, project_id, user_id, role))
    except BatonSfError as error:
        imported.problems.append(f"adding its {role} failed: {error}")
        return None
    return Member(role, str(email), int(member.get("id") or 0))


_TRIES = 4
T = TypeVar("T")


def _retrying(write: Callable[[], T]) -> T:
    """Send a membership or value write again after a transient failure.

    Known limit: when Baton stored the write but answered 5xx anyway, the retry adds the
    membership or value a second time.
    """
    for attempt in range(1, _TRIES + 1):
        try:
            return write()
        except BatonSfError as error:
            if not error.retryable or attempt == _TRIES:
                raise
            time.sleep(min(0.25 * 2**attempt, 3.0))
    raise AssertionError("unreachable")


def _set_custom_values(
    client: BatonClient,
    workspace: WorkspaceNames,
    project_id: int,
    values: Mapping[str, Any],
    timezone: str,
    imported: Imported,
) -> dict[str, CustomValue]:
    custom: dict[str, CustomValue] = {}
    for key, value in sorted(values.items()):
        if not key.startswith(CUSTOM_PREFIX) or value is None:
            continue
        title = key[len(CUSTOM_PREFIX) :]
        custom_field = workspace.custom_field(title)
        if custom_field is None:
            imported.problems.append(f"the custom field {title!r} no longer exists")
            continue
        try:
            stored = _retrying(
                partial(writes.set_custom_value, client, custom_field, project_id, value, timezone)
            )
        except BatonSfError as error:
            imported.problems.append(f"setting {title!r} failed: {error}")
            continue
        found = custom_value(stored)
        if found is not None:
            custom[custom_field.title] = found
    return custom


def _has_dropdown(fields: list[dict[str, Any]]) -> bool:
    return any(item.get("type") == "dropdown" for item in fields)
