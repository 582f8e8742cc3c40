"""What baton-sf assumes of Baton's API where no public source speaks, in one table.

Known limit: Baton publishes none of the values below; they are the project's assumptions
(see the README) and are corrected here, against a live workspace's `/api/swagger.json`
and data, without touching anything else. The project status values live in
`reconciler.catalog.status`.
"""

from __future__ import annotations

from typing import Final

VENDOR_LEAD_ROLE: Final = "vendor_lead"
"""The project user role of the project lead, a user of the vendor's workspace."""

CLIENT_LEAD_ROLE: Final = "client_lead"
"""The project user role of the client's lead."""

TASK_COMPLETED: Final = "completed"
"""The task `status` of a finished task (others: not_started, in_progress, stuck)."""

CUSTOM_FIELD_TYPES: Final = ("dropdown", "numeric", "text", "date")
"""Custom field `type` values; a date value is in `value_date` as an ISO date."""

MINUTES_PER_HOUR: Final = 60
"""Time entries count minutes (`inputted_duration`, else `calculated_duration`); a
project's `estimated_duration` counts hours."""

PROJECT_PATH: Final = "/projects/{id}"
"""A project's page, under the workspace URL."""

TEMPLATE_RELATION: Final = "created_from_template"
"""The project field that names the template a new project is made from."""
