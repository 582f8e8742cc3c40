"""Checks against the org's schema: field paths, relationships, types, writability, criterion
values and history tracking, each reported at the key or value it is about."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest
from org_support import Describes, custom_field, example_org, with_fields
from spec_support import RULE, SYNC, MakeSpec, line_of, only

from reconciler.spec import Diagnostic, load_spec
from reconciler.spec.org_schema import OrgSchema, Resolved, Unresolved
from reconciler.spec.schema_checks import check_against_org, read_describes

OrgCheck = Callable[..., list[Diagnostic]]


@pytest.fixture
def org_check(make_spec: MakeSpec) -> OrgCheck:
    """Write a spec (as make_spec), load it, and check it against `org` (the example org
    by default)."""

    def run(
        files: Mapping[str, str | None] | None = None,
        *,
        org: Describes | None = None,
        history: Mapping[str, Sequence[str]] | None = None,
        env: str | None = None,
    ) -> list[Diagnostic]:
        spec = load_spec(make_spec(files), env)
        return check_against_org(spec, example_org() if org is None else org, history)

    return run


def column_of(text: str, needle: str) -> int:
    """The 1-based column of the first occurrence of `needle` on its line."""
    index = text.index(needle)
    return index - (text.rfind("\n", 0, index) + 1) + 1


def rule_with(old: str, new: str) -> dict[str, str]:
    assert old in RULE
    return {"import/closed-won.yaml": RULE.replace(old, new)}


def sync_with(old: str, new: str) -> dict[str, str]:
    assert old in SYNC
    return {"sync/opportunity.yaml": SYNC.replace(old, new)}


def test_the_example_of_spec_md_fits_an_org_that_has_its_fields(org_check: OrgCheck) -> None:
    assert org_check() == []


def test_an_unknown_criterion_field_is_named_at_its_value_with_the_nearest(
    org_check: OrgCheck,
) -> None:
    files = rule_with("{field: Amount, gt: 10000}", "{field: Amont, gt: 10000}")
    text = files["import/closed-won.yaml"]

    found = only(org_check(files), "unknown-field")

    assert found.file.endswith("closed-won.yaml")
    assert (found.line, found.column) == (line_of(text, "Amont"), column_of(text, "Amont"))
    assert found.message == "Opportunity has no field 'Amont'"
    assert found.hint == "did you mean 'Amount'?"


def test_a_field_path_resolves_through_relationships_across_describes(
    org_check: OrgCheck,
) -> None:
    files = rule_with("description: Description", "description: Primary_Contact__r.Account.Name")

    assert org_check(files) == []


def test_a_broken_relationship_in_a_path_is_named_with_the_relationships_there(
    org_check: OrgCheck,
) -> None:
    files = rule_with("Primary_Contact__r.Email", "Primary_Contact__r.Acount.Name")
    text = files["import/closed-won.yaml"]

    found = only(org_check(files), "unknown-relationship")

    assert "Contact has no relationship 'Acount'" in found.message
    assert found.hint == "did you mean 'Account'?"
    assert found.line == line_of(text, "Primary_Contact__r.Acount")


def test_an_id_field_used_as_a_relationship_points_to_the_relationship_name(
    org_check: OrgCheck,
) -> None:
    found = only(
        org_check(rule_with("Account.BillingCountry", "AccountId.BillingCountry")),
        "unknown-relationship",
    )

    assert found.hint == "AccountId holds the ID; go through the relationship: Account."


def test_a_path_ending_at_a_relationship_asks_for_one_of_its_fields(
    org_check: OrgCheck,
) -> None:
    found = only(
        org_check(rule_with("description: Description", "description: Account")), "unknown-field"
    )

    assert "names the relationship Account of Opportunity, not a field" in found.message
    assert "Account.Name" in (found.hint or "")


def test_api_names_match_whatever_their_case(org_check: OrgCheck) -> None:
    files = rule_with("{field: StageName, eq: Closed Won}", "{field: stagename, eq: Closed Won}")

    assert org_check(files) == []


def test_a_template_variable_that_is_no_field_path_is_reported_at_the_template(
    org_check: OrgCheck,
) -> None:
    files = rule_with("{{ Account.Name }} - {{ Name }}", "{{ Account.Name }} - {{ Nmae }}")
    text = files["import/closed-won.yaml"]

    found = only(org_check(files), "unknown-template-variable")

    assert "template of title reads 'Nmae'" in found.message
    assert (found.line, found.column) == (line_of(text, "{{ Nmae"), column_of(text, '"{{'))
    assert found.hint == "did you mean 'Name'?"


def test_an_import_source_of_a_type_the_baton_field_does_not_read_is_refused(
    org_check: OrgCheck,
) -> None:
    found = only(org_check(rule_with("dueDate: CloseDate", "dueDate: Amount")), "type-mismatch")

    assert found.message == (
        "dueDate cannot be imported from Opportunity.Amount: Amount is of type currency; "
        "dueDate is read from date"
    )


@pytest.mark.parametrize(
    ("field", "key", "code", "needle"),
    [
        pytest.param(
            "Baton_Health_Score__c",
            "averageMilestoneFeedback",
            "formula-field",
            "is a formula field, which cannot be written",
            id="formula",
        ),
        pytest.param(
            "ExpectedRevenue",
            "contractValue",
            "not-updateable",
            "is not updateable",
            id="read-only",
        ),
        pytest.param(
            "CloseDate", "status", "type-mismatch", "CloseDate is of type date", id="wrong-type"
        ),
        pytest.param(
            "Baton_Client_Lead__c",
            "clientLeadEmail",
            "lookup-target-mismatch",
            "looks up Account; clientLeadEmail needs a lookup to Contact",
            id="lookup-to-the-wrong-object",
        ),
        pytest.param(
            "Baton_Key__c",
            "projectId",
            "link-field-unsuitable",
            "is not an External ID field",
            id="link-field-not-external-id",
        ),
    ],
)
def test_a_target_field_that_cannot_hold_the_baton_field_is_refused_at_its_key(
    org_check: OrgCheck, field: str, key: str, code: str, needle: str
) -> None:
    files = sync_with(
        "  createMissingFields: true", f"    {field}: {key}\n  createMissingFields: true"
    )
    text = files["sync/opportunity.yaml"]

    found = only(org_check(files), code)

    assert needle in found.message
    assert (found.line, found.column) == (line_of(text, f"{field}:"), 5)


def test_a_missing_target_field_is_an_error_unless_it_will_be_created(
    org_check: OrgCheck,
) -> None:
    org = example_org()
    org["Opportunity"]["fields"] = [
        f for f in org["Opportunity"]["fields"] if f["name"] != "Baton_Status__c"
    ]
    without = sync_with("  createMissingFields: true\n", "")

    assert org_check(org=org) == []
    found = only(org_check(without, org=org), "unknown-field")
    assert found.message == "Opportunity has no field 'Baton_Status__c' to write status into"
    assert "createMissingFields: true" in (found.hint or "")
    assert found.line == line_of(without["sync/opportunity.yaml"], "Baton_Status__c: status")


def test_a_tracked_field_that_is_neither_mapped_nor_in_the_org_is_named(
    org_check: OrgCheck,
) -> None:
    files = sync_with("trackHistory: [Baton_Status__c]", "trackHistory: [Baton_Status__c, Stage]")

    found = only(org_check(files), "unknown-field")

    assert found.message == "trackHistory names Opportunity.Stage, which does not exist"


@pytest.mark.parametrize(
    ("criterion", "code", "needle"),
    [
        pytest.param(
            "{field: CloseDate, ge: '2026-01-01'}",
            "criterion-value-type",
            "CloseDate is a date field, but the value is the text '2026-01-01'",
            id="text-for-a-date",
        ),
        pytest.param(
            "{field: Go_Live__c, ge: 2026-01-01}",
            "criterion-value-type",
            "Go_Live__c is a date-time field, but the value is the date 2026-01-01",
            id="date-for-a-date-time",
        ),
        pytest.param(
            "{field: Amount, gt: 'lots'}",
            "criterion-value-type",
            "Amount is a number field (currency), but the value is the text 'lots'",
            id="text-for-a-number",
        ),
        pytest.param(
            "{field: Ready_for_Implementation__c, eq: 'yes'}",
            "criterion-value-type",
            "is a checkbox, but the value is the text 'yes'",
            id="text-for-a-checkbox",
        ),
        pytest.param(
            "{field: Name, eq: true}",
            "criterion-value-type",
            "Name is a text field, but the value is the boolean true",
            id="boolean-for-text",
        ),
        pytest.param(
            "{field: AccountId, eq: Acme}",
            "criterion-value-type",
            "AccountId holds record IDs, but the value is the text 'Acme'",
            id="name-for-an-id",
        ),
        pytest.param(
            "{field: Amount, like: '1%'}",
            "criterion-value-type",
            "like matches text, but Amount is of type currency",
            id="like-on-a-number",
        ),
        pytest.param(
            "{field: Ready_for_Implementation__c, gt: 1}",
            "criterion-value-type",
            "gt cannot order the checkbox",
            id="order-on-a-checkbox",
        ),
        pytest.param(
            "{field: Tier__c, eq: Platinum}",
            "picklist-value",
            "'Platinum' is not a value of the restricted picklist Tier__c",
            id="restricted-picklist",
        ),
        pytest.param(
            "{field: Tier__c, eq: Bronze}",
            "picklist-value",
            "'Bronze' is not a value of the restricted picklist Tier__c",
            id="inactive-picklist-value",
        ),
        pytest.param(
            "{field: Description, eq: x}",
            "not-filterable",
            "Salesforce cannot filter records on Opportunity.Description",
            id="long-text-area",
        ),
    ],
)
def test_a_criterion_value_of_the_wrong_type_is_an_error_at_the_value(
    org_check: OrgCheck, criterion: str, code: str, needle: str
) -> None:
    files = rule_with("{field: Amount, gt: 10000}", criterion)
    text = files["import/closed-won.yaml"]

    found = only(org_check(files), code)

    assert found.severity == "error"
    assert needle in found.message
    assert found.line == line_of(text, criterion)


@pytest.mark.parametrize(
    "criterion",
    [
        pytest.param("{field: CloseDate, ge: 2026-01-01}", id="date"),
        pytest.param("{field: Go_Live__c, ge: 2026-01-01T00:00:00Z}", id="date-time"),
        pytest.param("{field: Name, eq: 2026}", id="number-for-text-is-quoted"),
        pytest.param("{field: AccountId, eq: 001000000000001AAA}", id="record-id"),
        pytest.param("{field: Tier__c, in: [gold, Silver]}", id="picklist-any-case"),
        pytest.param("{field: CloseDate, isNull: true}", id="is-null"),
        pytest.param("{field: Name, like: 'Acme%'}", id="like-on-text"),
    ],
)
def test_a_criterion_value_that_fits_its_field_passes(org_check: OrgCheck, criterion: str) -> None:
    assert org_check(rule_with("{field: Amount, gt: 10000}", criterion)) == []


def test_a_wrong_item_of_a_list_operand_is_pointed_at(org_check: OrgCheck) -> None:
    files = rule_with("{field: Amount, gt: 10000}", "{field: Tier__c, in: [Gold, Platinum]}")
    text = files["import/closed-won.yaml"]

    found = only(org_check(files), "picklist-value")

    assert (found.line, found.column) == (line_of(text, "Platinum"), column_of(text, "Platinum"))


def test_an_unknown_value_of_an_open_picklist_is_a_warning_with_the_nearest(
    org_check: OrgCheck,
) -> None:
    files = rule_with("eq: Closed Won}", "eq: Closed Wonn}")

    found = only(org_check(files), "picklist-value")

    assert found.severity == "warning"
    assert found.hint == "did you mean 'Closed Won'?"


def test_an_object_the_org_does_not_have_is_reported_at_the_rule_object(
    org_check: OrgCheck,
) -> None:
    files: dict[str, str | None] = {
        **rule_with("object: Opportunity", "object: Project__c"),
        "sync/opportunity.yaml": None,
    }
    text = str(files["import/closed-won.yaml"])

    found = only(org_check(files), "unknown-object")

    assert found.message == (
        "import rule 'closed-won' imports Project__c, which is not in the org's schema"
    )
    assert found.line == line_of(text, "Project__c")


VIA_SYNC = """\
apiVersion: baton-sf/v1
kind: SyncBack
metadata:
  name: account
spec:
  rule: closed-won
  target: {object: Account, via: AccountId}
  fields:
    Baton_Region__c: custom.Region
"""


def account_org() -> Describes:
    org = example_org()
    with_fields(org["Account"], custom_field("Baton_Region__c", "string"))
    return org


def test_a_sync_through_a_lookup_writes_the_related_object(org_check: OrgCheck) -> None:
    assert org_check({"sync/account.yaml": VIA_SYNC}, org=account_org()) == []


@pytest.mark.parametrize(
    ("target", "code", "needle", "hint"),
    [
        pytest.param(
            "{object: Account, via: Account}",
            "unknown-field",
            "Opportunity has no lookup field 'Account'",
            "write the lookup field's API name, AccountId",
            id="relationship-name",
        ),
        pytest.param(
            "{object: Account, via: AcountId}",
            "unknown-field",
            "Opportunity has no lookup field 'AcountId'",
            "did you mean 'AccountId'?",
            id="typo",
        ),
        pytest.param(
            "{object: Account, via: Name}",
            "via-not-lookup",
            "target.via Opportunity.Name is a string field, not a lookup",
            None,
            id="not-a-lookup",
        ),
        pytest.param(
            "{object: Account, via: CampaignId}",
            "via-wrong-object",
            "Opportunity.CampaignId looks up Campaign, not Account",
            "set object: Campaign",
            id="lookup-to-another-object",
        ),
    ],
)
def test_a_via_that_does_not_reach_the_target_object_is_refused(
    org_check: OrgCheck, target: str, code: str, needle: str, hint: str | None
) -> None:
    text = VIA_SYNC.replace("{object: Account, via: AccountId}", target)

    found = only(org_check({"sync/account.yaml": text}, org=account_org()), code)

    assert found.message == needle
    if hint is not None:
        assert found.hint == hint
    assert found.line == line_of(text, "target:")


def test_history_counts_the_fields_the_org_tracks_already(org_check: OrgCheck) -> None:
    tracked = [f"Field_{n}__c" for n in range(19)]
    files = sync_with(
        "trackHistory: [Baton_Status__c]", "trackHistory: [Baton_Status__c, Baton_Phase__c]"
    )

    found = only(org_check(files, history={"Opportunity": tracked}), "too-many-history-fields")

    assert found.message == (
        "Opportunity would track the history of 21 fields: 19 the org tracks already and 2 "
        "more from trackHistory; Salesforce tracks at most 20 per object"
    )
    assert found.line == line_of(files["sync/opportunity.yaml"], "trackHistory")


def test_history_already_tracked_by_the_org_is_not_counted_twice(org_check: OrgCheck) -> None:
    tracked = [f"Field_{n}__c" for n in range(18)] + ["baton_status__c"]
    files = sync_with(
        "trackHistory: [Baton_Status__c]", "trackHistory: [Baton_Status__c, Baton_Phase__c]"
    )

    assert org_check(files, history={"opportunity": tracked}) == []
    assert org_check(files) == []


def test_a_finding_in_an_overlay_points_into_the_overlay_file(org_check: OrgCheck) -> None:
    overlay = """\
apiVersion: baton-sf/v1
kind: ImportRule
metadata:
  name: closed-won
spec:
  fields:
    dueDate: CloseDat
"""
    files = {"environments/staging/closed-won.yaml": overlay}

    found = only(org_check(files, env="staging"), "unknown-field")

    assert found.file.endswith("environments/staging/closed-won.yaml")
    assert found.line == line_of(overlay, "CloseDat")


def test_the_describes_read_are_the_ones_the_checks_need_each_once(
    make_spec: MakeSpec,
) -> None:
    org = account_org()
    asked: list[str] = []

    def describe(name: str) -> dict[str, Any] | None:
        asked.append(name)
        return org.get(name)

    spec = load_spec(make_spec({"sync/account.yaml": VIA_SYNC}))

    read = read_describes(spec, describe)

    assert sorted(read) == ["Account", "Contact", "Opportunity"]
    assert sorted(asked) == ["Account", "Contact", "Opportunity"]
    assert check_against_org(spec, read) == []


def test_an_object_the_org_lacks_is_asked_for_once_and_left_out(make_spec: MakeSpec) -> None:
    org = example_org()
    del org["Contact"]
    asked: list[str] = []

    def describe(name: str) -> dict[str, Any] | None:
        asked.append(name)
        return org.get(name)

    spec = load_spec(make_spec())

    read = read_describes(spec, describe)

    assert sorted(read) == ["Account", "Opportunity"]
    assert asked.count("Contact") == 1
    found = only(check_against_org(spec, read), "unknown-object")
    assert "object Contact is not in the org's schema" in found.message


def test_a_polymorphic_relationship_resolves_through_any_object_it_may_point_to() -> None:
    task = {
        "name": "Task",
        "fields": [
            custom_field(
                "WhatId",
                "reference",
                referenceTo=["Account", "Opportunity"],
                relationshipName="What",
            )
        ],
    }
    schema = OrgSchema.of({**example_org(), "Task": task})

    found = schema.resolve("Task", "What.StageName")
    missing = schema.resolve("Task", "What.Nothing__c")

    assert isinstance(found, Resolved)
    assert (found.object, found.name, found.type) == ("Opportunity", "StageName", "picklist")
    assert isinstance(missing, Unresolved)
    assert missing.message == "Account has no field 'Nothing__c' (reading 'What.Nothing__c')"
