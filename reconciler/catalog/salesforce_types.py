"""Groups of Salesforce describe `type` names, as SPEC.md's "Baton fields" table uses them.

Describe names a field's type in lower case (`string`, `textarea`, `currency`, ...). The
groups below are the vocabulary of the compatibility table: which describe types a Baton
field can be read from at import, and which it can be written into when syncing back.
"""

from __future__ import annotations

# Read at import as Text: every type Salesforce returns as a JSON string of free text.
# Known limit: email, phone, url and picklist sources are read as Text at import, wider than
# SPEC.md's `string`/`textarea`, so that a contact's Email can fill clientLeadEmail.
TEXT_READ: frozenset[str] = frozenset(
    {"string", "textarea", "email", "phone", "url", "picklist", "multipicklist", "combobox"}
)

# Written as Text: text fields, and the picklist kinds, which take any text through the API.
TEXT_WRITE: frozenset[str] = frozenset(
    {"string", "textarea", "picklist", "multipicklist", "combobox"}
)

NUMBER: frozenset[str] = frozenset({"double", "int", "currency", "percent"})
PERCENT: frozenset[str] = frozenset({"percent"})
DATE_READ: frozenset[str] = frozenset({"date"})
# A `datetime` target takes midnight of the date in the connection's timezone.
DATE_WRITE: frozenset[str] = frozenset({"date", "datetime"})
URL_WRITE: frozenset[str] = frozenset({"url", "string"})
PICKLIST: frozenset[str] = frozenset({"picklist"})
REFERENCE: frozenset[str] = frozenset({"reference"})
# The link field: Text(255), External ID, Unique, case-insensitive.
EXTERNAL_ID_TEXT: frozenset[str] = frozenset({"string"})
