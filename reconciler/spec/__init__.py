"""The spec language (`baton-sf/v1`): loading a spec directory into validated, frozen
models, with every problem reported as a diagnostic carrying file, line and column."""

from reconciler.spec.conditions import Condition, Criterion, Group, Operator
from reconciler.spec.connection import (
    AuthMethod,
    BatonSettings,
    Connection,
    SalesforceAuth,
    SalesforceSettings,
)
from reconciler.spec.diagnostics import Diagnostic, Location, Severity, SpecInvalid
from reconciler.spec.durations import format_duration, parse_duration
from reconciler.spec.import_rule import Backfill, ImportRule
from reconciler.spec.loader import load_spec, validate_spec
from reconciler.spec.references import (
    EnvRef,
    FileRef,
    Value,
    is_reference,
    resolve,
    resolve_path,
)
from reconciler.spec.schema_checks import check_against_org, read_describes
from reconciler.spec.spec_model import Spec
from reconciler.spec.sync_back import SyncBack, Target

__all__ = [
    "AuthMethod",
    "Backfill",
    "BatonSettings",
    "Condition",
    "Connection",
    "Criterion",
    "Diagnostic",
    "EnvRef",
    "FileRef",
    "Group",
    "ImportRule",
    "Location",
    "Operator",
    "SalesforceAuth",
    "SalesforceSettings",
    "Severity",
    "Spec",
    "SpecInvalid",
    "SyncBack",
    "Target",
    "Value",
    "check_against_org",
    "format_duration",
    "is_reference",
    "load_spec",
    "parse_duration",
    "read_describes",
    "resolve",
    "resolve_path",
    "validate_spec",
]
