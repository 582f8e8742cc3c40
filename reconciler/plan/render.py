"""Plans as people read them, rendered from Jinja2 templates."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from reconciler.plan.model import Change, Plan, is_known_after_apply
from reconciler.plan.schema import schema_headline

_SYMBOLS = {"create": "+", "update": "~", "delete": "-"}


def render_text(plan: Plan) -> str:
    """The plan as plain text, one block per change, then the summary line."""
    template = _environment().get_template("plan.txt.j2")
    return template.render(plan=plan, s=plan.summary).strip("\n") + "\n"


def show_value(value: Any) -> str:
    """A value as the plan shows it: JSON for data, a marker for known-after-apply."""
    if is_known_after_apply(value):
        return "(known after apply)"
    return json.dumps(value, default=str, ensure_ascii=False)


def describe_change(change: Change) -> str:
    """A one-line headline of a change."""
    record = change.record
    headline = schema_headline(change)
    if headline is not None:
        return headline
    if change.resource == "baton.project" and record is not None:
        title = (change.after or {}).get("title", "")
        return f"create Baton project {show_value(title)} from {record.object} {record.id}"
    if change.resource == "baton.customField":
        return f"create Baton custom field {show_value((change.after or {}).get('title'))}"
    if change.resource == "baton.customFieldValue" and record is not None:
        return f"link Baton project {change.project_id} to {record.object} {record.id}"
    if change.resource == "salesforce.record" and record is not None:
        return f"update Salesforce {record.object} {record.id}"
    return f"{change.action} {change.address}"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reconciler.plan", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    env.globals.update(
        symbol=lambda change: _SYMBOLS[change.action], describe=describe_change, show=show_value
    )
    return env
