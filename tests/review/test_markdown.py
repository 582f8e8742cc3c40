"""`plan --markdown`: a pull-request comment that stays under 60,000 characters, states every
count exactly, keeps its structure whatever the records hold, and never shows a secret."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from reconciler.plan.markdown import LIMIT, MARKER, redact, render_markdown
from reconciler.plan.model import Change, FieldChange, Plan, PlanDiagnostic, PolicyResult
from tests.policy.policy_support import make_plan, project_create, record_id, record_write

CELL = re.compile(r"(?<!\\)\|")


def big_plan(size: int) -> Plan:
    """`size` changes: every third a project create, the rest writes of two fields, plus a
    Baton custom field and a PushTopic of a second rule."""
    changes: list[Change] = [
        Change(
            action="create",
            resource="baton.customField",
            address="baton.customField[Salesforce Link]",
            after={"title": "Salesforce Link", "type": "text"},
        )
    ]
    for n in range(size - 2):
        if n % 3 == 0:
            changes.append(project_create(n))
        else:
            changes.append(record_write(n, ["Baton_Status__c", "Baton_Phase__c"]))
    changes.append(
        Change(
            action="create",
            resource="salesforce.pushTopic",
            address="salesforce.pushTopic[BatonSF_renewals]",
            rule="renewals",
            after={"query": "SELECT Id FROM Opportunity"},
        )
    )
    return make_plan(changes, salesforce_calls=34)


def table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


def assert_well_formed(markdown: str) -> None:
    """Tables keep their column count, every <details> closes, and it parses as Markdown."""
    widths: list[int] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            widths.append(len(CELL.split(line)))
        elif widths:
            assert len(set(widths)) == 1, f"ragged table: {widths}"
            widths = []
    opened = sum(1 for line in markdown.splitlines() if line.startswith("<details>"))
    closed = sum(1 for line in markdown.splitlines() if line == "</details>")
    assert opened == closed
    assert MarkdownIt("commonmark").enable("table").parse(markdown)


def test_ten_thousand_changes_fit_under_the_limit_with_every_count_exact() -> None:
    plan = big_plan(10_000)

    comment = render_markdown(plan)

    assert len(comment) <= LIMIT
    assert comment.startswith(MARKER)
    assert "**10,000 change(s)** to apply." in comment
    assert "| Baton projects to create | 3,333 |" in comment
    assert "| Salesforce records to update | 6,665 |" in comment
    assert "| Salesforce fields to write | 13,330 |" in comment
    assert (
        "3,333 project(s) to create, 6,665 record(s) to update (13,330 field(s)) — "
        "9,998 change(s)" in comment
    )
    shown = sum(1 for row in table_rows(comment) if row.startswith(("| + |", "| ~ |")))
    assert 100 < shown < 10_000
    assert f"_{10_000 - shown:,} of 10,000 change(s) are not listed" in comment
    assert "`baton-sf show plan.json` prints them all" in comment
    assert_well_formed(comment)


def test_a_small_plan_lists_every_change_per_rule_and_object() -> None:
    plan = big_plan(8)

    comment = render_markdown(plan)

    assert "<summary><code>baton.customField</code>: 1 change(s)</summary>" in comment
    assert (
        "<summary>Rule <code>closed-won</code> · <code>Opportunity</code>: 2 project(s)" in comment
    )
    assert "<summary>Rule <code>renewals</code> · <code>salesforce.pushTopic</code>" in comment
    assert len([r for r in table_rows(comment) if r.startswith(("| + |", "| ~ |"))]) == 8
    assert "not listed" not in comment
    assert "#### Policy: no findings" in comment
    assert_well_formed(comment)


def test_a_plan_without_changes_says_so() -> None:
    comment = render_markdown(make_plan())

    assert "**No changes.**" in comment
    assert "#### Changes" not in comment


def test_many_findings_and_notes_are_capped_with_exact_counts() -> None:
    finding = {
        "policy": "guardrails",
        "rule": "unmapped-field-write",
        "level": "deny",
        "message": "The plan writes a Salesforce field that no SyncBack maps.",
        "element": "Opportunity.Amount",
        "file": "specs/import/closed-won.yaml",
        "line": 3,
    }
    notes = [
        PlanDiagnostic(severity="warning", code="dangling-link", message=f"record {n} is odd")
        for n in range(5_000)
    ]
    plan = big_plan(3_000).model_copy(
        update={"policy": PolicyResult(denied=[finding] * 7_000), "diagnostics": notes}
    )

    comment = render_markdown(plan)

    assert len(comment) <= LIMIT
    assert "#### Policy: 7,000 denied, 0 warned" in comment
    assert "_6,900 more finding(s) are in `plan.json`._" in comment
    assert "_4,950 more note(s) are in `plan.json`._" in comment
    assert "**This plan cannot be applied**" in comment
    assert_well_formed(comment)


@pytest.mark.parametrize("limit", [5_000, 20_000, 60_000])
def test_the_limit_is_kept_for_any_budget(limit: int) -> None:
    comment = render_markdown(big_plan(2_000), limit=limit)

    assert len(comment) <= limit
    assert "| Baton projects to create | 666 |" in comment


def test_record_values_cannot_break_the_comment_or_mention_anyone() -> None:
    hostile = 'Acme | "quoted" `tick` </details> @alice\n<script>alert(1)</script>'
    create = project_create(1).model_copy(update={"after": {"title": hostile}})
    write = record_write(2, ["Baton_Status__c"]).model_copy(
        update={"fields": {"Baton_Status__c": FieldChange(before=hostile, after="x", source="s")}}
    )
    note = PlanDiagnostic(severity="info", code="c", message="see @bob <b>now</b> | x")

    comment = render_markdown(make_plan([create, write]).model_copy(update={"diagnostics": [note]}))

    assert_well_formed(comment)
    for line in comment.splitlines():
        outside_code = re.sub(r"`[^`]*`", "", line)
        assert "@alice" not in outside_code
        assert "<script>" not in outside_code
    assert "@&#8203;bob &lt;b&gt;now&lt;/b&gt; \\| x" in comment


def test_credentials_in_values_are_redacted() -> None:
    leaky = "https://acme.hellobaton.com/api/projects/?api_key=s3cr3t-KEY&page=2"
    write = record_write(1, ["Baton_Project_URL__c"]).model_copy(
        update={
            "fields": {
                "Baton_Project_URL__c": FieldChange(
                    before="Bearer abc.def.ghi", after=leaky, source="u"
                )
            }
        }
    )

    comment = render_markdown(make_plan([write]))

    assert "s3cr3t-KEY" not in comment
    assert "abc.def.ghi" not in comment
    assert "api_key=[redacted]&page=2" in comment


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        pytest.param("access_token=00Dxx!AQ", "access_token=[redacted]", id="token"),
        pytest.param('"apiKey": "abc123"', '"apiKey": "[redacted]"', id="json-key"),
        pytest.param("sid 00D8V0000000001!AQcAQH.x", "sid [redacted]", id="session-id"),
        pytest.param("Closed Won", "Closed Won", id="ordinary-text"),
    ],
)
def test_redact(raw: str, clean: str) -> None:
    assert redact(raw) == clean


def test_every_record_id_shown_is_from_the_plan() -> None:
    comment = render_markdown(big_plan(50))

    shown = set(re.findall(r"Opportunity (006\d{15})", comment))
    assert shown <= {record_id(n) for n in range(48)}
    assert len(shown) == 48
