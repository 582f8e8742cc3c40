"""One test per validation rule: the diagnostic's code, file and line (and its fix)."""

from __future__ import annotations

import pytest
from spec_support import CONNECTION, RULE, SYNC, Check, line_of, only

CONNECTION_FILE = "connection.yaml"
RULE_FILE = "import/closed-won.yaml"
SYNC_FILE = "sync/opportunity.yaml"


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def case(
    id: str,
    code: str,
    file: str,
    text: str,
    at: str,
    hint: str | None = None,
    extra: dict[str, str] | None = None,
) -> object:
    """A case: `file` gets `text`; the diagnostic `code` is expected on the line of `at`."""
    return pytest.param({file: text, **(extra or {})}, code, file, line_of(text, at), hint, id=id)


SECOND_RULE = edit(RULE, "name: closed-won", "name: upsell")
TWENTY_ONE = "[" + ", ".join(f"F{i}__c" for i in range(21)) + "]"

CASES = [
    # Documents
    case(
        "unknown-key",
        "unknown-key",
        CONNECTION_FILE,
        edit(CONNECTION, "instanceUrl:", "instanceURL:"),
        "instanceURL:",
        hint="did you mean 'instanceUrl'?",
    ),
    case(
        "missing-key",
        "missing-key",
        RULE_FILE,
        edit(RULE, "  object: Opportunity\n", ""),
        "spec:",
        hint="add 'object:'",
    ),
    case(
        "wrong-type",
        "wrong-type",
        CONNECTION_FILE,
        edit(CONNECTION, "requestsPerMinute: 1000", "requestsPerMinute: many"),
        "many",
    ),
    case(
        "duplicate-key",
        "duplicate-key",
        RULE_FILE,
        edit(
            RULE,
            "  template: Standard Onboarding\n",
            "  template: Standard Onboarding\n  template: Other\n",
        ),
        "template: Other",
    ),
    case("duplicate-name", "duplicate-name", "import/second.yaml", RULE, "name: closed-won"),
    case(
        "unknown-api-version",
        "unknown-api-version",
        RULE_FILE,
        edit(RULE, "baton-sf/v1", "baton-sf/v9"),
        "baton-sf/v9",
        hint="baton-sf/v1",
    ),
    case(
        "unknown-kind",
        "unknown-kind",
        RULE_FILE,
        edit(RULE, "kind: ImportRule", "kind: ImportRul"),
        "ImportRul",
        hint="did you mean 'ImportRule'?",
    ),
    case(
        "bad-name",
        "bad-name",
        RULE_FILE,
        edit(RULE, "name: closed-won", "name: closed won/2"),
        "closed won/2",
    ),
    case(
        "yaml-syntax",
        "yaml-syntax",
        RULE_FILE,
        edit(RULE, "dueDate: CloseDate", "dueDate: [CloseDate"),
        "contractValue",
    ),
    case(
        "unsupported-tag",
        "unsupported-tag",
        RULE_FILE,
        edit(RULE, "object: Opportunity", "object: !sf Opportunity"),
        "!sf",
    ),
    case(
        "several-connections",
        "several-connections",
        "second.yaml",
        edit(CONNECTION, "name: acme", "name: other"),
        "kind: Connection",
    ),
    # Connection
    case(
        "literal-secret",
        "literal-secret",
        CONNECTION_FILE,
        edit(CONNECTION, "{file: secrets/sf.key}", "MIIEvQIBADANBgkq"),
        "MIIEvQ",
        hint="{env: VARIABLE}",
    ),
    case(
        "literal-api-key",
        "literal-secret",
        CONNECTION_FILE,
        edit(CONNECTION, "{env: BATON_API_KEY}", "bk_live_123"),
        "bk_live_123",
    ),
    case(
        "insecure-instance-url",
        "insecure-url",
        CONNECTION_FILE,
        edit(CONNECTION, "https://acme.my", "http://acme.my"),
        "http://acme.my",
        hint="loopback",
    ),
    case(
        "insecure-baton-url",
        "insecure-url",
        CONNECTION_FILE,
        edit(CONNECTION, "https://acme.hellobaton", "http://acme.hellobaton"),
        "http://acme.h",
    ),
    case(
        "insecure-login-url",
        "insecure-url",
        CONNECTION_FILE,
        edit(
            CONNECTION,
            "      username:",
            "      loginUrl: http://login.salesforce.com\n      username:",
        ),
        "loginUrl",
    ),
    case(
        "bad-url",
        "bad-url",
        CONNECTION_FILE,
        edit(CONNECTION, "https://acme.hellobaton.com", "acme.hellobaton.com"),
        "acme.hellobaton.com",
    ),
    case(
        "bad-reference-key",
        "bad-reference",
        CONNECTION_FILE,
        edit(CONNECTION, "{env: BATON_API_KEY}", "{vault: baton}"),
        "{vault",
    ),
    case(
        "bad-reference-name",
        "bad-reference",
        CONNECTION_FILE,
        edit(CONNECTION, "{env: BATON_API_KEY}", "{env: 1-KEY}"),
        "1-KEY",
    ),
    case(
        "key-not-for-method",
        "key-not-for-method",
        CONNECTION_FILE,
        edit(CONNECTION, "      privateKey:", "      clientSecret: {env: S}\n      privateKey:"),
        "clientSecret",
        hint="jwt-bearer uses username, clientId, privateKey, loginUrl",
    ),
    case(
        "method-needs-key",
        "missing-key",
        CONNECTION_FILE,
        edit(CONNECTION, "      privateKey: {file: secrets/sf.key}\n", ""),
        "auth:",
        hint="jwt-bearer needs username, clientId, privateKey",
    ),
    case(
        "unknown-method",
        "bad-value",
        CONNECTION_FILE,
        edit(CONNECTION, "jwt-bearer", "jwt"),
        "method: jwt",
        hint="did you mean 'jwt-bearer'?",
    ),
    case(
        "unknown-timezone",
        "unknown-timezone",
        CONNECTION_FILE,
        edit(CONNECTION, "America/New_York", "America/New_Yrok"),
        "New_Yrok",
        hint="did you mean 'America/New_York'?",
    ),
    case(
        "bad-api-version",
        "bad-api-version",
        CONNECTION_FILE,
        edit(CONNECTION, '"62.0"', "sixty-two"),
        "sixty-two",
    ),
    case(
        "salesforce-api-too-old",
        "salesforce-api-too-old",
        CONNECTION_FILE,
        edit(CONNECTION, '"62.0"', '"40.0"'),
        '"40.0"',
    ),
    case(
        "reference-not-allowed",
        "reference-not-allowed",
        CONNECTION_FILE,
        edit(CONNECTION, "timezone: America/New_York", "timezone: {env: TZ}"),
        "{env: TZ}",
    ),
    case(
        "go-live-without-offset",
        "bad-value",
        CONNECTION_FILE,
        edit(CONNECTION, "2026-12-15T00:00:00Z", "2026-12-15T00:00:00"),
        "goLive",
    ),
    case(
        "requests-per-minute-zero",
        "bad-value",
        CONNECTION_FILE,
        edit(CONNECTION, "requestsPerMinute: 1000", "requestsPerMinute: 0"),
        "requestsPer",
    ),
    # ImportRule
    case(
        "not-importable",
        "not-importable",
        RULE_FILE,
        edit(RULE, "object: Opportunity", "object: Invoice"),
        "Invoice",
        hint="__c",
    ),
    case(
        "not-importable-typo",
        "not-importable",
        RULE_FILE,
        edit(RULE, "object: Opportunity", "object: Opportunty"),
        "Opportunty",
        hint="did you mean 'Opportunity'?",
    ),
    case(
        "no-criteria",
        "no-criteria",
        RULE_FILE,
        RULE[: RULE.index("  when:")] + RULE[RULE.index("  projectLead") :],
        "spec:",
    ),
    case(
        "empty-group",
        "empty-group",
        RULE_FILE,
        edit(
            RULE,
            "      - any:\n          - {field: Amount, gt: 10000}\n"
            "          - {field: Ready_for_Implementation__c, eq: true}\n",
            "      - any: []\n",
        ),
        "any: []",
    ),
    case(
        "opportunity-needs-type-and-stage",
        "opportunity-needs-type-and-stage",
        RULE_FILE,
        edit(RULE, "      - {field: Type, in: [New Customer, Existing Customer - Upgrade]}\n", ""),
        "when:",
    ),
    case(
        "missing-operator",
        "missing-operator",
        RULE_FILE,
        edit(RULE, "{field: Amount, gt: 10000}", "{field: Amount}"),
        "{field: Amount}",
    ),
    case(
        "several-operators",
        "several-operators",
        RULE_FILE,
        edit(RULE, "{field: Amount, gt: 10000}", "{field: Amount, gt: 1, lt: 5}"),
        "lt: 5",
    ),
    case(
        "unknown-operator",
        "unknown-key",
        RULE_FILE,
        edit(RULE, "{field: Amount, gt: 10000}", "{field: Amount, gt: 1, between: 5}"),
        "between",
        hint="notIn",
    ),
    case(
        "is-null-needs-boolean",
        "wrong-type",
        RULE_FILE,
        edit(RULE, "{field: Amount, gt: 10000}", "{field: Amount, isNull: maybe}"),
        "maybe",
    ),
    case(
        "in-needs-list",
        "wrong-type",
        RULE_FILE,
        edit(RULE, "in: [New Customer, Existing Customer - Upgrade]", "in: New Customer"),
        "in: New Customer",
    ),
    case(
        "bad-field-path",
        "bad-field-path",
        RULE_FILE,
        edit(RULE, "dueDate: CloseDate", "dueDate: Close Date"),
        "Close Date",
    ),
    case(
        "template-calls",
        "bad-template",
        RULE_FILE,
        edit(RULE, "{{ Name }}", "{{ Name.upper() }}"),
        "upper()",
    ),
    case(
        "template-syntax", "bad-template", RULE_FILE, edit(RULE, "{{ Name }}", "{{ Name"), "title:"
    ),
    case(
        "template-variable",
        "bad-field-path",
        RULE_FILE,
        edit(RULE, "{{ Name }}", "{{ Nämé }}"),
        "title:",
    ),
    case(
        "unknown-baton-field",
        "unknown-baton-field",
        RULE_FILE,
        edit(RULE, "    title:", "    titel:"),
        "titel",
        hint="did you mean 'title'?",
    ),
    case(
        "not-importable-field",
        "not-importable-field",
        RULE_FILE,
        edit(RULE, "    dueDate: CloseDate", "    status: StageName"),
        "status",
    ),
    case(
        "bad-email", "bad-email", RULE_FILE, edit(RULE, "pm@acme.com", "pm at acme"), "pm at acme"
    ),
    case(
        "bad-backfill",
        "bad-value",
        RULE_FILE,
        edit(RULE, "backfill: none", "backfill: some"),
        "backfill: some",
    ),
    case(
        "bad-record-id",
        "bad-record-id",
        RULE_FILE,
        edit(RULE, "backfill: none", "backfill: {ids: [001A0000006Vm9rIAC, 006xyz]}"),
        "006xyz",
    ),
    case(
        "backfill-since-date",
        "wrong-type",
        RULE_FILE,
        edit(RULE, "backfill: none", "backfill: {since: yesterday}"),
        "yesterday",
    ),
    # SyncBack
    case(
        "unknown-rule",
        "unknown-rule",
        SYNC_FILE,
        edit(SYNC, "rule: closed-won", "rule: closed-wonn"),
        "closed-wonn",
        hint="did you mean 'closed-won'?",
    ),
    case(
        "target-object-mismatch",
        "target-object-mismatch",
        SYNC_FILE,
        edit(SYNC, "{object: Opportunity}", "{object: Account}"),
        "{object: Account}",
        hint="via",
    ),
    case(
        "unknown-sync-field",
        "unknown-baton-field",
        SYNC_FILE,
        edit(SYNC, "Baton_Phase__c: phase", "Baton_Phase__c: phaze"),
        "phaze",
        hint="did you mean 'phase'?",
    ),
    case(
        "bad-salesforce-field-name",
        "bad-field-path",
        SYNC_FILE,
        edit(SYNC, "Baton_Phase__c: phase", "Baton Phase: phase"),
        "Baton Phase",
    ),
    case(
        "no-fields",
        "no-fields",
        SYNC_FILE,
        SYNC[: SYNC.index("  fields:")] + "  fields: {}\n" + SYNC[SYNC.index("  createMissing") :],
        "fields: {}",
    ),
    case(
        "too-many-history-fields",
        "too-many-history-fields",
        SYNC_FILE,
        edit(SYNC, "trackHistory: [Baton_Status__c]", f"trackHistory: {TWENTY_ONE}"),
        "trackHistory",
    ),
    case(
        "bad-duration",
        "bad-duration",
        SYNC_FILE,
        edit(SYNC, "every: 4h", "every: 4 hours"),
        "every:",
    ),
    case(
        "duration-without-unit",
        "wrong-type",
        SYNC_FILE,
        edit(SYNC, "every: 4h", "every: 4"),
        "every:",
        hint="30m, 4h or 1d",
    ),
    case(
        "on-conflict",
        "bad-value",
        SYNC_FILE,
        edit(SYNC, "onConflict: overwrite", "onConflict: merge"),
        "merge",
        hint="skip",
    ),
    case(
        "create-missing-fields-boolean",
        "wrong-type",
        SYNC_FILE,
        edit(SYNC, "createMissingFields: true", "createMissingFields: yes"),
        "yes",
    ),
    case(
        "duplicate-target-field",
        "duplicate-target-field",
        "sync/second.yaml",
        edit(SYNC, "name: opportunity", "name: second"),
        "Baton_Project_ID__c",
    ),
    case(
        "shared-link-field",
        "shared-link-field",
        "sync/upsell.yaml",
        edit(edit(SYNC, "name: opportunity", "name: upsell"), "rule: closed-won", "rule: upsell"),
        "Baton_Project_ID__c",
        extra={"import/upsell.yaml": SECOND_RULE},
    ),
]


@pytest.mark.parametrize(("files", "code", "file", "line", "hint"), CASES)
def test_rule_is_reported_at_its_place(
    check: Check, files: dict[str, str], code: str, file: str, line: int, hint: str | None
) -> None:
    spec, diagnostics = check(files)

    found = [d for d in diagnostics if d.code == code]
    assert spec is None
    assert found, [str(d) for d in diagnostics]
    assert (found[0].severity, found[0].file, found[0].line) == ("error", f"spec/{file}", line)
    if hint is not None:
        assert hint in (found[0].hint or ""), found[0].hint


def test_unknown_key_column_points_at_the_key(check: Check) -> None:
    text = edit(CONNECTION, "instanceUrl:", "instanceURL:")

    _, diagnostics = check({CONNECTION_FILE: text})

    found = only(diagnostics, "unknown-key")
    assert (found.line, found.column) == (7, 5)


def test_literal_secret_is_never_repeated(check: Check) -> None:
    text = edit(CONNECTION, "{file: secrets/sf.key}", "hunter2-very-secret")

    _, diagnostics = check({CONNECTION_FILE: text})

    assert only(diagnostics, "literal-secret")
    assert all("hunter2" not in str(d) for d in diagnostics)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://127.0.0.1:8443", id="ipv4-loopback"),
        pytest.param("http://127.9.9.9", id="loopback-range"),
        pytest.param("http://localhost:8080/", id="localhost"),
        pytest.param("http://[::1]:8443", id="ipv6-loopback"),
        pytest.param("{env: SF_URL}", id="reference"),
    ],
)
def test_plain_http_is_allowed_on_loopback(check: Check, url: str) -> None:
    text = edit(CONNECTION, "https://acme.my.salesforce.com", url)

    spec, diagnostics = check({CONNECTION_FILE: text})

    assert spec is not None, [str(d) for d in diagnostics]


def test_missing_connection_is_reported(check: Check) -> None:
    spec, diagnostics = check({CONNECTION_FILE: None})

    found = only(diagnostics, "no-connection")
    assert spec is None
    assert (found.file, found.line) == ("spec", 1)


def test_missing_connection_is_not_claimed_when_a_file_is_unreadable(check: Check) -> None:
    spec, diagnostics = check({CONNECTION_FILE: "apiVersion: [\n"})

    assert spec is None
    assert only(diagnostics, "yaml-syntax")
    assert not [d for d in diagnostics if d.code in ("no-connection", "unknown-rule")]


def test_non_utf8_file_is_reported_at_the_byte(check: Check) -> None:
    raw = RULE.encode().replace(b"Standard Onboarding", b"Standard \xe9nboarding")

    _, diagnostics = check({RULE_FILE: raw})

    found = only(diagnostics, "not-utf8")
    assert (found.file, found.line, found.column) == (f"spec/{RULE_FILE}", 15, 22)


def test_history_limit_counts_every_sync_back_of_an_object(check: Check) -> None:
    first = edit(
        SYNC,
        "trackHistory: [Baton_Status__c]",
        "trackHistory: [" + ", ".join(f"A{i}__c" for i in range(12)) + "]",
    )
    second = (
        "apiVersion: baton-sf/v1\nkind: SyncBack\nmetadata: {name: more}\nspec:\n"
        "  rule: closed-won\n  target: {object: Opportunity}\n"
        "  fields: {Baton_Health__c: health}\n"
        "  trackHistory: [" + ", ".join(f"B{i}__c" for i in range(12)) + "]\n"
    )

    spec, diagnostics = check({SYNC_FILE: first, "sync/more.yaml": second})

    found = only(diagnostics, "too-many-history-fields")
    assert spec is None
    # The files are read in name order, so the second to add tracked fields is opportunity.
    assert (found.file, found.line) == (f"spec/{SYNC_FILE}", line_of(first, "trackHistory"))
    assert "24 fields" in found.message


def test_rules_sharing_a_plain_field_are_warned(check: Check) -> None:
    other_sync = """\
apiVersion: baton-sf/v1
kind: SyncBack
metadata: {name: upsell}
spec:
  rule: upsell
  target: {object: Opportunity}
  fields:
    Upsell_Project_ID__c: projectId
    Baton_Status__c: status
"""
    spec, diagnostics = check({"import/upsell.yaml": SECOND_RULE, "sync/upsell.yaml": other_sync})

    found = only(diagnostics, "shared-target-field")
    assert spec is not None
    assert (found.severity, found.line) == ("warning", 9)


@pytest.mark.parametrize(
    ("files", "code"),
    [
        pytest.param(
            {
                CONNECTION_FILE: edit(
                    CONNECTION, "requestsPerMinute: 1000", "requestsPerMinute: 5000"
                )
            },
            "above-rate-limit",
            id="rate",
        ),
        pytest.param(
            {SYNC_FILE: edit(SYNC, "[Baton_Status__c]", "[Baton_Status__c, Other__c]")},
            "track-history-unmapped",
            id="unmapped-history",
        ),
        pytest.param(
            {
                RULE_FILE: edit(
                    RULE, "backfill: none", "backfill: {ids: [001A0000006Vm9r, 001a0000006vm9riac]}"
                )
            },
            "duplicate-entry",
            id="duplicate-backfill-id",
        ),
    ],
)
def test_warnings_come_with_a_spec(check: Check, files: dict[str, str], code: str) -> None:
    spec, diagnostics = check(files)

    found = only(diagnostics, code)
    assert found.severity == "warning"
    assert spec is not None
