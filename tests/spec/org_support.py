"""An org's schema for the checks against it: the recorded describes the project keeps
(the emulator's copies of the shared fixtures), with the custom fields SPEC.md's example
uses added in test code (the recordings are used as they are)."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import reconciler

FIXTURES = Path(reconciler.__file__).parent / "emulator" / "schema"

Describes = dict[str, dict[str, Any]]


@cache
def _recorded(name: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return payload


def recorded(name: str) -> dict[str, Any]:
    """A private copy of the recorded describe of `name`."""
    return copy.deepcopy(_recorded(name))


def custom_field(name: str, sf_type: str, **extra: Any) -> dict[str, Any]:
    """A describe field as Salesforce gives a custom field of `sf_type`."""
    field: dict[str, Any] = {
        "name": name,
        "label": name.removesuffix("__c").replace("_", " "),
        "type": sf_type,
        "custom": True,
        "calculated": False,
        "updateable": True,
        "createable": True,
        "filterable": True,
        "nillable": True,
        "externalId": False,
        "unique": False,
        "caseSensitive": False,
        "referenceTo": [],
        "relationshipName": None,
        "restrictedPicklist": False,
        "picklistValues": [],
        "length": 255 if sf_type in ("string", "url") else 0,
    }
    field.update(extra)
    return field


def with_fields(describe: dict[str, Any], *fields: Mapping[str, Any]) -> dict[str, Any]:
    """`describe` with `fields` added (replacing fields of the same name)."""
    names = {f["name"] for f in fields}
    describe["fields"] = [f for f in describe["fields"] if f["name"] not in names] + [
        dict(f) for f in fields
    ]
    return describe


def example_org() -> Describes:
    """An org that SPEC.md's example spec (tests/spec/spec_support.py) fits exactly."""
    opportunity = with_fields(
        recorded("Opportunity"),
        custom_field("Ready_for_Implementation__c", "boolean"),
        custom_field(
            "Primary_Contact__c",
            "reference",
            referenceTo=["Contact"],
            relationshipName="Primary_Contact__r",
        ),
        custom_field(
            "Baton_Project_ID__c", "string", externalId=True, unique=True, caseSensitive=False
        ),
        custom_field("Baton_Project_URL__c", "url"),
        custom_field("Baton_Status__c", "string"),
        custom_field("Baton_Phase__c", "string"),
        custom_field("Baton_Tasks_Complete__c", "percent", precision=3, scale=0),
        custom_field("Baton_Projected_Due_Date__c", "date"),
        custom_field("Baton_Region__c", "string"),
        custom_field(
            "Baton_Health_Score__c", "double", calculated=True, updateable=False, createable=False
        ),
        custom_field("Baton_Client_Lead__c", "reference", referenceTo=["Account"]),
        custom_field("Baton_Key__c", "string"),
        custom_field("Go_Live__c", "datetime"),
        custom_field(
            "Tier__c",
            "picklist",
            restrictedPicklist=True,
            picklistValues=[
                {"value": "Gold", "active": True},
                {"value": "Silver", "active": True},
                {"value": "Bronze", "active": False},
            ],
        ),
    )
    return {
        "Opportunity": opportunity,
        "Account": recorded("Account"),
        "Contact": recorded("Contact"),
    }
