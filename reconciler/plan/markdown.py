"""A plan as a pull-request comment: a summary table, the policy findings, then one folded
`<details>` section per rule and object.

A comment stays under `LIMIT` characters (GitHub refuses bodies over 65,536): rows that do
not fit are left out, and every count (the summary, each section's title, what was left
out) is still stated exactly, with a pointer to the saved plan. Values are shown as code
spans, so nothing in a record can format the comment or mention a person, and anything
shaped like a credential is redacted.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from jinja2 import Environment, PackageLoader, StrictUndefined

from reconciler.plan.model import Change, Plan
from reconciler.plan.render import describe_change, show_value

LIMIT: Final = 60_000
MARKER: Final = "<!-- baton-sf-plan -->"
FINDING_ROWS: Final = 100
NOTE_ROWS: Final = 50
VALUE_WIDTH: Final = 80
ROW_WIDTH: Final = 600

_SYMBOLS: Final = {"create": "+", "update": "~", "delete": "-"}
_SECRET: Final = re.compile(
    r"(?i)\b(api[_-]?key|access[_-]?token|refresh[_-]?token|client[_-]?secret|password|"
    r"session[_-]?id|secret|token)(\"?\s*[=:]\s*\"?)([^\s&\"'`|,;)]+)"
)
_BEARER: Final = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=!-]+")
_SESSION: Final = re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+")


def redact(text: str) -> str:
    """`text` with anything shaped like a credential replaced by `[redacted]`."""
    text = _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    text = _BEARER.sub("Bearer [redacted]", text)
    return _SESSION.sub("[redacted]", text)


def code(value: Any, width: int = VALUE_WIDTH) -> str:
    """A value as a code span safe inside a table cell: one line, no backtick, pipes
    escaped, credentials redacted, cut to `width` characters."""
    text = redact(" ".join(str(value).split())).replace("`", "'")
    if len(text) > width:
        text = text[: width - 1] + "…"
    return "`" + (text or " ").replace("|", "\\|") + "`"


def html_code(value: Any, width: int = 60) -> str:
    """A value as HTML code, for the `<summary>` of a section (HTML, not Markdown)."""
    shown = redact(" ".join(str(value).split()))
    if len(shown) > width:
        shown = shown[: width - 1] + "…"
    return f"<code>{html.escape(shown)}</code>"


def text(value: Any) -> str:
    """Prose inside a table cell or summary: HTML-escaped, one line, pipes escaped."""
    escaped = " ".join(str(value).split())
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return redact(escaped).replace("|", "\\|").replace("@", "@&#8203;")


@dataclass
class Section:
    """The changes of one rule on one object (or one kind of schema change)."""

    title: str
    rows: list[str] = field(default_factory=list)
    shown: int = 0

    @property
    def hidden(self) -> int:
        return len(self.rows) - self.shown


@dataclass
class Layout:
    """What the template renders: every section and finding, and how many rows of each
    fit into the comment."""

    sections: list[Section]
    findings: list[str]
    notes: list[str]
    findings_shown: int = 0
    notes_shown: int = 0

    def fit(self, budget: int) -> None:
        """Show rows while their length fits `budget`: findings first, then notes, then
        changes in plan order."""
        self.findings_shown = _fill(self.findings, min(len(self.findings), FINDING_ROWS), budget)
        budget -= sum(len(row) + 1 for row in self.findings[: self.findings_shown])
        self.notes_shown = _fill(self.notes, min(len(self.notes), NOTE_ROWS), budget)
        budget -= sum(len(row) + 1 for row in self.notes[: self.notes_shown])
        for section in self.sections:
            section.shown = _fill(section.rows, len(section.rows), budget)
            budget -= sum(len(row) + 1 for row in section.rows[: section.shown])

    def hidden_changes(self) -> int:
        return sum(section.hidden for section in self.sections)


def _fill(rows: list[str], most: int, budget: int) -> int:
    used = 0
    for count, row in enumerate(rows[:most]):
        used += len(row) + 1
        if used > budget:
            return count
    return most


def render_markdown(plan: Plan, *, limit: int = LIMIT, artifact: str = "plan.json") -> str:
    """The plan as a GitHub comment of at most `limit` characters, starting with `MARKER`
    (the sticky comment is found by it)."""
    layout = Layout(
        sections=build_sections(plan.changes),
        findings=finding_rows(plan),
        notes=[f"- {d.severity}: {text(d.message)}" for d in plan.diagnostics],
    )

    def render() -> str:
        return str(
            _template().render(
                plan=plan, s=plan.summary, layout=layout, marker=MARKER, artifact=artifact
            )
        )

    layout.fit(0)
    skeleton = len(render())
    budget = limit - skeleton - 200
    while True:
        layout.fit(max(budget, 0))
        body = render()
        if len(body) <= limit or budget <= 0:
            return body if len(body) <= limit else _cut(body, limit, artifact)
        budget -= len(body) - limit + 200


def _cut(body: str, limit: int, artifact: str) -> str:
    """A last resort for a skeleton alone over the limit (thousands of rules): the head of
    the comment and a pointer to the artifact."""
    tail = f"\n\n_The comment was cut to stay under {limit:,} characters; see `{artifact}`._\n"
    return body[: limit - len(tail)] + tail


# Known limit: the comment lists the changes that fit in LIMIT characters in plan order;
# the rest are only counted, and the saved plan (`show FILE`) holds them all.
def build_sections(changes: Iterable[Change]) -> list[Section]:
    """One section per rule and object, in plan order; schema changes by object."""
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        groups.setdefault(_group_of(change), []).append(change)
    return [
        Section(title=_section_title(key, members), rows=[change_row(c) for c in members])
        for key, members in groups.items()
    ]


def _group_of(change: Change) -> tuple[str, str]:
    if change.record is not None:
        subject = change.record.object
    elif change.field:
        subject = change.field.split(".", 1)[0]
    else:
        subject = change.resource
    return (change.rule or "", subject)


def _section_title(key: tuple[str, str], changes: list[Change]) -> str:
    rule, subject = key
    counts = _counts(changes)
    head = f"Rule {html_code(rule)} · {html_code(subject)}" if rule else html_code(subject)
    return f"{head}: {counts}"


def _counts(changes: list[Change]) -> str:
    creates = sum(1 for c in changes if c.resource == "baton.project" and c.action == "create")
    updates = [c for c in changes if c.resource == "salesforce.record"]
    fields = sum(len(c.fields or {}) for c in updates)
    links = sum(1 for c in changes if c.resource == "baton.customFieldValue")
    other = len(changes) - creates - len(updates) - links
    parts = []
    if creates:
        parts.append(f"{creates:,} project(s) to create")
    if updates:
        parts.append(f"{len(updates):,} record(s) to update ({fields:,} field(s))")
    if links:
        parts.append(f"{links:,} link(s) to write")
    if other:
        parts.append(f"{other:,} {'other ' if parts else ''}change(s)")
    total = f" — {len(changes):,} change(s)" if len(parts) > 1 else ""
    return ", ".join(parts) + total


def change_row(change: Change) -> str:
    """One table row: the action's symbol, the record or address, what changes."""
    where = f"{change.record.object} {change.record.id}" if change.record else change.address
    if change.fields:
        what = "; ".join(
            f"{name}: {show_value(item.before)} → {show_value(item.after)}"
            for name, item in change.fields.items()
        )
    else:
        what = describe_change(change)
    return f"| {_SYMBOLS[change.action]} | {code(where, 60)} | {code(what, ROW_WIDTH)} |"


def finding_rows(plan: Plan) -> list[str]:
    """One row per policy finding, denials first."""
    rows = []
    for level, items in (("deny", plan.policy.denied), ("warn", plan.policy.warned)):
        for item in items:
            where = item.get("file")
            if where and item.get("line"):
                where = f"{where}:{item['line']}"
            element = item.get("element") or ""
            rows.append(
                f"| {'⛔ deny' if level == 'deny' else '⚠️ warn'} "
                f"| {code(str(item.get('policy')) + '/' + str(item.get('rule')), 60)} "
                f"| {code(element, 60) if element else ''} "
                f"| {code(where, 80) if where else ''} "
                f"| {text(item.get('message', ''))} |"
            )
    return rows


@cache
def _template() -> Any:
    env = Environment(
        loader=PackageLoader("reconciler.plan", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    env.globals.update(code=code, text=text)
    return env.get_template("plan.md.j2")
