"""CSV as Bulk API 2.0 reads and writes it: a header of field names, one record a line,
the job's column delimiter and line ending, every value quoted in results.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

DELIMITERS = {
    "BACKQUOTE": "`",
    "CARET": "^",
    "COMMA": ",",
    "PIPE": "|",
    "SEMICOLON": ";",
    "TAB": "\t",
}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
NULL = "#N/A"


class CsvProblem(ValueError):
    """Uploaded data that cannot be read as CSV."""


def read_csv(text: str, delimiter: str) -> tuple[list[str], list[list[str]]]:
    """Return the header and the rows of uploaded CSV data."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITERS[delimiter]))
    except csv.Error as error:
        raise CsvProblem(f"the data is not valid CSV: {error}") from None
    rows = [row for row in rows if row]
    if not rows:
        raise CsvProblem("the data has no header line")
    return [name.strip() for name in rows[0]], rows[1:]


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[str]], delimiter: str, line_ending: str
) -> str:
    """Return result CSV with every value quoted."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=DELIMITERS[delimiter],
        lineterminator=LINE_ENDINGS[line_ending],
        quoting=csv.QUOTE_ALL,
    )
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def csv_value(value: Any) -> str:
    """Return a JSON-form value as Bulk API 2.0 writes it in query results."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.endswith("+0000") and "T" in value:
        return value[:-5] + "Z"
    return str(value)


def format_options(body: dict[str, Any]) -> tuple[str, str]:
    """Read a job's contentType, columnDelimiter and lineEnding, with Salesforce's defaults.

    Raises ValueError naming the bad option.
    """
    if body.get("contentType", "CSV") != "CSV":
        raise ValueError(f"contentType {body.get('contentType')!r} is not supported; use CSV")
    delimiter = body.get("columnDelimiter") or "COMMA"
    line_ending = body.get("lineEnding") or "LF"
    if delimiter not in DELIMITERS:
        raise ValueError(f"columnDelimiter {delimiter!r} is not one of {', '.join(DELIMITERS)}")
    if line_ending not in LINE_ENDINGS:
        raise ValueError(f"lineEnding {line_ending!r} is not LF or CRLF")
    return str(delimiter), str(line_ending)
