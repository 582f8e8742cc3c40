"""Bulk API 2.0 against the emulator through unmodified simple-salesforce: the same
Observed as the REST path, and per-record errors with the same record, code and field."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.baton.client import connect as connect_baton
from reconciler.errors import SalesforceError
from reconciler.observe.reader import observe
from reconciler.salesforce.client import SalesforceClient, connect
from reconciler.spec import Spec, load_spec
from tests.schema.schema_support import write_live_spec

ACCOUNTS = [
    {"Id": "001000000000001", "Name": 'Acme, "Inc"', "BillingCountry": "US"},
    {"Id": "001000000000002", "Name": "Globex", "BillingCountry": None},
]


def _opportunity(index: int) -> dict[str, Any]:
    return {
        "Name": f"Deal {index:02d}\nsecond line" if index == 3 else f"Deal {index:02d}",
        "StageName": "Closed Won" if index % 3 else "Prospecting",
        "Type": "New Customer",
        "Amount": None if index == 4 else 1000.5 * index,
        "CloseDate": f"2026-12-{index % 28 + 1:02d}",
        "AccountId": None if index == 5 else f"00100000000000{index % 2 + 1}AAA",
        "Ready__c": index % 2 == 0,
        "Baton_Status__c": None,
    }


MATCHING = [
    o
    for o in (_opportunity(i) for i in range(1, 31))
    if o["StageName"] == "Closed Won" and (o["Ready__c"] or (o["Amount"] or 0) > 5000)
]
SEED = {
    "schema": {
        "Opportunity": [
            {"name": "Ready__c", "type": "boolean"},
            {"name": "Seats__c", "type": "double", "precision": 18, "scale": 0},
            {"name": "Baton_Status__c", "type": "string", "length": 20},
        ]
    },
    "salesforce": {"Account": ACCOUNTS, "Opportunity": [_opportunity(i) for i in range(1, 31)]},
    "baton": {"custom_fields": [{"id": 1, "title": "Salesforce Link", "type": "text"}]},
}
RULE = """\
apiVersion: baton-sf/v1
kind: ImportRule
metadata: {name: won}
spec:
  object: Opportunity
  backfill: all
  when:
    all:
      - {field: StageName, eq: Closed Won}
      - {field: Type, eq: New Customer}
      - any:
          - {field: Ready__c, eq: true}
          - {field: Amount, gt: 5000}
  fields:
    title: "{{ Account.Name }} - {{ Name }}"
    dueDate: CloseDate
    contractValue: Amount
    custom:
      Region: Account.BillingCountry
"""


@pytest.fixture(scope="module")
def org(make_shared_emulator: Callable[..., Any]) -> Any:
    return make_shared_emulator(seed=SEED)


@pytest.fixture
def spec(org: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Spec:
    for name, value in org.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BATON_SF_BULK_POLL_SECONDS", "0")
    return load_spec(write_live_spec(tmp_path / "spec", rule=RULE))


def client(spec: Spec, **settings: Any) -> SalesforceClient:
    return dataclasses.replace(connect(spec), **settings)


def test_bulk_and_rest_reads_observe_the_same(spec: Spec, org: Any) -> None:
    before = org.stats()

    by_rest = observe(spec, client(spec), connect_baton(spec))
    by_bulk = observe(spec, client(spec, bulk_read_threshold=0), connect_baton(spec))

    assert len(by_rest.records["won"]) == len(MATCHING) > 10
    assert dataclasses.replace(by_bulk, api_calls={}) == dataclasses.replace(by_rest, api_calls={})
    counts = org.stats()["salesforce"]
    assert counts.get("bulk.query.create", 0) > before["salesforce"].get("bulk.query.create", 0)


def test_bulk_rows_hold_nested_parents_and_typed_values(spec: Spec) -> None:
    sf = client(spec)
    soql = (
        "SELECT Id, Name, Amount, Ready__c, CloseDate, LastModifiedDate, Account.Name "
        "FROM Opportunity ORDER BY Id"
    )

    rest = [_plain(row) for row in sf.query(soql)]
    bulk = sorted(sf.bulk_query(soql), key=lambda row: str(row["Id"]))

    assert bulk == rest
    assert any(row["Account"] is None for row in bulk)
    assert any(row["Amount"] is None for row in bulk)
    assert any("\n" in row["Name"] for row in bulk)


@pytest.mark.parametrize(
    "threshold", [pytest.param(10_000, id="collections"), pytest.param(0, id="bulk")]
)
def test_per_record_errors_carry_record_code_and_field(spec: Spec, threshold: int) -> None:
    sf = client(spec, bulk_write_threshold=threshold)
    ids = [row["Id"] for row in sf.query("SELECT Id FROM Opportunity ORDER BY Id LIMIT 3")]
    records = [
        {"id": ids[0], "Baton_Status__c": "Doing"},
        {"id": ids[1], "Baton_Status__c": "x" * 21},
        {"id": ids[2], "Baton_Status__c": None},
    ]

    result = sf.update("Opportunity", records)

    assert sorted(result.written) == sorted([ids[0], ids[2]])
    (error,) = result.errors
    assert (error.record_id, error.code) == (ids[1], "STRING_TOO_LONG")
    assert error.fields == ("Baton_Status__c",)
    (row,) = sf.query(f"SELECT Baton_Status__c FROM Opportunity WHERE Id = '{ids[0]}'")
    assert row["Baton_Status__c"] == "Doing"


def test_bulk_writes_clear_fields_given_as_null(spec: Spec) -> None:
    sf = client(spec, bulk_write_threshold=0)
    (first,) = sf.query("SELECT Id FROM Opportunity ORDER BY Id LIMIT 1")
    sf.update("Opportunity", [{"id": first["Id"], "Baton_Status__c": "Planning"}])

    result = sf.update("Opportunity", [{"id": first["Id"], "Baton_Status__c": None}])

    assert result.errors == ()
    (row,) = sf.query(f"SELECT Baton_Status__c FROM Opportunity WHERE Id = '{first['Id']}'")
    assert row["Baton_Status__c"] is None


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {
        key: _plain(value) if isinstance(value, dict) else value
        for key, value in row.items()
        if key != "attributes"
    }


def test_a_failing_bulk_query_is_our_error_not_the_librarys(spec: Spec) -> None:
    sf = client(spec)

    with pytest.raises(SalesforceError) as caught:
        list(sf.bulk_query("SELECT Id, No_Such_Field__c FROM Opportunity"))

    assert "No_Such_Field__c" in str(caught.value)
    assert type(caught.value).__module__.startswith("reconciler.")
