"""Bulk API 2.0 as simple-salesforce's `sf.bulk2` drives it: ingest jobs with their
successful, failed and unprocessed records, and query jobs paged by locator."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from emulator_seeds import STANDARD_SEED
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceOperationError

_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def org(make_shared_emulator: Callable[..., Any]) -> Any:
    return make_shared_emulator(seed=STANDARD_SEED)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _deal(**fields: Any) -> dict[str, Any]:
    return {
        "Name": f"Bulk deal {next(_numbers)}",
        "StageName": "Prospecting",
        "CloseDate": "2026-09-30",
        **fields,
    }


def _jobs(org: Any) -> str:
    return f"{org.url}/services/data/v62.0/jobs"


def _headers(org: Any, content_type: str = "application/json") -> dict[str, str]:
    return {
        "Authorization": f"Bearer {org.env['BATON_SF_SALESFORCE_TOKEN']}",
        "Content-Type": content_type,
    }


def test_an_insert_job_writes_every_valid_record(org: Any) -> None:
    sf = org.sf()
    deals = [_deal(Amount="1500.5"), _deal(Ready_for_Implementation__c="true")]

    (result,) = sf.bulk2.Opportunity.insert(records=deals, wait=0)
    successes = _rows(sf.bulk2.Opportunity.get_successful_records(result["job_id"]))

    assert result["numberRecordsProcessed"] == 2 and result["numberRecordsFailed"] == 0
    assert [row["Name"] for row in successes] == [deal["Name"] for deal in deals]
    assert all(row["sf__Created"] == "true" for row in successes)
    first = sf.Opportunity.get(successes[0]["sf__Id"])
    second = sf.Opportunity.get(successes[1]["sf__Id"])
    assert first["Amount"] == 1500.5
    assert second["Ready_for_Implementation__c"] is True


def test_failed_records_carry_code_message_and_fields(org: Any) -> None:
    sf = org.sf()
    deals = [_deal(), _deal(Baton_Status__c="x" * 21), {"Name": "No stage", "CloseDate": ""}]

    (result,) = sf.bulk2.Opportunity.insert(records=deals, wait=0)
    failed = _rows(sf.bulk2.Opportunity.get_failed_records(result["job_id"]))

    assert result["numberRecordsProcessed"] == 3 and result["numberRecordsFailed"] == 2
    errors = sorted(row["sf__Error"] for row in failed)
    assert errors[0].startswith("REQUIRED_FIELD_MISSING:Required fields are missing: [")
    assert errors[1].startswith("STRING_TOO_LONG:")
    assert errors[1].endswith(":Baton_Status__c --")
    assert all(row["sf__Id"] == "" for row in failed)


def test_update_and_delete_jobs(org: Any) -> None:
    sf = org.sf()
    (inserted,) = sf.bulk2.Opportunity.insert(records=[_deal(), _deal()], wait=0)
    rows = _rows(sf.bulk2.Opportunity.get_successful_records(inserted["job_id"]))
    ids = [row["sf__Id"] for row in rows]

    (updated,) = sf.bulk2.Opportunity.update(
        records=[
            {"Id": ids[0], "Baton_Status__c": "Doing"},
            {"Id": "006000000000000", "Name": "x"},
        ],
        wait=0,
    )
    (deleted,) = sf.bulk2.Opportunity.delete(records=[{"Id": ids[1]}], wait=0)

    assert (updated["numberRecordsProcessed"], updated["numberRecordsFailed"]) == (2, 1)
    assert sf.Opportunity.get(ids[0])["Baton_Status__c"] == "Doing"
    failed = _rows(sf.bulk2.Opportunity.get_failed_records(updated["job_id"]))
    assert failed[0]["sf__Id"] == "006000000000000"
    assert failed[0]["sf__Error"].startswith("ENTITY_IS_DELETED:")
    assert deleted["numberRecordsFailed"] == 0
    assert sf.query(f"SELECT Id FROM Opportunity WHERE Id = '{ids[1]}'")["totalSize"] == 0


def test_an_upsert_job_creates_then_updates_by_external_id(org: Any) -> None:
    sf = org.sf()
    key = f"bulk-{next(_numbers)}"

    (first,) = sf.bulk2.Opportunity.upsert(
        records=[_deal(Baton_Project_ID__c=key)], external_id_field="Baton_Project_ID__c", wait=0
    )
    (second,) = sf.bulk2.Opportunity.upsert(
        records=[{"Name": "Renamed by upsert", "Baton_Project_ID__c": key}],
        external_id_field="Baton_Project_ID__c",
        wait=0,
    )

    created = _rows(sf.bulk2.Opportunity.get_successful_records(first["job_id"]))
    changed = _rows(sf.bulk2.Opportunity.get_successful_records(second["job_id"]))
    assert created[0]["sf__Created"] == "true" and changed[0]["sf__Created"] == "false"
    assert created[0]["sf__Id"] == changed[0]["sf__Id"]
    assert sf.Opportunity.get_by_custom_id("Baton_Project_ID__c", key)["Name"] == (
        "Renamed by upsert"
    )


def test_an_aborted_job_leaves_its_records_unprocessed(org: Any) -> None:
    session = org.session()
    job = session.post(
        f"{_jobs(org)}/ingest",
        json={"object": "Account", "operation": "insert", "lineEnding": "LF"},
        headers=_headers(org),
    ).json()

    uploaded = session.put(
        f"{_jobs(org)}/ingest/{job['id']}/batches",
        data="Name\nNever written\n",
        headers=_headers(org, "text/csv"),
    )
    aborted = session.patch(
        f"{_jobs(org)}/ingest/{job['id']}", json={"state": "Aborted"}, headers=_headers(org)
    )
    unprocessed = session.get(
        f"{_jobs(org)}/ingest/{job['id']}/unprocessedrecords", headers=_headers(org)
    )
    again = session.patch(
        f"{_jobs(org)}/ingest/{job['id']}", json={"state": "UploadComplete"}, headers=_headers(org)
    )

    assert job["state"] == "Open" and job["contentType"] == "CSV"
    assert uploaded.status_code == 201
    assert aborted.json()["state"] == "Aborted"
    assert _rows(unprocessed.text) == [{"Name": "Never written"}]
    assert again.status_code == 400 and again.json()[0]["errorCode"] == "INVALIDJOBSTATE"
    assert org.sf().query("SELECT Id FROM Account WHERE Name = 'Never written'")["totalSize"] == 0


def test_a_header_naming_an_unknown_field_fails_the_job(org: Any) -> None:
    sf = org.sf()

    with pytest.raises(SalesforceOperationError) as raised:
        sf.bulk2.Opportunity.insert(records=[_deal(Colour__c="red")], wait=0)

    assert "InvalidBatch : Field name not found : Colour__c" in str(raised.value)


def test_a_job_for_an_unknown_object_is_refused_at_creation(org: Any) -> None:
    response = org.session().post(
        f"{_jobs(org)}/ingest",
        json={"object": "Widget__c", "operation": "insert"},
        headers=_headers(org),
    )

    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALIDJOB"
    assert "Widget__c" in response.json()[0]["message"]


def test_a_finished_job_can_be_deleted(org: Any) -> None:
    sf = org.sf()
    (result,) = sf.bulk2.Account.insert(records=[{"Name": "Deleted job"}], wait=0)
    url = f"{_jobs(org)}/ingest/{result['job_id']}"

    deleted = org.session().delete(url, headers=_headers(org))
    gone = org.session().get(url, headers=_headers(org))

    assert deleted.status_code == 204
    assert gone.status_code == 404


def test_a_query_job_pages_by_locator_with_parent_columns(org: Any) -> None:
    sf = org.sf()
    soql = (
        "SELECT Id, Name, Amount, Account.Name, Ready_for_Implementation__c, LastModifiedDate "
        "FROM Opportunity WHERE Name LIKE 'Acme%' OR Name LIKE 'Globex%'"
    )

    pages = list(sf.bulk2.Opportunity.query(soql, max_records=1, wait=0))

    rows = [row for page in pages for row in _rows(page)]
    assert len(pages) == len(rows) >= 3
    assert list(rows[0]) == [
        "Id",
        "Name",
        "Amount",
        "Account.Name",
        "Ready_for_Implementation__c",
        "LastModifiedDate",
    ]
    acme = next(row for row in rows if row["Name"] == "Acme - Renewal")
    assert acme["Account.Name"] == "Acme" and acme["Amount"] == "15000.0"
    assert acme["Ready_for_Implementation__c"] == "true"
    assert acme["LastModifiedDate"] == "2026-02-01T10:00:00.000Z"
    orphan = next(row for row in rows if row["Name"] == "acme - renewal (copy)")
    assert orphan["Account.Name"] == ""


def test_query_results_announce_count_and_locator_in_headers(org: Any) -> None:
    session = org.session()
    job = session.post(
        f"{_jobs(org)}/query",
        json={"operation": "query", "query": "SELECT Id FROM Account"},
        headers=_headers(org),
    ).json()
    results = f"{_jobs(org)}/query/{job['id']}/results"

    first = session.get(results, params={"maxRecords": 2}, headers=_headers(org))
    second = session.get(
        results,
        params={"maxRecords": 2, "locator": first.headers["Sforce-Locator"]},
        headers=_headers(org),
    )
    info = session.get(f"{_jobs(org)}/query/{job['id']}", headers=_headers(org)).json()

    assert job["state"] == "UploadComplete"
    assert first.headers["Sforce-NumberOfRecords"] == "2"
    assert first.headers["Sforce-Locator"] not in ("", "null")
    assert first.headers["Content-Type"].startswith("text/csv")
    assert second.headers["Sforce-Locator"] == "null"
    assert info["state"] == "JobComplete"
    assert int(second.headers["Sforce-NumberOfRecords"]) == info["numberRecordsProcessed"] - 2


def test_a_bad_query_is_refused_when_the_job_is_created(org: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        list(org.sf().bulk2.Account.query("SELECT Colour__c FROM Account", wait=0))

    assert raised.value.content[0]["errorCode"] == "INVALID_FIELD"


def test_bulk_calls_are_counted_by_kind(org: Any) -> None:
    sf = org.sf()
    before = org.stats()["salesforce"]

    sf.bulk2.Account.insert(records=[{"Name": "Counted"}], wait=0)
    list(sf.bulk2.Account.query("SELECT Id FROM Account", wait=0))
    after = org.stats()["salesforce"]

    def grew(kind: str) -> int:
        return int(after.get(kind, 0)) - int(before.get(kind, 0))

    assert grew("bulk.ingest.create") == grew("bulk.ingest.upload") == 1
    assert grew("bulk.ingest.state") == 1
    assert grew("bulk.query.create") == grew("bulk.query.results") == 1
