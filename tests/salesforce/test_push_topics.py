"""PushTopic names and queries follow Salesforce's rules for streaming queries."""

from __future__ import annotations

from pathlib import Path

from reconciler.salesforce import push_topics
from tests.schema.schema_support import opportunity_describe, write_spec


def test_names_are_short_stable_distinct_and_marked() -> None:
    long_a = "closed-won-enterprise-emea-renewals"
    long_b = "closed-won-enterprise-emea-renewals-2"

    names = [push_topics.topic_name(rule) for rule in (long_a, long_b, "won", "!!!")]

    assert all(len(name) <= push_topics.MAX_NAME for name in names)
    assert all(push_topics.is_managed(name) for name in names)
    assert len(set(names)) == len(names)
    assert push_topics.topic_name(long_a) == names[0]
    assert names[2].startswith("BatonSF_won_")


def test_query_selects_id_and_criterion_fields_with_the_rule_where(tmp_path: Path) -> None:
    when = '      - {field: Amount, gt: 10000}\n      - {field: Name, like: "O\'Brien%"}\n'
    spec = write_spec(tmp_path, when=when)

    query = push_topics.topic_query(spec.rule("won"), opportunity_describe())

    assert query.query == (
        "SELECT Id, Amount, Name, StageName, Type FROM Opportunity WHERE "
        "(StageName = 'Closed Won') AND (Type IN ('New Customer', "
        "'Existing Customer - Upgrade')) AND (Amount > 10000) AND (Name LIKE 'O\\'Brien%')"
    )
    assert query.left_out == ()


def test_criteria_a_topic_cannot_use_are_left_out_and_named(tmp_path: Path) -> None:
    when = (
        "      - {field: Account.Name, eq: Acme}\n"
        "      - {field: Description, isNull: false}\n"
        "      - {field: Score__c, gt: 5}\n"
    )
    spec = write_spec(tmp_path, when=when)

    query = push_topics.topic_query(spec.rule("won"), opportunity_describe())

    assert "Account" not in query.query and "Description" not in query.query
    assert "Score__c" not in query.query
    assert query.query.startswith("SELECT Id, StageName, Type FROM Opportunity WHERE ")
    assert dict(query.left_out) == {
        "Account.Name": "a relationship path",
        "Description": "a Text Area field",
        "Score__c": "a formula field",
    }


def test_a_left_out_alternative_widens_its_whole_any_group(tmp_path: Path) -> None:
    when = (
        "      - any:\n"
        "          - {field: Amount, gt: 10000}\n"
        "          - {field: Account.Name, eq: Acme}\n"
    )
    spec = write_spec(tmp_path, when=when)

    query = push_topics.topic_query(spec.rule("won"), opportunity_describe())

    # Dropping only the relationship alternative would narrow the topic to Amount > 10000.
    assert "Amount > 10000" not in query.query
    assert query.query.endswith(
        "WHERE (StageName = 'Closed Won') AND (Type IN ('New Customer', "
        "'Existing Customer - Upgrade'))"
    )


def test_not_in_and_is_not_null_stay_since_topics_allow_them(tmp_path: Path) -> None:
    when = "      - {field: Name, notIn: [A, B]}\n      - {field: Amount, isNull: false}\n"
    spec = write_spec(tmp_path, when=when)

    query = push_topics.topic_query(spec.rule("won"), opportunity_describe()).query

    assert "(Name NOT IN ('A', 'B'))" in query
    assert "(Amount != null)" in query


def test_differences_name_the_changed_fields_with_their_old_values(tmp_path: Path) -> None:
    spec = write_spec(tmp_path)
    wanted = push_topics.topic_record(spec.rule("won"), "SELECT Id FROM Opportunity", "62.0")
    existing = {**wanted, "ApiVersion": 62, "Query": "SELECT Id, Name FROM Opportunity"}

    assert push_topics.differences(existing, wanted) == {
        "Query": "SELECT Id, Name FROM Opportunity"
    }
    assert push_topics.differences(wanted, wanted) == {}
    assert wanted["NotifyForFields"] == "Referenced"
    assert wanted["NotifyForOperationCreate"] and wanted["NotifyForOperationUpdate"]
