"""Loading a valid spec: the models, their defaults, the digest, and the error summary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from spec_support import CONNECTION, RULE, SYNC, Check, MakeSpec

from reconciler.errors import SpecError
from reconciler.spec import (
    Criterion,
    EnvRef,
    FileRef,
    Group,
    Location,
    SpecInvalid,
    load_spec,
    validate_spec,
)
from reconciler.spec.diagnostics import DiagnosticLog
from reconciler.spec.sections import build_model

MINIMAL_CONNECTION = """\
apiVersion: baton-sf/v1
kind: Connection
metadata: {name: acme}
spec:
  salesforce:
    instanceUrl: https://acme.my.salesforce.com
    auth: {method: access-token, accessToken: {env: SF_TOKEN}}
  baton: {url: https://acme.hellobaton.com, apiKey: {env: BATON_API_KEY}}
"""

MINIMAL_RULE = """\
apiVersion: baton-sf/v1
kind: ImportRule
metadata: {name: ready}
spec:
  object: Project__c
  when: {field: Ready__c, eq: true}
"""


def test_the_example_of_spec_md_loads(make_spec: MakeSpec) -> None:
    spec = load_spec(make_spec())

    connection = spec.connection
    rule = spec.rule("closed-won")
    (sync,) = spec.sync_backs_for("closed-won")
    assert spec.environment is None
    assert spec.directory == Path("spec")
    assert connection.salesforce.auth.client_id == EnvRef(env="SF_CLIENT_ID")
    assert connection.salesforce.auth.private_key == FileRef(file="secrets/sf.key")
    assert connection.go_live == datetime(2026, 12, 15, tzinfo=UTC)
    assert connection.timezone == "America/New_York"
    assert rule.project_lead == "pm@acme.com"
    assert rule.fields["dueDate"] == "CloseDate"
    assert rule.custom_fields == {"Region": "Account.BillingCountry"}
    assert sync.fields["Baton_Region__c"] == "custom.Region"
    assert sync.link_field() == "Baton_Project_ID__c"
    assert sync.create_missing_fields is True
    assert sync.track_history == ("Baton_Status__c",)


def test_defaults_fill_what_is_left_out(make_spec: MakeSpec) -> None:
    sync = "apiVersion: baton-sf/v1\nkind: SyncBack\nmetadata: {name: s}\nspec:\n"
    sync += "  rule: ready\n  target: {object: Project__c}\n  fields: {Status__c: status}\n"
    files = {"c.yaml": MINIMAL_CONNECTION, "r.yaml": MINIMAL_RULE, "s.yaml": sync}

    spec = load_spec(make_spec(files, base=False))

    connection, rule, sync_back = spec.connection, spec.import_rules[0], spec.sync_backs[0]
    assert connection.salesforce.api_version == "62.0"
    assert connection.timezone == "UTC"
    assert connection.go_live is None
    assert connection.baton.requests_per_minute == 1000
    assert rule.backfill.mode == "none"
    assert (rule.project_lead, rule.template, rule.fields) == (None, None, {})
    assert sync_back.every == timedelta(hours=4)
    assert sync_back.on_conflict == "overwrite"
    assert sync_back.create_missing_fields is False
    assert sync_back.track_history == ()


def test_criteria_keep_their_yaml_types(make_spec: MakeSpec) -> None:
    rule = MINIMAL_RULE.replace(
        "when: {field: Ready__c, eq: true}",
        "when:\n    - {field: Ready__c, eq: true}\n    - {field: Close__c, ge: 2026-01-01}\n"
        "    - {field: Amount__c, gt: 10.5}\n    - {field: Tier__c, notIn: [1, Gold]}\n"
        "    - {field: Owner__c, isNull: false}",
    )

    spec = load_spec(make_spec({"c.yaml": MINIMAL_CONNECTION, "r.yaml": rule}, base=False))

    when = spec.import_rules[0].when
    assert when.mode == "all"
    assert [(c.op, c.value) for c in when.criteria()] == [
        ("eq", True),
        ("ge", date(2026, 1, 1)),
        ("gt", 10.5),
        ("notIn", (1, "Gold")),
        ("isNull", False),
    ]


def test_a_bare_criterion_becomes_an_all_group(make_spec: MakeSpec) -> None:
    files = {"c.yaml": MINIMAL_CONNECTION, "r.yaml": MINIMAL_RULE}

    when = load_spec(make_spec(files, base=False)).import_rules[0].when

    assert isinstance(when, Group)
    assert when.mode == "all"
    assert isinstance(when.items[0], Criterion)
    assert when.items[0].location.line == 6


def test_field_paths_cover_criteria_paths_and_template_variables(make_spec: MakeSpec) -> None:
    rule = load_spec(make_spec()).rule("closed-won")

    assert rule.field_paths() == {
        "StageName",
        "Type",
        "Amount",
        "Ready_for_Implementation__c",
        "Account.Name",
        "Name",
        "CloseDate",
        "Primary_Contact__r.Email",
        "Description",
        "Account.BillingCountry",
    }


def test_custom_fields_may_be_written_with_the_custom_prefix(make_spec: MakeSpec) -> None:
    rule = (
        MINIMAL_RULE + "  fields:\n    custom.Tier: Tier__c\n    custom:\n      Owner: Owner__c\n"
    )

    spec = load_spec(make_spec({"c.yaml": MINIMAL_CONNECTION, "r.yaml": rule}, base=False))

    assert spec.import_rules[0].custom_fields == {"Tier": "Tier__c", "Owner": "Owner__c"}
    assert spec.import_rules[0].fields == {}


def test_a_go_live_date_is_midnight_in_the_connection_timezone(make_spec: MakeSpec) -> None:
    text = CONNECTION.replace("2026-12-15T00:00:00Z", "2026-12-15")

    spec = load_spec(make_spec({"connection.yaml": text}))

    assert spec.connection.go_live == datetime(2026, 12, 15, 5, tzinfo=UTC)


def test_backfill_forms(make_spec: MakeSpec) -> None:
    since = RULE.replace("backfill: none", "backfill: {since: 2026-01-01}")
    ids = RULE.replace("backfill: none", "backfill: {ids: [001A0000006Vm9r]}")

    by_date = load_spec(make_spec({"import/closed-won.yaml": since})).rule("closed-won")
    by_id = load_spec(make_spec({"import/closed-won.yaml": ids})).rule("closed-won")

    assert (by_date.backfill.mode, by_date.backfill.since) == ("since", date(2026, 1, 1))
    assert (by_id.backfill.mode, by_id.backfill.ids) == ("ids", ("001A0000006Vm9rIAC",))


def test_every_takes_minutes_hours_and_days(make_spec: MakeSpec) -> None:
    text = SYNC.replace("every: 4h", "every: 1h30m")

    spec = load_spec(make_spec({"sync/opportunity.yaml": text}))

    assert spec.sync_backs[0].every == timedelta(hours=1, minutes=30)


def test_a_sync_back_through_a_lookup_links_nothing(make_spec: MakeSpec) -> None:
    text = SYNC.replace("{object: Opportunity}", "{object: Account, via: AccountId}")

    spec = load_spec(make_spec({"sync/opportunity.yaml": text}))

    assert spec.sync_backs[0].target.via == "AccountId"
    assert spec.sync_backs[0].link_field() is None


def test_documents_may_share_one_file(make_spec: MakeSpec) -> None:
    together = "---\n".join([CONNECTION, RULE, SYNC])
    files = {"connection.yaml": None, "import/closed-won.yaml": None, "sync/opportunity.yaml": None}

    spec = load_spec(make_spec({**files, "all.yaml": together}))

    assert [rule.name for rule in spec.import_rules] == ["closed-won"]
    assert spec.sync_backs[0].location.file == "spec/all.yaml"


def test_digest_ignores_formatting_comments_order_and_files(make_spec: MakeSpec) -> None:
    first = load_spec(make_spec()).digest
    reformatted = (
        "# the rule\n"
        + RULE.replace("  backfill: none\n", "").replace("  object: Opportunity\n", "")
        + "  backfill: 'none'   # quoted now\n  object: \"Opportunity\"\n"
    )
    moved = {"import/closed-won.yaml": None, "rules.yml": reformatted}

    second = load_spec(make_spec(moved)).digest

    assert first.startswith("sha256:") and len(first) == len("sha256:") + 64
    assert first == second


def test_digest_changes_with_meaning(make_spec: MakeSpec) -> None:
    first = load_spec(make_spec()).digest

    second = load_spec(make_spec({"sync/opportunity.yaml": SYNC.replace("4h", "2h")})).digest

    assert first != second


def test_load_spec_raises_with_a_one_line_summary(make_spec: MakeSpec) -> None:
    text = RULE.replace("object: Opportunity", "object: Invoice").replace("pm@acme.com", "pm")
    root = make_spec({"import/closed-won.yaml": text})

    with pytest.raises(SpecInvalid) as raised:
        load_spec(root)

    summary = str(raised.value)
    assert isinstance(raised.value, SpecError)
    assert "\n" not in summary
    assert summary.startswith(
        "the spec has 2 errors; the first is at spec/import/closed-won.yaml:6:"
    )
    assert [d.code for d in raised.value.diagnostics] == ["not-importable", "bad-email"]


def test_a_missing_directory_is_a_diagnostic(tmp_path: Path) -> None:
    spec, diagnostics = validate_spec(tmp_path / "nowhere")

    assert spec is None
    assert [d.code for d in diagnostics] == ["spec-dir-not-found"]


def test_an_empty_directory_is_a_diagnostic(make_spec: MakeSpec) -> None:
    spec, diagnostics = validate_spec(make_spec(base=False))

    assert spec is None
    assert [d.code for d in diagnostics] == ["no-spec-files"]


def test_hidden_files_and_other_extensions_are_not_read(check: Check) -> None:
    spec, diagnostics = check({".draft.yaml": "not: [valid", "notes.txt": "kind: nonsense"})

    assert spec is not None, [str(d) for d in diagnostics]


def test_unknown_rule_name_lists_the_rules(make_spec: MakeSpec) -> None:
    spec = load_spec(make_spec())

    with pytest.raises(SpecError, match="no import rule named 'closed'") as raised:
        spec.rule("closed")

    assert raised.value.hint == "did you mean 'closed-won'?"


def test_models_are_frozen(make_spec: MakeSpec) -> None:
    spec = load_spec(make_spec())

    with pytest.raises(ValidationError):
        spec.connection.timezone = "UTC"  # type: ignore[misc]


def test_diagnostics_are_one_line_with_a_code_and_place(check: Check) -> None:
    _, diagnostics = check({"import/closed-won.yaml": RULE.replace("title:", "titel:")})

    (diagnostic,) = diagnostics

    assert str(diagnostic) == (
        "spec/import/closed-won.yaml:18:5: error [unknown-baton-field] 'titel' is not a "
        "Baton field (did you mean 'title'?)"
    )


def test_a_refusal_by_pydantic_becomes_a_diagnostic() -> None:
    log = DiagnosticLog()
    at = Location(file="spec/x.yaml", line=3, column=1)

    built = build_model(log, at, "the rule", lambda: Location(file="x", line="three", column=1))

    (diagnostic,) = log.items
    assert built is None
    assert (diagnostic.code, diagnostic.line) == ("invalid-value", 3)
    assert diagnostic.message.startswith("the rule is invalid at line:")
