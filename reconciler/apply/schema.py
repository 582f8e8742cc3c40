"""The first stage of an apply: Salesforce schema changes, in the order they depend on
each other.

Custom fields are created, the managed permission set is made and assigned, the new fields
are granted, and the stage waits (bounded) until describe shows them, so that the record
writes of later stages can use them. Then history tracking is turned on and PushTopics are
created, updated, or (only with `--prune`) deleted.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal

from reconciler.errors import BatonSfError
from reconciler.plan.model import Change
from reconciler.salesforce import schema_writes as writes
from reconciler.salesforce.client import SalesforceClient

log = logging.getLogger(__name__)

DESCRIBE_WAIT_SECONDS: Final = 120.0
DESCRIBE_POLL_SECONDS: Final = 2.0

Status = Literal["applied", "failed", "skipped"]
Record = Callable[[str, Status, str, "str | None"], None]
"""Reports one change's outcome: address, status, message, error code."""


@dataclass
class _Stage:
    sf: SalesforceClient
    record: Record
    wait_seconds: float
    poll_seconds: float
    tooling_ids: dict[str, str] = field(default_factory=dict)
    permission_set_id: str | None = None

    def attempt(self, change: Change, action: Callable[[_Stage, Change], str]) -> bool:
        """Run one change's action, reporting it applied or failed."""
        try:
            message = action(self, change)
        except BatonSfError as exc:
            code = getattr(exc, "code", None) or type(exc).__name__
            self.record(change.address, "failed", str(exc), str(code))
            return False
        self.record(change.address, "applied", message, None)
        return True

    def permission_set(self) -> str:
        if self.permission_set_id is None:
            self.permission_set_id = writes.ensure_permission_set(self.sf)
        return self.permission_set_id


def apply_schema(
    sf: SalesforceClient,
    changes: list[Change],
    *,
    prune: bool,
    record: Record,
    wait_seconds: float | None = None,
    poll_seconds: float = DESCRIBE_POLL_SECONDS,
) -> None:
    """Carry out the Salesforce schema changes of a plan, reporting each through `record`."""
    if wait_seconds is None:
        wait_seconds = _wait_setting()
    stage = _Stage(sf, record, wait_seconds, poll_seconds)
    by_kind = {
        kind: [c for c in changes if c.resource == f"salesforce.{kind}"]
        for kind in ("customField", "fieldPermission", "historyTracking", "pushTopic")
    }
    for change in by_kind["customField"]:
        stage.attempt(change, _create_field)
    _access(stage, by_kind["fieldPermission"])
    for change in by_kind["historyTracking"]:
        stage.attempt(change, _track)
    for change in by_kind["pushTopic"]:
        _topic(stage, change, prune)


def _create_field(stage: _Stage, change: Change) -> str:
    full_name = _field(change)
    stage.tooling_ids[full_name] = writes.create_custom_field(
        stage.sf, full_name, change.after or {}
    )
    return f"created custom field {full_name}"


def _access(stage: _Stage, changes: list[Change]) -> None:
    """The permission set and its assignment first, then the grants, reported once describe
    shows each granted field (or the wait is over)."""
    granted: list[Change] = []
    for change in changes:
        if change.field is not None:
            if _try_grant(stage, change):
                granted.append(change)
            continue
        if "assigneeId" in (change.after or {}):
            stage.attempt(change, _assign)
        else:
            stage.attempt(change, _ensure_set)
    _await_fields(stage, granted)


def _try_grant(stage: _Stage, change: Change) -> bool:
    try:
        writes.grant_field(stage.sf, stage.permission_set(), _field(change))
    except BatonSfError as exc:
        code = getattr(exc, "code", None) or type(exc).__name__
        stage.record(change.address, "failed", str(exc), str(code))
        return False
    return True


def _ensure_set(stage: _Stage, change: Change) -> str:
    return f"permission set {stage.permission_set()} is ready"


def _assign(stage: _Stage, change: Change) -> str:
    user_id = writes.require_id((change.after or {}).get("assigneeId"), "user")
    writes.assign_permission_set(stage.sf, stage.permission_set(), user_id)
    return f"assigned the permission set to user {user_id}"


def _await_fields(stage: _Stage, granted: list[Change]) -> None:
    wanted: dict[str, set[str]] = {}
    for change in granted:
        object_name, _, name = _field(change).partition(".")
        wanted.setdefault(object_name, set()).add(name)
    missing = writes.wait_until_visible(stage.sf, wanted, stage.wait_seconds, stage.poll_seconds)
    for change in granted:
        object_name, _, name = _field(change).partition(".")
        if name in missing.get(object_name, set()):
            stage.record(
                change.address,
                "failed",
                f"granted, but describe did not show {_field(change)} within "
                f"{stage.wait_seconds:g} s; plan and apply again in a few minutes",
                "DESCRIBE_TIMEOUT",
            )
        else:
            stage.record(
                change.address, "applied", f"{_field(change)} is readable and editable", None
            )


def _track(stage: _Stage, change: Change) -> str:
    full_name = _field(change)
    observed = change.observed or {}
    tooling_id = stage.tooling_ids.get(full_name) or observed.get("toolingId")
    writes.track_history(stage.sf, full_name, writes.require_id(tooling_id, "custom field"))
    return f"history tracking of {full_name} is on"


def _topic(stage: _Stage, change: Change, prune: bool) -> None:
    if change.action == "create":
        stage.attempt(change, _create_topic)
    elif change.action == "update":
        stage.attempt(change, _update_topic)
    elif prune:
        stage.attempt(change, _delete_topic)
    else:
        stage.record(change.address, "skipped", "kept; apply --prune deletes it", None)


def _create_topic(stage: _Stage, change: Change) -> str:
    return f"created PushTopic {writes.create_push_topic(stage.sf, change.after or {})}"


def _update_topic(stage: _Stage, change: Change) -> str:
    topic_id = writes.require_id((change.observed or {}).get("Id"), "PushTopic")
    writes.update_push_topic(stage.sf, topic_id, change.after or {})
    return f"updated PushTopic {_topic_name(change)}"


def _delete_topic(stage: _Stage, change: Change) -> str:
    topic_id = writes.require_id((change.observed or {}).get("Id"), "PushTopic")
    writes.delete_push_topic(stage.sf, topic_id, _topic_name(change))
    return f"deleted PushTopic {_topic_name(change)}"


def _topic_name(change: Change) -> str:
    return change.address.partition("[")[2].rstrip("]")


def _field(change: Change) -> str:
    if not change.field:
        raise BatonSfError(f"{change.address} names no field", hint="plan again")
    return change.field


def _wait_setting() -> float:
    text = os.environ.get("BATON_SF_DESCRIBE_WAIT_SECONDS")
    if not text:
        return DESCRIBE_WAIT_SECONDS
    try:
        return max(0.0, float(text))
    except ValueError:
        raise BatonSfError(
            f"environment variable BATON_SF_DESCRIBE_WAIT_SECONDS is '{text}', not a number",
            hint=f"set it to seconds, such as {DESCRIBE_WAIT_SECONDS:g}, or unset it",
        ) from None
