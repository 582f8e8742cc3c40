"""What the emulator knows of Baton's collections, in one table.

Baton's API reference cannot be reached from here; the shapes below are what its open-source
read clients agree on, plus the assumptions the project makes where no source speaks.
Correct them here against a live workspace's `/api/swagger.json`, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COLLECTIONS = (
    "projects",
    "companies",
    "users",
    "project_users",
    "phases",
    "project_phases",
    "milestones",
    "milestone_feedback",
    "tasks",
    "task_attachments",
    "task_deliverables",
    "external_tasks",
    "templates",
    "time_entries",
    "activity",
    "comments",
    "project_attachments",
    "custom_fields",
    "custom_field_options",
    "custom_field_values",
)


@dataclass(frozen=True)
class Relation:
    """A key whose value names objects of another collection.

    Stored as ids. Served as URIs, or as an embedded object with the `embed` keys.
    """

    target: str
    many: bool = False
    embed: tuple[str, ...] = ()


def _to(target: str, *embed: str, many: bool = False) -> Relation:
    return Relation(target, many, embed)


_PROJECT_RELATIONS = {
    "phase": _to("phases", "id", "_self", "name", "order"),
    "companies": _to("companies", many=True),
    "creator": _to("users"),
    "created_from_template": _to("templates"),
}

RELATIONS: dict[str, dict[str, Relation]] = {
    "projects": _PROJECT_RELATIONS,
    "templates": _PROJECT_RELATIONS,
    "users": {"company": _to("companies")},
    "project_users": {"project": _to("projects"), "user": _to("users")},
    "project_phases": {"project": _to("projects"), "phase": _to("phases")},
    "milestones": {"project": _to("projects")},
    "milestone_feedback": {
        "project": _to("projects"),
        "milestone": _to("milestones"),
        "user": _to("users"),
    },
    "tasks": {
        "project": _to("projects"),
        "milestone": _to("milestones"),
        "assigned_to": _to("users"),
    },
    "task_attachments": {"task": _to("tasks")},
    "task_deliverables": {"task": _to("tasks")},
    "external_tasks": {"project": _to("projects")},
    "time_entries": {"user": _to("users"), "project": _to("projects"), "task": _to("tasks")},
    "activity": {"project": _to("projects"), "user": _to("users")},
    "comments": {"project": _to("projects"), "task": _to("tasks"), "user": _to("users")},
    "project_attachments": {"project": _to("projects")},
    "custom_field_options": {"field": _to("custom_fields")},
    "custom_field_values": {
        "project": _to("projects"),
        "field": _to("custom_fields", "id", "title", "type"),
        "selected_option": _to("custom_field_options", "id", "value"),
    },
}

# Read-only lists of the URIs of the objects that point at this one: key -> (collection, key).
# Known limit: these lists are served as lists of URIs; no source says whether Baton serves
# URIs, ids or a link to a filtered list.
_PROJECT_LISTS = {
    "task_list": ("tasks", "project"),
    "milestone_list": ("milestones", "project"),
    "time_entry_list": ("time_entries", "project"),
    "attachment_list": ("project_attachments", "project"),
    "custom_field_list": ("custom_field_values", "project"),
    "project_user_list": ("project_users", "project"),
    "project_phases_list": ("project_phases", "project"),
    "milestone_feedback_list": ("milestone_feedback", "project"),
}
REVERSE_LISTS: dict[str, dict[str, tuple[str, str]]] = {
    "projects": _PROJECT_LISTS,
    "custom_fields": {"options": ("custom_field_options", "field")},
}

_PROJECT_FIELDS = (
    "title",
    "status",
    "archived",
    "phase",
    "companies",
    "creator",
    "created_from",
    "created_from_template",
    "start_datetime",
    "started_datetime",
    "deadline_datetime",
    "completed_datetime",
    "annual_contract_value",
    "cost",
    "implementation_budget",
    "budget_shown_to_client",
    "client_systems",
    "estimated_duration",
    "description",
    "private_notes",
    "health",
    "health_note",
    "risk_profiles",
)

# The fields every object of a collection shows (null when unset); other stored keys follow.
FIELDS: dict[str, tuple[str, ...]] = {
    "projects": _PROJECT_FIELDS,
    "templates": _PROJECT_FIELDS,
    "users": ("first_name", "last_name", "email", "account_type", "job_title", "company"),
    "project_users": ("project", "user", "role", "joined", "invited"),
    "phases": ("name", "order"),
    "project_phases": ("project", "phase"),
    "milestones": ("title", "project", "status", "deadline_datetime", "completed_datetime"),
    "milestone_feedback": ("rating", "comment", "milestone", "project", "user"),
    "tasks": (
        "title",
        "project",
        "milestone",
        "status",
        "start_datetime",
        "due_datetime",
        "started_datetime",
        "finished_datetime",
        "estimated_duration",
        "assigned_to",
    ),
    "time_entries": (
        "user",
        "project",
        "task",
        "rate",
        "started_at",
        "ended_at",
        "calculated_duration",
        "inputted_duration",
        "billable",
    ),
    "custom_fields": ("title", "type", "required", "multiselect"),
    "custom_field_options": ("field", "value", "default", "archived"),
    "custom_field_values": (
        "project",
        "field",
        "value_numeric",
        "value_text",
        "value_date",
        "selected_option",
    ),
}

# Values a new object gets when the request leaves them out.
DEFAULTS: dict[str, dict[str, object]] = {
    "projects": {"status": "planning", "archived": False, "risk_profiles": []},
    "templates": {"archived": False, "risk_profiles": []},
    "custom_fields": {"required": False, "multiselect": False},
    "custom_field_options": {"default": False, "archived": False},
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "projects": ("title",),
    "templates": ("title",),
    "custom_fields": ("title", "type"),
    "custom_field_options": ("field", "value"),
    "custom_field_values": ("project", "field"),
    "project_users": ("project", "user"),
}

CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("projects", "status"): ("missing_required_info", "planning", "doing", "done"),
    ("custom_fields", "type"): ("dropdown", "numeric", "text", "date"),
    ("tasks", "status"): ("not_started", "in_progress", "stuck", "completed"),
}

# Money fields: decimal strings with two places, as Django REST Framework serves them.
DECIMALS: dict[str, tuple[str, ...]] = {
    "projects": (
        "annual_contract_value",
        "implementation_budget",
        "budget_shown_to_client",
        "cost",
    ),
    "templates": (
        "annual_contract_value",
        "implementation_budget",
        "budget_shown_to_client",
        "cost",
    ),
    "custom_field_values": ("value_numeric",),
}

DATES: dict[str, tuple[str, ...]] = {"custom_field_values": ("value_date",)}

# Keys whose values are date-times in every collection (by suffix or by name).
DATETIME_SUFFIXES = ("_datetime", "_at")
DATETIME_KEYS = frozenset({"joined", "invited"})

# Keys given inline: a list of objects (risk profiles) or one object (a time entry's rate).
INLINE: dict[str, tuple[str, ...]] = {
    "projects": ("risk_profiles",),
    "templates": ("risk_profiles",),
    "time_entries": ("rate",),
}

READ_ONLY = frozenset({"id", "_self", "created", "modified"})

# Collections that take POST (create) and PATCH (update); every collection takes GET.
# Known limit: Baton's public material confirms no write operation; these four are the ones
# an integration needs, and a seed may narrow them (`baton.writable`) to model a workspace
# whose API key may write less.
WRITABLE = ("projects", "project_users", "custom_fields", "custom_field_values")

# Time entries whose `calculated_duration` is not given get the minutes between
# `started_at` and `ended_at`, as Baton computes it.
COMPUTED_DURATION = ("time_entries", "calculated_duration", "started_at", "ended_at")


@dataclass(frozen=True)
class CollectionModel:
    """Everything the table says about one collection."""

    name: str
    relations: dict[str, Relation] = field(default_factory=dict)
    reverse_lists: dict[str, tuple[str, str]] = field(default_factory=dict)
    fields: tuple[str, ...] = ()

    @property
    def single_relations(self) -> tuple[str, ...]:
        """Relation keys that hold one id (these get an indexed column)."""
        return tuple(key for key, relation in self.relations.items() if not relation.many)


def model(collection: str) -> CollectionModel:
    """Return the model of a collection."""
    return CollectionModel(
        collection,
        RELATIONS.get(collection, {}),
        REVERSE_LISTS.get(collection, {}),
        FIELDS.get(collection, ()),
    )


def is_datetime_key(key: str) -> bool:
    """Tell whether a key holds a date-time in Baton's API."""
    return key in DATETIME_KEYS or key.endswith(DATETIME_SUFFIXES)
