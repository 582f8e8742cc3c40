"""Bulk API 2.0 ingest jobs: the job's state and data, and the writing of its records.

Each record is written in its own savepoint through the same checks as the REST API; a
failed record is reported as `sf__Error` "CODE:message" (then ":Field1,Field2 --" when the
error names fields) and never stops the others. A header naming a field the user cannot
see fails the whole job, as Salesforce fails it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .bulk_csv import NULL, format_options, read_csv, write_csv
from .call import Call
from .describe import JsonDict, Schema, SObject
from .records import Problem, RecordFailure, Records, record_id_of
from .store import Store
from .timefmt import now, sf_datetime

OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")


@dataclass
class IngestJob:
    """One ingest job and what became of each of its records."""

    id: str
    object_name: str
    operation: str
    external_id_field: str | None
    created: str
    user_id: str
    api_version: str
    column_delimiter: str
    line_ending: str
    state: str = "Open"
    modified: str = ""
    error_message: str | None = None
    header: list[str] | None = None
    pending: list[list[str]] = field(default_factory=list, repr=False)
    successes: list[list[str]] = field(default_factory=list, repr=False)
    failures: list[list[str]] = field(default_factory=list, repr=False)
    unprocessed: list[list[str]] = field(default_factory=list, repr=False)

    @classmethod
    def create(cls, job_id: str, body: JsonDict, call: Call, stamp: str) -> IngestJob:
        """Check a create-job body; raise ValueError saying what is wrong."""
        sobject = call.schema.get(str(body.get("object") or ""))
        if sobject is None:
            raise ValueError(f"Unable to find object: {body.get('object')}")
        operation = body.get("operation")
        if operation not in OPERATIONS:
            raise ValueError(f"operation {operation!r} is not one of {', '.join(OPERATIONS)}")
        external = _external_id_field(sobject, body) if operation == "upsert" else None
        delimiter, line_ending = format_options(body)
        return cls(
            id=job_id,
            object_name=sobject.name,
            operation=str(operation),
            external_id_field=external,
            created=stamp,
            modified=stamp,
            user_id=call.user_id,
            api_version=call.version,
            column_delimiter=delimiter,
            line_ending=line_ending,
        )

    def upload(self, text: str) -> None:
        """Keep uploaded CSV data until the job closes."""
        header, rows = read_csv(text, self.column_delimiter)
        if self.header is not None and header != self.header:
            raise ValueError("every upload of a job must have the same header")
        self.header = header
        self.pending.extend(rows)

    def abort(self) -> None:
        """Stop the job; data not yet processed stays unprocessed."""
        self.state = "Aborted"
        self.modified = sf_datetime(now())
        self.unprocessed.extend(self.pending)
        self.pending = []

    def fail(self, message: str) -> None:
        """End the job without processing its data."""
        self.state = "Failed"
        self.error_message = message
        self.modified = sf_datetime(now())
        self.unprocessed.extend(self.pending)
        self.pending = []

    def info(self) -> JsonDict:
        """Return the job as `GET jobs/ingest/{id}` shows it."""
        info: JsonDict = {
            "id": self.id,
            "operation": self.operation,
            "object": self.object_name,
            "createdById": self.user_id,
            "createdDate": self.created,
            "systemModstamp": self.modified,
            "state": self.state,
            "externalIdFieldName": self.external_id_field,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": float(self.api_version),
            "jobType": "V2Ingest",
            "contentUrl": f"services/data/v{self.api_version}/jobs/ingest/{self.id}/batches",
            "lineEnding": self.line_ending,
            "columnDelimiter": self.column_delimiter,
            "numberRecordsProcessed": len(self.successes) + len(self.failures),
            "numberRecordsFailed": len(self.failures),
            "retries": 0,
            "totalProcessingTime": 0,
            "apiActiveProcessingTime": 0,
            "apexProcessingTime": 0,
        }
        if self.error_message:
            info["errorMessage"] = self.error_message
        return info

    def results(self, kind: str) -> str:
        """Return the successful, failed or unprocessed records as CSV."""
        header = self.header or []
        if kind == "successful":
            return write_csv(
                ["sf__Id", "sf__Created", *header],
                self.successes,
                self.column_delimiter,
                self.line_ending,
            )
        if kind == "failed":
            return write_csv(
                ["sf__Id", "sf__Error", *header],
                self.failures,
                self.column_delimiter,
                self.line_ending,
            )
        return write_csv(header, self.unprocessed, self.column_delimiter, self.line_ending)


def _external_id_field(sobject: SObject, body: JsonDict) -> str:
    name = body.get("externalIdFieldName")
    if not name:
        raise ValueError(
            f"External ID was blank for {sobject.name}. An External ID must be specified for "
            "upsert."
        )
    found = sobject.field(str(name))
    if found is None or not (found.external_id or found.name == "Id"):
        raise ValueError(
            f"Field name provided, {name} does not match an External ID, Salesforce Id, or "
            f"indexed field for {sobject.name}"
        )
    return found.name


class IngestRunner:
    """Writes the records of a closed job."""

    def __init__(self, store: Store, records: Records, partial_failure: Callable[[], bool]) -> None:
        self.store = store
        self.records = records
        self.partial_failure = partial_failure

    def run(self, job: IngestJob, call: Call) -> None:
        """Process every pending record of a job, then mark it complete (or failed)."""
        sobject = call.schema.get(job.object_name)
        if sobject is None or job.header is None:
            job.fail("InvalidBatch : No content to process" if sobject else "InvalidJob")
            return
        columns = _columns(sobject, job.header)
        if isinstance(columns, str):
            job.fail(columns)
            return
        for row in job.pending:
            self._one(job, call.schema, sobject, columns, row)
        job.pending = []
        job.state = "JobComplete"
        job.modified = sf_datetime(now())

    def _one(
        self, job: IngestJob, view: Schema, sobject: SObject, columns: list[str], row: list[str]
    ) -> None:
        values = {
            name: (None if raw == NULL else raw)
            for name, raw in zip(columns, row, strict=False)
            if raw != ""
        }
        given_id = str(values.get("Id") or "")
        try:
            if self.partial_failure():
                raise RecordFailure(
                    [
                        Problem(
                            "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record"
                        )
                    ]
                )
            with self.store.transaction():
                record_id, created = self._write(job, view, sobject, values)
        except RecordFailure as failure:
            job.failures.append([given_id, _error_text(failure.problems[0]), *row])
            return
        job.successes.append([record_id, "true" if created else "false", *row])

    def _write(
        self, job: IngestJob, view: Schema, sobject: SObject, values: dict[str, Any]
    ) -> tuple[str, bool]:
        operation = job.operation
        if operation == "insert":
            return self.records.create(sobject, values, view), True
        if operation == "upsert":
            return self._upsert(job, view, sobject, values)
        record_id = record_id_of(sobject, values.pop("Id", None))
        if operation == "update":
            self.records.update(sobject, record_id, values, view)
        elif operation == "hardDelete":
            self.records.delete(sobject, record_id)
            self.store.delete_sf(sobject, record_id)
        else:
            self.records.delete(sobject, record_id)
        return record_id, False

    def _upsert(
        self, job: IngestJob, view: Schema, sobject: SObject, values: dict[str, Any]
    ) -> tuple[str, bool]:
        external = job.external_id_field or "Id"
        if external == "Id":
            raw = values.pop("Id", None)
            if raw is None:
                return self.records.create(sobject, values, view), True
            record_id = record_id_of(sobject, raw)
            self.records.update(sobject, record_id, values, view)
            return record_id, False
        key = values.get(external)
        if key is None:
            raise RecordFailure(
                [Problem("MISSING_ARGUMENT", f"{external} not specified", (external,))]
            )
        field = sobject.field(external)
        assert field is not None
        matches = [
            match
            for match in self.store.find_sf(
                sobject, external, key, case_sensitive=field.case_sensitive
            )
            if self.records.live_record(sobject, match) is not None
        ]
        if len(matches) > 1:
            raise RecordFailure(
                [
                    Problem(
                        "DUPLICATE_EXTERNAL_ID",
                        f"{external}: more than one record found for external id field: "
                        f"[{', '.join(matches)}]",
                        (external,),
                    )
                ]
            )
        if not matches:
            return self.records.create(sobject, values, view), True
        self.records.update(sobject, matches[0], values, view)
        return matches[0], False


def _error_text(problem: Problem) -> str:
    """Write a record's error as Salesforce does: `CODE:message`, then `:Field1,Field2 --`."""
    text = f"{problem.code}:{problem.message}"
    return f"{text}:{','.join(problem.fields)} --" if problem.fields else text


# Known limit: a header naming a parent by external ID (Account.External_Id__c) fails the
# job; relate records by their parent's Salesforce ID instead.
def _columns(sobject: SObject, header: list[str]) -> list[str] | str:
    """Return the field names of a header, or the reason the job fails."""
    columns = []
    for name in header:
        field = sobject.field(name) if "." not in name else None
        if field is None:
            return f"InvalidBatch : Field name not found : {name}"
        columns.append(field.name)
    return columns
