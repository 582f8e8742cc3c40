"""How a Baton project status is written into Salesforce.

Known limit: the internal status values are not documented by Baton; these four come from
the product's Salesforce translation table and are assumed to be the API's values.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

STATUS_TO_SALESFORCE: Mapping[str, str] = MappingProxyType(
    {
        "missing_required_info": "Missing Required Info",
        "planning": "Planning",
        "doing": "Doing",
        "done": "Done",
    }
)
"""Baton's project status (Draft before setup, Draft after setup, In Progress, Complete)
to the text Salesforce shows."""
